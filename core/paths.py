"""Where the observatory keeps its state and finds its configuration."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from .refused import refused_write


def data_dir() -> Path:
    """The embedded index, crawl state, source health: OBSERVATORIO_DATA_DIR, else ./data."""
    return Path(os.environ.get("OBSERVATORIO_DATA_DIR") or "data")


def check_writable(folder: Path) -> None:
    """Write and sync one byte in `folder`, or raise DataDirError saying why it cannot be written
    (a read-only or full file system, missing permissions): a clear error before a command
    starts work it could not record."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryFile(dir=folder) as probe:
            probe.write(b"\0")
            probe.flush()
            os.fsync(probe.fileno())
    except OSError as exc:
        raise refused_write(exc, folder) from exc


def config_dir() -> Path:
    """OBSERVATORIO_CONFIG_DIR; else ./config when the working directory has one (a checkout,
    or a deployment's own copy); else the copy installed with the distribution."""
    configured = os.environ.get("OBSERVATORIO_CONFIG_DIR")
    if configured:
        return Path(configured)
    local = Path("config")
    if local.is_dir():
        return local
    return bundled_config()


def bundled_config() -> Path:
    """config/ as the distribution installs it (core/defaults, see pyproject.toml), or beside
    the packages in a checkout and its editable install."""
    installed = Path(__file__).resolve().parent / "defaults"
    return installed if installed.is_dir() else Path(__file__).resolve().parent.parent / "config"


def config_file(name: str) -> Path:
    """A file of the configuration directory, e.g. "sources.yaml" or "demo/sources.yaml"."""
    return config_dir() / name
