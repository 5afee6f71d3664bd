"""A small SQLite file in the data directory, beside the index: crawl state, source health."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from .paths import data_dir
from .refused import refused_write, unwritable


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
            if not unwritable(exc):
                raise
            raise refused_write(exc, self.path.parent, self.path.name, rolled_back=True) from exc
        finally:
            db.close()

