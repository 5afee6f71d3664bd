"""`observatorio backup DIR`: a consistent copy of the data directory while the observatory runs.

SQLite files are copied with SQLite's online backup API, which gives the database as one
transaction saw it, even while a crawl or the web app writes to it (a plain file copy can catch
a write half done); each copy is checked with `PRAGMA integrity_check`. Other files are copied
as they are; crawl locks and the web's rendered answers (a cache) are not state and are left
out. Restore: stop the services, copy the backup's files into the data directory, start them.
"""

from __future__ import annotations

import shutil
import sqlite3
from dataclasses import dataclass
from pathlib import Path

from .errors import ObservatorioError
from .paths import data_dir

SQLITE_HEADER = b"SQLite format 3\x00"
NOT_STATE = {"locks", "answers.db"}  # what in the data directory holds no state


class BackupError(ObservatorioError):
    """The backup could not be written or did not check out."""


@dataclass
class Copied:
    path: Path  # relative to the data directory
    size: int
    database: bool


def backup(target: Path, source: Path | None = None) -> list[Copied]:
    """Copy the data directory `source` into the empty or new directory `target`."""
    source = source or data_dir()
    if not source.is_dir():
        raise BackupError(f"there is no data directory at {source}")
    if target.exists() and any(target.iterdir()):
        raise BackupError(f"{target} is not empty; back up into a new directory")
    if target.resolve().is_relative_to(source.resolve()):
        raise BackupError(f"{target} is inside the data directory {source}")
    copied = []
    for path in sorted(source.rglob("*")):
        relative = path.relative_to(source)
        if not path.is_file() or relative.parts[0] in NOT_STATE or _is_sqlite_sidecar(path):
            continue
        destination = target / relative
        destination.parent.mkdir(parents=True, exist_ok=True)
        database = _is_sqlite(path)
        try:
            _copy_database(path, destination) if database else shutil.copy2(path, destination)
        except (OSError, sqlite3.Error) as exc:
            raise BackupError(f"cannot copy {path} to {destination}: {exc}") from None
        copied.append(Copied(relative, destination.stat().st_size, database))
    return copied


def _copy_database(path: Path, destination: Path) -> None:
    with sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=30) as src, \
            sqlite3.connect(destination) as dst:
        src.backup(dst)
        (result,) = dst.execute("PRAGMA integrity_check").fetchone()
    src.close()
    dst.close()
    if result != "ok":
        raise BackupError(f"the copy of {path} fails its integrity check: {result}")


def _is_sqlite(path: Path) -> bool:
    with path.open("rb") as handle:
        return handle.read(len(SQLITE_HEADER)) == SQLITE_HEADER


def _is_sqlite_sidecar(path: Path) -> bool:
    """-wal, -shm and -journal files: the online backup already includes what they hold."""
    return path.name.endswith(("-wal", "-shm", "-journal"))
