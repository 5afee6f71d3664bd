"""Per-source crawl history: what the run report, `observatorio sources` and the admin show."""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from core.statefile import StateFile

FAILING_AFTER = 3  # consecutive failed runs before a source is flagged

SCHEMA = """
CREATE TABLE IF NOT EXISTS source_runs (
    id INTEGER PRIMARY KEY,
    source TEXT NOT NULL,
    started TEXT NOT NULL,
    finished TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('ok', 'partial', 'failed')),
    new INTEGER NOT NULL,
    updated INTEGER NOT NULL,
    unchanged INTEGER NOT NULL,
    failed INTEGER NOT NULL,
    http_statuses TEXT NOT NULL,
    errors TEXT NOT NULL,
    skipped TEXT NOT NULL DEFAULT '{}'
);
CREATE INDEX IF NOT EXISTS source_runs_source ON source_runs (source, id);
"""
# Columns added since the first schema, each with the default its older rows take.
ADDED_COLUMNS = {"skipped": "TEXT NOT NULL DEFAULT '{}'"}


@dataclass
class SourceRun:
    """One source's part of one crawl."""

    source: str
    started: datetime
    finished: datetime
    new: int = 0
    updated: int = 0
    unchanged: int = 0
    failed: int = 0
    http_statuses: dict[str, int] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)
    skipped: dict[str, int] = field(default_factory=dict)  # records read and not indexed, by reason

    @property
    def skipped_total(self) -> int:
        return sum(self.skipped.values())

    @property
    def found(self) -> int:
        return self.new + self.updated + self.unchanged

    @property
    def seconds(self) -> float:
        return (self.finished - self.started).total_seconds()

    @property
    def status(self) -> str:
        """ok; partial: errors but documents too; failed: errors and nothing found."""
        if not self.errors:
            return "ok"
        return "partial" if self.found else "failed"


@dataclass
class SourceHealth:
    source: str
    last_run: SourceRun | None
    consecutive_failures: int
    failing_since: datetime | None

    @property
    def flagged(self) -> bool:
        """Failed FAILING_AFTER runs in a row: someone should look at this source."""
        return self.consecutive_failures >= FAILING_AFTER

    @property
    def state(self) -> str:
        """never run · ok · failing (and since when) · partial."""
        if self.last_run is None:
            return "never_run"
        return "failing" if self.consecutive_failures else self.last_run.status


class HealthStore(StateFile):
    """Runs kept in `health.db` beside the index, whichever search backend is in use."""

    filename = "health.db"
    schema = SCHEMA

    def __init__(self, path: str | Path | None = None):
        super().__init__(path)
        with self._db() as db:
            _add_columns(db)

    def record(self, run: SourceRun) -> None:
        with self._db() as db:
            db.execute(
                "INSERT INTO source_runs (source, started, finished, status, new, updated,"
                " unchanged, failed, http_statuses, errors, skipped) VALUES (?,?,?,?,?,?,?,?,?,?,?)",
                (run.source, run.started.isoformat(), run.finished.isoformat(), run.status,
                 run.new, run.updated, run.unchanged, run.failed,
                 json.dumps(run.http_statuses), json.dumps(run.errors), json.dumps(run.skipped)),
            )

    def health(self, source_ids: list[str]) -> list[SourceHealth]:
        """The health of each source, in the order given."""
        with self._db() as db:
            return [self._health(db, source) for source in source_ids]

    def runs(self, source: str, limit: int = 20) -> list[SourceRun]:
        """The source's most recent runs, newest first (the admin's history view)."""
        with self._db() as db:
            rows = db.execute("SELECT * FROM source_runs WHERE source = ? ORDER BY id DESC LIMIT ?",
                              (source, limit)).fetchall()
        return [_run(row) for row in rows]

    def _health(self, db: sqlite3.Connection, source: str) -> SourceHealth:
        rows = db.execute("SELECT * FROM source_runs WHERE source = ? ORDER BY id DESC LIMIT 50",
                          (source,)).fetchall()
        failures = 0
        for row in rows:
            if row["status"] != "failed":
                break
            failures += 1
        return SourceHealth(
            source=source,
            last_run=_run(rows[0]) if rows else None,
            consecutive_failures=failures,
            failing_since=datetime.fromisoformat(rows[failures - 1]["started"]) if failures else None,
        )


def _add_columns(db: sqlite3.Connection) -> None:
    """Bring a `health.db` written by an older version up to date; its runs keep their history."""
    present = {row["name"] for row in db.execute("PRAGMA table_info(source_runs)")}
    for name, definition in ADDED_COLUMNS.items():
        if name not in present:
            try:
                db.execute(f"ALTER TABLE source_runs ADD COLUMN {name} {definition}")
            except sqlite3.OperationalError as exc:  # another process added it meanwhile
                if "duplicate column" not in str(exc):
                    raise


def _run(row: sqlite3.Row) -> SourceRun:
    return SourceRun(
        source=row["source"],
        started=datetime.fromisoformat(row["started"]),
        finished=datetime.fromisoformat(row["finished"]),
        new=row["new"], updated=row["updated"], unchanged=row["unchanged"], failed=row["failed"],
        http_statuses=json.loads(row["http_statuses"]), errors=json.loads(row["errors"]),
        skipped=json.loads(row["skipped"]),
    )

