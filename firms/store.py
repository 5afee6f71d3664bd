"""The firm profiles, kept in `firms.db` in the data directory beside the index."""

from __future__ import annotations

import json
import sqlite3

from core import clock
from core.statefile import StateFile

from .profiles import Firm

SCHEMA = """
CREATE TABLE IF NOT EXISTS firms (
    id TEXT PRIMARY KEY,
    public INTEGER NOT NULL,
    data TEXT NOT NULL,
    updated TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS weekly (
    id TEXT PRIMARY KEY
);
CREATE TABLE IF NOT EXISTS generation (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    value INTEGER NOT NULL
);
"""


class FirmStore(StateFile):
    """Profiles by id; a private profile is only read when the caller asks for private ones.

    `generation` counts the changes, so answers that show profiles (a firm's page, an item's
    firms) are validated against it as they are against the index's generation.
    """

    filename = "firms.db"
    schema = SCHEMA

    def save(self, firms: list[Firm]) -> None:
        """Insert or replace every profile, all in one transaction: all are saved or none."""
        with self._db() as db:
            self._upsert(db, firms)

    def _upsert(self, db: sqlite3.Connection, firms: list[Firm]) -> None:
        now = clock.now().isoformat()
        db.executemany(
            "INSERT INTO firms (id, public, data, updated) VALUES (?, ?, ?, ?) ON CONFLICT (id) "
            "DO UPDATE SET public = excluded.public, data = excluded.data, updated = excluded.updated",
            [(f.id, int(f.public), f.model_dump_json(), now) for f in firms])
        _bump(db)

    def delete(self, firm_id: str) -> bool:
        """Remove the profile (its matches are computed from it, so they go with it)."""
        with self._db() as db:
            removed = db.execute("DELETE FROM firms WHERE id = ?", (firm_id,)).rowcount
            db.execute("DELETE FROM weekly WHERE id = ?", (firm_id,))
            _bump(db)
        return bool(removed)

    def set_weekly(self, firm_id: str, wanted: bool) -> None:
        """Whether the firm gets its matches by e-mail every week (`observatorio firms send`)."""
        with self._db() as db:
            if wanted:
                db.execute("INSERT OR IGNORE INTO weekly VALUES (?)", (firm_id,))
            else:
                db.execute("DELETE FROM weekly WHERE id = ?", (firm_id,))

    def weekly(self) -> list[Firm]:
        """The firms that asked for the weekly e-mail, private ones included (it goes to their own
        address), by id."""
        with self._db() as db:
            rows = db.execute("SELECT data FROM firms JOIN weekly USING (id) ORDER BY id").fetchall()
        return [Firm.model_validate(json.loads(row["data"])) for row in rows]

    def generation(self) -> int:
        with self._db() as db:
            row = db.execute("SELECT value FROM generation").fetchone()
        return row[0] if row else 0

    def get(self, firm_id: str, *, private: bool = False) -> Firm | None:
        """The profile, or None when unknown (or private and `private` is not allowed)."""
        with self._db() as db:
            row = db.execute("SELECT data, public FROM firms WHERE id = ?", (firm_id,)).fetchone()
        if row is None or not (row["public"] or private):
            return None
        return Firm.model_validate(json.loads(row["data"]))

    def all(self, *, private: bool = False) -> list[Firm]:
        """Every profile by id; the private ones only when `private`."""
        where = "" if private else " WHERE public = 1"
        with self._db() as db:
            rows = db.execute(f"SELECT data FROM firms{where} ORDER BY id").fetchall()
        return [Firm.model_validate(json.loads(row["data"])) for row in rows]


def _bump(db: sqlite3.Connection) -> None:
    db.execute("INSERT INTO generation VALUES (1, 1) ON CONFLICT (id) DO UPDATE SET value = value + 1")
