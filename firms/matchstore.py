"""Precomputed matches, kept in `matches.db` in the data directory: the pages and the API read
them instead of scoring every request.

`refresh` brings them up to date with the least work: the opportunities that are new or changed
since the last refresh (their content fingerprint) are scored against every firm; a firm whose
profile is new or changed (a digest of it) is scored against every open opportunity; matches of
closed, vanished or changed opportunities and of removed or changed firms are dropped. It runs
after each crawl and each import, and before a read when the index or the profiles moved since
the last one (an edit made elsewhere). Reads leave out what closed since.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime

from core import clock
from core.statefile import StateFile
from search.backend import SearchBackend
from search.document import Document, content_hash
from search.query import SearchQuery

from .matching import Matcher
from .profiles import Firm
from .reasons import Explainer
from .vectors import KINDS

OPEN_OPPORTUNITIES = SearchQuery(kind=KINDS, open=True, sort="deadline")

SCHEMA = """
CREATE TABLE IF NOT EXISTS matched (
    doc_id TEXT PRIMARY KEY,
    fingerprint TEXT NOT NULL,
    closes TEXT
);
CREATE TABLE IF NOT EXISTS profiles (
    firm_id TEXT PRIMARY KEY,
    digest TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS matches (
    firm_id TEXT NOT NULL,
    doc_id TEXT NOT NULL,
    score REAL NOT NULL,
    reasons TEXT NOT NULL,
    PRIMARY KEY (firm_id, doc_id)
);
CREATE INDEX IF NOT EXISTS matches_by_doc ON matches (doc_id);
CREATE TABLE IF NOT EXISTS state (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
"""


@dataclass(frozen=True)
class Work:
    """What a refresh did: opportunities scored against every firm, firms scored against every
    opportunity, and the pairs scored in all."""

    opportunities: int
    firms: int
    pairs: int


@dataclass(frozen=True)
class Stored:
    firm_id: str
    doc_id: str
    score: float
    reasons: list[str]


class MatchStore(StateFile):
    filename = "matches.db"
    schema = SCHEMA

    def refresh(self, firms: list[Firm], backend: SearchBackend, explainer: Explainer) -> Work:
        """Score what changed (see the module's docstring); `firms`: every profile, private ones too."""
        digests = {firm.id: _digest(firm) for firm in firms}
        with self._db() as db:
            known = dict(db.execute("SELECT firm_id, digest FROM profiles").fetchall())
            seen = dict(db.execute("SELECT doc_id, fingerprint FROM matched").fetchall())
        changed = [f for f in firms if known.get(f.id) != digests[f.id]]
        kept = [f for f in firms if known.get(f.id) == digests[f.id]]
        removed = set(known) - set(digests)
        documents = list(backend.iter_documents(OPEN_OPPORTUNITIES)) if firms or seen else []
        prints = {doc.id: doc.content_hash or content_hash(doc) for doc in documents}
        new = [doc for doc in documents if seen.get(doc.id) != prints[doc.id]]
        gone = set(seen) - set(prints)
        found = []
        if changed:
            found += _pairs(Matcher(changed, explainer), documents)
        if kept and new:
            found += _pairs(Matcher(kept, explainer), new)
        with self._db() as db:
            _delete(db, "firm_id", removed | {f.id for f in changed}, ("matches", "profiles"))
            _delete(db, "doc_id", gone | {doc.id for doc in new}, ("matches", "matched"))
            db.executemany("INSERT OR REPLACE INTO matches VALUES (?, ?, ?, ?)", found)
            db.executemany("INSERT OR REPLACE INTO matched VALUES (?, ?, ?)",
                           [(doc.id, prints[doc.id], _closes(doc)) for doc in new])
            db.executemany("INSERT OR REPLACE INTO profiles VALUES (?, ?)",
                           [(f.id, digests[f.id]) for f in changed])
            db.execute("INSERT OR REPLACE INTO state VALUES ('stamp', ?)",
                       (self.stamp(firms, backend),))
        return Work(opportunities=len(new), firms=len(changed),
                    pairs=len(changed) * len(documents) + len(kept) * len(new))

    def fresh(self, firms: list[Firm], backend: SearchBackend) -> bool:
        """Whether nothing moved since the last refresh: the index's generation and the profiles.
        A backend that cannot tell its generation is never taken as unchanged."""
        with self._db() as db:
            row = db.execute("SELECT value FROM state WHERE key = 'stamp'").fetchone()
        if row is None or backend.generation() is None:
            return False
        return row["value"] == self.stamp(firms, backend)

    @staticmethod
    def stamp(firms: list[Firm], backend: SearchBackend) -> str:
        profiles = hashlib.blake2b("".join(_digest(f) for f in firms).encode(), digest_size=16).hexdigest()
        return f"{backend.generation()}|{profiles}"

    def for_firm(self, firm_id: str, size: int) -> list[Stored]:
        """The firm's best open matches, best first."""
        return self._read("m.firm_id = ?", (firm_id,), size)

    def for_document(self, doc_id: str) -> list[Stored]:
        """Every firm matching the opportunity (while open), best first."""
        return self._read("m.doc_id = ?", (doc_id,), None)

    def _read(self, where: str, args: tuple, size: int | None) -> list[Stored]:
        now = _utc_text(clock.now())
        limit = "" if size is None else f" LIMIT {int(size)}"
        with self._db() as db:
            rows = db.execute(
                "SELECT m.firm_id, m.doc_id, m.score, m.reasons FROM matches m JOIN matched d USING (doc_id) "
                f"WHERE {where} AND (d.closes IS NULL OR d.closes >= ?) "
                f"ORDER BY m.score DESC, m.doc_id, m.firm_id{limit}", (*args, now)).fetchall()
        return [Stored(r["firm_id"], r["doc_id"], r["score"], json.loads(r["reasons"])) for r in rows]


def _pairs(matcher: Matcher, documents: list[Document]) -> list[tuple[str, str, float, str]]:
    return [(m.firm.id, m.document.id, m.score, json.dumps(m.reasons, ensure_ascii=False))
            for m in matcher.all_matches(documents)]


def _delete(db, column: str, values: Iterable[str], tables: tuple[str, ...]) -> None:
    rows = [(value,) for value in values]
    for table in tables:
        db.executemany(f"DELETE FROM {table} WHERE {column} = ?", rows)


def _closes(doc: Document) -> str | None:
    """The instant it closes, in UTC, as text that sorts as time does."""
    return _utc_text(doc.deadline_at) if doc.deadline_at else None


def _utc_text(instant: datetime) -> str:
    return instant.astimezone(UTC).isoformat()


def _digest(firm: Firm) -> str:
    return hashlib.blake2b(firm.model_dump_json().encode(), digest_size=16).hexdigest()
