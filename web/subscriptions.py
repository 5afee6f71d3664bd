"""Who asked for which e-mail: the digest, a topic, a saved search (`subscriptions.db` in the data directory).

A subscription made on the site waits for its address to confirm it (double opt-in); one imported
from the commission's list (`config/subscribers.yaml`) is confirmed by the operator's act. A
cancelled one is kept, so that re-importing a list never subscribes again someone who left.
Addresses are only ever shown to their owner (through a signed link), and then masked.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Literal
from urllib.parse import parse_qs, urlencode

from email_validator import EmailNotValidError, validate_email

from core import clock
from core.statefile import StateFile
from search.query import SearchQuery

Kind = Literal["digest", "topic", "search"]
Frequency = Literal["daily", "weekly"]
KINDS: tuple[str, ...] = ("digest", "topic", "search")
FREQUENCIES: tuple[str, ...] = ("daily", "weekly")
# A saved search keeps what selects documents, not how one page of them was shown.
NOT_SAVED = {"page", "size", "sort", "mode", "vector"}


class InvalidSubscription(ValueError):
    """A subscription request with a bad address, kind, topic or search."""


class InvalidAddress(InvalidSubscription):
    """An e-mail address that cannot be written to (the reason is email-validator's)."""


def normal_address(text: str) -> str:
    """The address as it will be written to, or InvalidSubscription saying what is wrong."""
    try:
        return validate_email(text.strip(), check_deliverability=False).normalized
    except EmailNotValidError as exc:
        raise InvalidAddress(str(exc)) from None


def normal_request(address: str, kind: str, *, topics: tuple[str, ...] = (), query: str = "",
                   frequency: str = "weekly", lang: str = "es", base_url: str = "") -> str:
    """The address as it will be written to, if `Subscriptions.request` takes this request;
    InvalidSubscription says why not (so a request can be refused before anything is stored).
    It takes the same arguments as `request`, `base_url` included, to be called with them."""
    if kind not in KINDS or frequency not in FREQUENCIES or lang not in ("es", "en"):
        raise InvalidSubscription(f"unknown kind {kind!r}, frequency {frequency!r} or language {lang!r}")
    if (kind == "topic" and len(topics) != 1) or (kind == "search" and not query):
        raise InvalidSubscription("a topic subscription needs one topic, a search one a search")
    return normal_address(address)


def canonical_query(query: SearchQuery) -> str:
    """The search's filters as a sorted query string: one text for the same search however asked."""
    values = query.model_dump(mode="json", exclude_defaults=True, exclude=NOT_SAVED)
    pairs = sorted((name, ",".join(v) if isinstance(v, list) else str(v).lower() if isinstance(v, bool)
                    else str(v)) for name, v in values.items())
    return urlencode(pairs)


@dataclass(frozen=True)
class Subscription:
    id: int
    address: str
    kind: str
    topics: tuple[str, ...]  # digest: chosen topics (empty = all); topic: the one topic
    query: str  # search: canonical query string
    frequency: str
    lang: str
    name: str
    origin: str  # "site" or "import"
    base_url: str  # the site's address the visitor used: links in messages point there
    created: str
    confirmed_at: str | None
    cancelled_at: str | None

    @property
    def active(self) -> bool:
        return self.confirmed_at is not None and self.cancelled_at is None

    def search(self) -> SearchQuery:
        """What the subscription follows, as a search (the digest follows its topics)."""
        if self.kind == "search":
            return SearchQuery.from_params(parse_qs(self.query))
        return SearchQuery(topic=self.topics)


def masked(address: str) -> str:
    """a•••@example.org: enough for its owner to recognise, not enough to harvest."""
    local, _, domain = address.partition("@")
    return f"{local[:1]}•••@{domain}"


class Subscriptions(StateFile):
    filename = "subscriptions.db"
    schema = """
        CREATE TABLE IF NOT EXISTS subscriptions (
            id INTEGER PRIMARY KEY, address TEXT NOT NULL, kind TEXT NOT NULL, topics TEXT NOT NULL,
            query TEXT NOT NULL, frequency TEXT NOT NULL, lang TEXT NOT NULL, name TEXT NOT NULL,
            origin TEXT NOT NULL, base_url TEXT NOT NULL, created TEXT NOT NULL,
            confirmed_at TEXT, cancelled_at TEXT, cancelled_by TEXT);
        CREATE INDEX IF NOT EXISTS subscriptions_address ON subscriptions (address);
    """

    def request(self, address: str, kind: str, *, topics: tuple[str, ...] = (), query: str = "",
                frequency: str = "weekly", lang: str = "es", base_url: str = "") -> Subscription:
        """The unconfirmed or confirmed subscription asking exactly this, made if there is none."""
        address = normal_request(address, kind, topics=topics, query=query, frequency=frequency, lang=lang)
        key = (address, kind, json.dumps(sorted(topics)), query, frequency)
        with self._db() as db:
            db.execute("BEGIN IMMEDIATE")
            row = db.execute("SELECT * FROM subscriptions WHERE address = ? AND kind = ? AND topics = ?"
                             " AND query = ? AND frequency = ? AND cancelled_at IS NULL", key).fetchone()
            if row is None:
                cursor = db.execute(
                    "INSERT INTO subscriptions (address, kind, topics, query, frequency, lang, name, origin,"
                    " base_url, created) VALUES (?, ?, ?, ?, ?, ?, '', 'site', ?, ?)",
                    (*key, lang, base_url, clock.now().isoformat()))
                row = db.execute("SELECT * FROM subscriptions WHERE id = ?", (cursor.lastrowid,)).fetchone()
        return _subscription(row)

    def get(self, subscription_id: int) -> Subscription | None:
        with self._db() as db:
            row = db.execute("SELECT * FROM subscriptions WHERE id = ?", (subscription_id,)).fetchone()
        return _subscription(row) if row else None

    def confirm(self, subscription_id: int) -> Subscription | None:
        """Confirm it (once: a second click changes nothing); None if it is gone or cancelled."""
        with self._db() as db:
            db.execute("UPDATE subscriptions SET confirmed_at = ? WHERE id = ? AND confirmed_at IS NULL"
                       " AND cancelled_at IS NULL", (clock.now().isoformat(), subscription_id))
        found = self.get(subscription_id)
        return found if found and found.cancelled_at is None else None

    def cancel(self, subscription_ids: list[int], by: str = "recipient") -> int:
        """Cancel these subscriptions (already cancelled ones stay as they were); how many changed."""
        with self._db() as db:
            return sum(db.execute("UPDATE subscriptions SET cancelled_at = ?, cancelled_by = ?"
                                  " WHERE id = ? AND cancelled_at IS NULL",
                                  (clock.now().isoformat(), by, i)).rowcount for i in subscription_ids)

    def of_address(self, address: str) -> list[Subscription]:
        """The address's subscriptions that are not cancelled, oldest first."""
        with self._db() as db:
            rows = db.execute("SELECT * FROM subscriptions WHERE address = ? AND cancelled_at IS NULL"
                              " ORDER BY id", (address,))
            return [_subscription(r) for r in rows]

    def active(self, *kinds: str) -> list[Subscription]:
        """Confirmed, not cancelled subscriptions of these kinds, oldest first."""
        marks = ",".join("?" * len(kinds))
        with self._db() as db:
            rows = db.execute(f"SELECT * FROM subscriptions WHERE kind IN ({marks}) AND confirmed_at"
                              " IS NOT NULL AND cancelled_at IS NULL ORDER BY id", kinds)
            return [_subscription(r) for r in rows]

    def sync_imported(self, entries: list[dict], base_url: str = "") -> dict[str, int]:
        """Make the imported digest subscriptions those of `entries` (address, name, lang, topics):
        new ones confirmed, changed ones updated, missing ones cancelled; an address that
        unsubscribed itself stays unsubscribed. Counts of added, updated, removed and kept out."""
        now = clock.now().isoformat()
        counts = dict.fromkeys(("added", "updated", "removed", "unsubscribed"), 0)
        with self._db() as db:
            db.execute("BEGIN IMMEDIATE")
            current = {r["address"]: r for r in db.execute(
                "SELECT * FROM subscriptions WHERE origin = 'import' ORDER BY id")}
            for entry in entries:
                values = (entry["name"], entry["lang"], json.dumps(sorted(entry["topics"])))
                row = current.pop(entry["address"], None)
                if row is None:
                    db.execute("INSERT INTO subscriptions (address, kind, topics, query, frequency, lang,"
                               " name, origin, base_url, created, confirmed_at) VALUES"
                               " (?, 'digest', ?, '', 'weekly', ?, ?, 'import', ?, ?, ?)",
                               (entry["address"], values[2], values[1], values[0], base_url, now, now))
                    counts["added"] += 1
                elif row["cancelled_by"] == "recipient":
                    counts["unsubscribed"] += 1
                else:
                    db.execute("UPDATE subscriptions SET name = ?, lang = ?, topics = ?, cancelled_at = NULL,"
                               " cancelled_by = NULL WHERE id = ?", (*values, row["id"]))
                    counts["updated"] += 1
            for row in current.values():
                if row["cancelled_at"] is None:
                    db.execute("UPDATE subscriptions SET cancelled_at = ?, cancelled_by = 'operator'"
                               " WHERE id = ?", (now, row["id"]))
                    counts["removed"] += 1
        return counts


def _subscription(row) -> Subscription:
    values = dict(row)
    del values["cancelled_by"]
    return Subscription(**{**values, "topics": tuple(json.loads(row["topics"]))})
