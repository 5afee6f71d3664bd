"""Alerts: each confirmed topic or search subscription gets the documents new to it, once.

Per subscription, `alerted` (in `subscriptions.db`) lists the documents already sent and those
assigned to the message of a slot (the day for a daily alert, the ISO week for a weekly one)
that may not have gone yet. A slot's documents are chosen once, before its message goes through
the outbox (key `alert:<id>:<slot>`), and only count as sent once the outbox says the message was
sent (or was in flight at a crash: the outbox never resends those). So a rerun in the same slot
rebuilds the same message, which the outbox skips; a crash loses nothing that was not sent; and
documents of a message refused for good go into the next slot's message. The documents matching
when the subscription is confirmed are its starting point, never sent.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta
from email.message import EmailMessage

from core import clock
from core.statefile import StateFile
from search.backend import SearchBackend
from search.query import MAX_DEPTH, MAX_SIZE

from .mailings import alert
from .outbox import Outbox
from .subscriptions import Subscription

LOOKBACK_DAYS = 60  # documents published earlier than this are not news, however late they were crawled
DONE = ("sent", "sending")  # outbox states after which a message's documents count as sent


class AlertLog(StateFile):
    filename = "subscriptions.db"
    schema = """
        CREATE TABLE IF NOT EXISTS alerted (
            subscription INTEGER NOT NULL, document TEXT NOT NULL, slot TEXT NOT NULL,
            state TEXT NOT NULL, PRIMARY KEY (subscription, document));
    """

    def baseline(self, subscription: int, documents: list[str]) -> None:
        """What matches at confirmation: counted as sent."""
        with self._db() as db:
            db.executemany("INSERT OR IGNORE INTO alerted VALUES (?, ?, 'confirmed', 'sent')",
                           [(subscription, d) for d in documents])

    def settle(self, subscription: int, outbox: Outbox) -> None:
        """Mark sent the documents of every message the outbox sent or had in flight."""
        with self._db() as db:
            slots = [r[0] for r in db.execute("SELECT DISTINCT slot FROM alerted WHERE subscription = ?"
                                              " AND state = 'pending'", (subscription,))]
            for slot in slots:
                if outbox.state(alert_key(subscription, slot)) in DONE:
                    db.execute("UPDATE alerted SET state = 'sent' WHERE subscription = ? AND slot = ?",
                               (subscription, slot))

    def plan(self, subscription: int, slot: str, matching: list[str]) -> list[str]:
        """The documents of the slot's message: chosen already, or now (those never sent, including
        those of earlier messages that did not go)."""
        with self._db() as db:
            db.execute("BEGIN IMMEDIATE")
            chosen = self._of_slot(db, subscription, slot)
            if chosen:
                return chosen
            db.execute("UPDATE alerted SET slot = ? WHERE subscription = ? AND state = 'pending'",
                       (slot, subscription))
            db.executemany("INSERT OR IGNORE INTO alerted VALUES (?, ?, ?, 'pending')",
                           [(subscription, d, slot) for d in matching])
            return self._of_slot(db, subscription, slot)

    def new(self, subscription: int, matching: list[str]) -> list[str]:
        """Those of `matching` never sent nor assigned to a message (a look, no change)."""
        with self._db() as db:
            known = {r[0] for r in db.execute("SELECT document FROM alerted WHERE subscription = ?",
                                              (subscription,))}
        return [d for d in matching if d not in known]

    @staticmethod
    def _of_slot(db, subscription: int, slot: str) -> list[str]:
        return [r[0] for r in db.execute("SELECT document FROM alerted WHERE subscription = ? AND slot = ?"
                                         " ORDER BY rowid", (subscription, slot))]


def alert_key(subscription: int, slot: str) -> str:
    return f"alert:{subscription}:{slot}"


def slot_of(subscription: Subscription, today: date) -> str:
    """The day (daily) or ISO week (weekly) a message belongs to: one message per slot."""
    if subscription.frequency == "daily":
        return today.isoformat()
    year, week, _ = today.isocalendar()
    return f"{year}-W{week:02d}"


def candidates(backend: SearchBackend, subscription: Subscription) -> list[str]:
    """The ids of the recent documents the subscription matches, newest first."""
    query = subscription.search()
    since = clock.today() - timedelta(days=LOOKBACK_DAYS)
    query = query.but(published_from=max(query.published_from or since, since), sort="published",
                      size=MAX_SIZE, page=1)
    ids: list[str] = []
    while query.page * query.size <= MAX_DEPTH:
        hits = backend.search(query).hits
        ids += [hit.document.id for hit in hits]
        if len(hits) < query.size:
            break
        query = query.but(page=query.page + 1)
    return ids


@dataclass
class Plan:
    subscription: Subscription
    slot: str
    documents: list = field(default_factory=list)


def plans(backend: SearchBackend, log: AlertLog, outbox: Outbox, subscriptions: list[Subscription],
          commit: bool) -> Iterator[Plan]:
    """Each subscription's message for this slot; `commit` fixes its documents (for sending)."""
    today = clock.today()
    for subscription in subscriptions:
        slot, matching = slot_of(subscription, today), candidates(backend, subscription)
        if commit:
            log.settle(subscription.id, outbox)
            ids = log.plan(subscription.id, slot, matching)
        else:
            ids = log.new(subscription.id, matching)
        documents = [doc for doc in map(backend.get, ids) if doc is not None]
        yield Plan(subscription, slot, documents)


def messages(plans_: list[Plan]) -> Iterator[tuple[str, EmailMessage]]:
    """The outbox's (key, message) for every plan with something to send."""
    for plan in plans_:
        if plan.documents:
            yield alert_key(plan.subscription.id, plan.slot), alert(plan.subscription, plan.documents)
