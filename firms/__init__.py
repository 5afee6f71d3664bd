"""Firm profiles and the matching of open opportunities to them (see ARCHITECTURE.md)."""
