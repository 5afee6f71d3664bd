"""Collect funding calls, tenders and news from the sources in `config/sources.yaml`."""
