"""Benchmarks: run each as a module from the repository root, e.g. `python -m bench.search`
(as a script, bench/search.py would hide the search package)."""
