"""What every package shares and that imports none of them.

Configuration files and their errors, the data and configuration directories, the state-file
base, the clock and time zone, text folding, currency symbols and a local HTTP server.
"""
