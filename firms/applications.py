"""Applications through the web form: pending until the admin approves (the profile is saved)
or rejects them (forgotten). A pending application is no firm: it is listed nowhere public and
matched against nothing."""

from __future__ import annotations

import json
import re

from core import clock
from core.text import fold

from .profiles import Firm
from .store import SCHEMA, FirmStore

APPLICATIONS = """
CREATE TABLE IF NOT EXISTS applications (
    id TEXT PRIMARY KEY,
    data TEXT NOT NULL,
    received TEXT NOT NULL
);
"""


def slug(name: str) -> str:
    """"Sensores del General, S.A." → "sensores-del-general-s-a" (a profile id)."""
    return re.sub(r"[^a-z0-9]+", "-", fold(name))[:56].strip("-") or "empresa"


class Applications(FirmStore):
    """The pending applications, in firms.db beside the profiles they become."""

    schema = SCHEMA + APPLICATIONS

    def submit(self, firm: Firm) -> Firm:
        """Keep the application under an id no firm or other application has; return it so."""
        with self._db() as db:
            db.execute("BEGIN IMMEDIATE")  # two forms sent at once do not take the same id
            base, number = firm.id, 1
            while db.execute("SELECT 1 FROM firms WHERE id = ?1 UNION SELECT 1 FROM applications"
                             " WHERE id = ?1", (firm.id,)).fetchone():
                number += 1
                firm = firm.model_copy(update={"id": f"{base}-{number}"})
            db.execute("INSERT INTO applications VALUES (?, ?, ?)",
                       (firm.id, firm.model_dump_json(), clock.now().isoformat()))
        return firm

    def pending(self) -> list[tuple[Firm, str]]:
        """Every application with when it came, oldest first."""
        with self._db() as db:
            rows = db.execute("SELECT data, received FROM applications ORDER BY received, id").fetchall()
        return [(Firm.model_validate(json.loads(r["data"])), r["received"]) for r in rows]

    def approve(self, firm_id: str) -> Firm | None:
        """Make the application a firm, in one transaction; None when there is no such application."""
        with self._db() as db:
            row = db.execute("SELECT data FROM applications WHERE id = ?", (firm_id,)).fetchone()
            if row is None:
                return None
            firm = Firm.model_validate(json.loads(row["data"]))
            self._upsert(db, [firm])
            db.execute("DELETE FROM applications WHERE id = ?", (firm_id,))
        return firm

    def reject(self, firm_id: str) -> bool:
        """Forget the application; nothing of it is kept."""
        with self._db() as db:
            return bool(db.execute("DELETE FROM applications WHERE id = ?", (firm_id,)).rowcount)
