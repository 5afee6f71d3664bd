"""Helpers for tests: the CLI as a subprocess, temporary source catalogues."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"
# Our packages: the ones the dependency rules (pyproject.toml, import-linter) are about.
PACKAGES = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["importlinter"]["root_packages"]


def run_cli(*args: str, input: str | None = None, env: dict | None = None,
            timeout: float = 300) -> subprocess.CompletedProcess:
    """Run `observatorio ARGS` in a fresh process, as a user would (Scrapy's reactor runs once
    per process, so every crawl gets its own)."""
    return subprocess.run(
        [sys.executable, "-m", "web.cli", *args], input=input, capture_output=True, text=True,
        timeout=timeout, cwd=ROOT, env={**os.environ, **(env or {})},
    )


def write_sources(path: Path, *entries: str) -> Path:
    """A sources.yaml holding the given YAML list entries."""
    path.write_text("sources:\n" + "".join(entries), encoding="utf-8")
    return path


def free_port() -> int:
    """A TCP port free on loopback right now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]
