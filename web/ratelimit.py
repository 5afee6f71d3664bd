"""Counting recent events per key in the data directory, so every worker sees the same counts.

Used for the admin's wrong passwords and for anything a visitor can repeat to flood a mailbox or
the store (subscriptions, firm applications): `hit` records an event, `exceeded` says whether a
key already had `limit` events in the last `window` seconds.
"""

from __future__ import annotations

import time
from pathlib import Path

from flask import current_app

from core.statefile import StateFile


class RateLimit(StateFile):
    """Events by bucket ("login", "subscribe:address", ...) and key (a client address, an e-mail)."""

    filename = "ratelimit.db"
    schema = """
        CREATE TABLE IF NOT EXISTS events (bucket TEXT NOT NULL, key TEXT NOT NULL, at REAL NOT NULL);
        CREATE INDEX IF NOT EXISTS events_key ON events (bucket, key, at);
    """
    horizon = 86400  # events older than a day are forgotten: no window is longer

    def hit(self, bucket: str, key: str) -> None:
        now = time.time()
        with self._db() as db:
            db.execute("DELETE FROM events WHERE at < ?", (now - self.horizon,))
            db.execute("INSERT INTO events VALUES (?, ?, ?)", (bucket, key, now))

    def exceeded(self, bucket: str, key: str, limit: int, window: float) -> bool:
        with self._db() as db:
            (count,) = db.execute(
                "SELECT COUNT(*) FROM events WHERE bucket = ? AND key = ? AND at >= ?",
                (bucket, key, time.time() - window)).fetchone()
        return count >= limit

    def clear(self, bucket: str, key: str) -> None:
        with self._db() as db:
            db.execute("DELETE FROM events WHERE bucket = ? AND key = ?", (bucket, key))


def rate_limit() -> RateLimit:
    """The application's limiter, in its data directory."""
    return RateLimit(Path(current_app.config["DATA_DIR"]) / RateLimit.filename)
