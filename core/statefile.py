"""A small SQLite file in the data directory, beside the index: crawl state, source health."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from .errors import DataDirError
from .paths import data_dir


class StateFile:
    """Subclasses name their `filename` and `schema`; the file is created on first use."""

    filename = ""
    schema = ""

    def __init__(self, path: str | Path | None = None):
        self.path = Path(path) if path else data_dir() / self.filename
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with self._db() as db:
            db.executescript(self.schema)

    @contextmanager
    def _db(self) -> Iterator[sqlite3.Connection]:
        """A short-lived connection: commit on success, always close."""
        db = sqlite3.connect(self.path, timeout=30)
        db.row_factory = sqlite3.Row
        try:
            with db:
                yield db
        except sqlite3.OperationalError as exc:
            if not _unwritable(exc):
                raise
            raise DataDirError(f"cannot write {self.path} (OBSERVATORIO_DATA_DIR): {exc}; "
                               "the change was rolled back") from exc
        finally:
            db.close()


def _unwritable(exc: sqlite3.OperationalError) -> bool:
    """The file system refused the write (full, read-only, an I/O error), not the SQL."""
    primary = getattr(exc, "sqlite_errorcode", 0) & 0xFF  # extended codes keep it in the low byte
    return primary in (sqlite3.SQLITE_FULL, sqlite3.SQLITE_READONLY, sqlite3.SQLITE_IOERR,
                       sqlite3.SQLITE_CANTOPEN)
