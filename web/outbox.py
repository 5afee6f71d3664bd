"""Every message the observatory e-mails, recorded before and after it is handed to the server.

`outbox.db` in the data directory holds one row per message key (e.g. "digest:2026-W48:ana@…"):
`sending` is written before the message goes to the SMTP server, `sent` or `failed` after. So a
rerun after a crash, or a second scheduler, never sends a message twice: what was sent is
skipped, and so is what was in flight when the crash came (it may have been delivered; the admin
lists it), while what was never tried is sent. A refused message is tried again on the next run,
up to MAX_ATTEMPTS times; an address refused permanently (5xx) that many times is disabled and
listed in the admin, and nothing more is sent to it.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from email.message import EmailMessage

from core import clock
from core.statefile import StateFile

from . import mail

MAX_ATTEMPTS = 3


@dataclass
class Delivery:
    """What one sending run did, message by message."""

    sent: list[str] = field(default_factory=list)
    refused: dict[str, str] = field(default_factory=dict)
    already_sent: list[str] = field(default_factory=list)
    in_doubt: list[str] = field(default_factory=list)  # in flight at an earlier crash: not resent
    given_up: list[str] = field(default_factory=list)  # refused MAX_ATTEMPTS times, or disabled


class Outbox(StateFile):
    filename = "outbox.db"
    schema = """
        CREATE TABLE IF NOT EXISTS messages (
            key TEXT PRIMARY KEY, recipient TEXT NOT NULL, subject TEXT NOT NULL,
            state TEXT NOT NULL, attempts INTEGER NOT NULL, last_error TEXT, updated TEXT NOT NULL);
        CREATE TABLE IF NOT EXISTS disabled (
            address TEXT PRIMARY KEY, reason TEXT NOT NULL, since TEXT NOT NULL);
    """

    def send(self, keyed: Iterable[tuple[str, EmailMessage]], url: str | None = None) -> Delivery:
        """Send each (key, message) not sent before, recording it before and after."""
        delivery, keys = Delivery(), {}

        def claimed() -> Iterator[EmailMessage]:
            for key, message in keyed:
                state = self._claim(key, message)
                if state == "claimed":
                    keys[id(message)] = key
                    yield message
                else:
                    getattr(delivery, state).append(message["To"])

        for message, error in mail.deliver(claimed(), url):
            self._record(keys[id(message)], message["To"], error)
            if error is None:
                delivery.sent.append(message["To"])
            else:
                delivery.refused[message["To"]] = error.reason
        return delivery

    def _claim(self, key: str, message: EmailMessage) -> str:
        """Mark the message `sending` and say "claimed", or say why it is not sent now."""
        now = clock.now().isoformat()
        with self._db() as db:
            db.execute("BEGIN IMMEDIATE")  # one claimant at a time, across processes
            if db.execute("SELECT 1 FROM disabled WHERE address = ?", (message["To"],)).fetchone():
                return "given_up"
            row = db.execute("SELECT state, attempts FROM messages WHERE key = ?", (key,)).fetchone()
            if row is None:
                db.execute("INSERT INTO messages VALUES (?, ?, ?, 'sending', 1, NULL, ?)",
                           (key, message["To"], message["Subject"], now))
                return "claimed"
            if row["state"] == "sent":
                return "already_sent"
            if row["state"] == "sending":
                return "in_doubt"
            if row["attempts"] >= MAX_ATTEMPTS:
                return "given_up"
            db.execute("UPDATE messages SET state = 'sending', attempts = attempts + 1, updated = ?"
                       " WHERE key = ?", (now, key))
            return "claimed"

    def _record(self, key: str, address: str, error: mail.Refusal | None) -> None:
        now = clock.now().isoformat()
        with self._db() as db:
            if error is None:
                db.execute("UPDATE messages SET state = 'sent', last_error = NULL, updated = ? WHERE key = ?",
                           (now, key))
                return
            db.execute("UPDATE messages SET state = 'failed', last_error = ?, updated = ? WHERE key = ?",
                       (error.reason, now, key))
            if error.permanent and self._permanent_failures(db, address) >= MAX_ATTEMPTS:
                db.execute("INSERT OR IGNORE INTO disabled VALUES (?, ?, ?)", (address, error.reason, now))

    @staticmethod
    def _permanent_failures(db, address: str) -> int:
        return db.execute("SELECT COALESCE(SUM(attempts), 0) FROM messages"
                          " WHERE recipient = ? AND state = 'failed'", (address,)).fetchone()[0]

    def disabled(self) -> list[dict]:
        """Addresses nothing is sent to any more, with the server's last word."""
        with self._db() as db:
            return [dict(r) for r in db.execute("SELECT * FROM disabled ORDER BY since DESC")]

    def in_doubt(self) -> list[dict]:
        """Messages handed to the server when a run stopped before hearing back."""
        with self._db() as db:
            return [dict(r) for r in db.execute(
                "SELECT * FROM messages WHERE state = 'sending' ORDER BY updated DESC")]

    def states(self, key_prefix: str = "") -> dict[str, int]:
        with self._db() as db:
            rows = db.execute("SELECT state, COUNT(*) FROM messages WHERE key LIKE ? GROUP BY state",
                              (key_prefix + "%",))
            return {state: count for state, count in rows}

    def state(self, key: str) -> str | None:
        """The message's state (sending, sent, failed), None if it was never tried."""
        with self._db() as db:
            row = db.execute("SELECT state FROM messages WHERE key = ?", (key,)).fetchone()
            return row["state"] if row else None
