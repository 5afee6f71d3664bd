"""Compile a SearchQuery into the FROM and WHERE clauses of the SQLite backend."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, time

import numpy as np

from core import clock

from .fts import fts_match
from .query import SearchQuery

# Column weights: a word in the title counts more than one in the summary or body.
BM25 = "bm25(documents_fts, 10.0, 4.0, 1.0)"
RANKED_FROM = "documents d JOIN documents_fts ON documents_fts.rowid = d.rowid"
FTS_ROWIDS = "SELECT rowid FROM documents_fts WHERE documents_fts MATCH ?"
# (rowid, supplier name) of every awarded supplier, read from the stored JSON
SUPPLIERS = ("SELECT c.rowid, json_extract(s.value, '$.name') AS name "
             "FROM document_contents c, json_each(c.data, '$.suppliers') s")
NO_ROWS = np.array([], dtype=np.int64)
ROWIDS = "(SELECT value FROM json_each(?))"  # a list of rowids as one parameter: no variable limit


@dataclass
class Compiled:
    """FROM, WHERE and parameters; `ranked` when bm25 and highlight() are available."""

    from_clause: str = "documents d"
    where: list[str] = field(default_factory=list)
    params: list = field(default_factory=list)
    ranked: bool = False

    @property
    def condition(self) -> str:
        return " AND ".join(self.where) or "1"

    def add(self, condition: str, *params) -> None:
        self.where.append(condition)
        self.params.extend(params)


def compile_query(query: SearchQuery) -> Compiled:
    """Filters and exclusions AND the words (an empty query matches everything)."""
    compiled = filters(query)
    words = fts_match(query.q).match
    if words:  # join the FTS table: bm25 ranks the matches
        compiled.from_clause, compiled.ranked = RANKED_FROM, True
        compiled.add("documents_fts MATCH ?", words)
    return compiled


def filters(query: SearchQuery) -> Compiled:
    """The query's filters and -word exclusions."""
    compiled = Compiled()
    exclude = fts_match(query.q).exclude
    if exclude:
        compiled.add(f"d.rowid NOT IN ({FTS_ROWIDS})", exclude)
    for column, values in (("d.kind", query.kind), ("d.lang", query.lang), ("d.source", query.source),
                           ("d.country", query.country)):
        if values:
            compiled.add(f"{column} IN ({','.join('?' * len(values))})", *values)
    if query.stage:
        compiled.add(f"d.rowid IN (SELECT rowid FROM document_contents WHERE json_extract(data, '$.stage') "
                     f"IN ({','.join('?' * len(query.stage))}))", *query.stage)
    if query.supplier:
        compiled.add(f"d.rowid IN (SELECT rowid FROM ({SUPPLIERS}) WHERE name IN "
                     f"({','.join('?' * len(query.supplier))}))", *query.supplier)
    if query.duplicate_of:
        compiled.add(f"d.duplicate_of IN ({','.join('?' * len(query.duplicate_of))})", *query.duplicate_of)
    elif query.hides_copies:
        compiled.add("d.duplicate_of IS NULL")
    for topic in query.topic:  # every selected topic must apply
        compiled.add("d.rowid IN (SELECT rowid FROM document_topics WHERE topic = ?)", topic)
    if query.open:
        compiled.add("d.deadline_at >= ?", iso(clock.now()))
    for column, start, end in (("d.published", query.published_from, query.published_to),
                               ("d.deadline_at", query.deadline_from, query.deadline_to)):
        if start:
            compiled.add(f"{column} >= ?", iso(datetime.combine(start, time.min, UTC)))
        if end:
            compiled.add(f"{column} <= ?", iso(datetime.combine(end, time.max, UTC)))
    return compiled


def order_by(query: SearchQuery, ranked: bool) -> str:
    """The ORDER BY of the query's sort; ties newest first, then by id, as in every backend."""
    sort = query.effective_sort
    if sort == "relevance" and ranked:
        return f"{BM25}, d.published IS NULL, d.published DESC, d.id"
    if sort == "deadline":
        return "d.deadline_at IS NULL, d.deadline_at ASC, d.published IS NULL, d.published DESC, d.id"
    return "d.published IS NULL, d.published DESC, d.id"


def iso(value: datetime | None) -> str | None:
    """A UTC instant as sortable text (second precision)."""
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S") if value else None


@dataclass
class Matching:
    """The rows a search matches, with their bm25 when words rank them (lower is better), and
    the clauses that match them when known (a page in another order is then read by them, not
    by sending every rowid back)."""

    rowids: np.ndarray
    scores: np.ndarray | None = None
    compiled: Compiled | None = None

    @classmethod
    def run(cls, db: sqlite3.Connection, compiled: Compiled) -> Matching:
        """Read each matching row's rowid, and bm25 when ranked, in one pass."""
        score = f", {BM25}" if compiled.ranked else ""
        rows = db.execute(f"SELECT d.rowid{score} FROM {compiled.from_clause} WHERE {compiled.condition}",
                          compiled.params).fetchall()
        return cls(np.array([r[0] for r in rows], dtype=np.int64),
                   np.array([r[1] for r in rows], dtype=np.float64) if compiled.ranked else None, compiled)

    def but_not(self, excluded: np.ndarray, compiled: Compiled) -> Matching:
        """These rows less those where the boolean mask `excluded` is set: those `compiled` matches."""
        kept = ~excluded
        return Matching(self.rowids[kept], None if self.scores is None else self.scores[kept], compiled)

    def plus(self, rowids: np.ndarray) -> Matching:
        """These rows and `rowids` (which rank after every scored row)."""
        extra = np.setdiff1d(rowids, self.rowids)
        scores = None if self.scores is None else np.concatenate([self.scores, np.full(len(extra), np.inf)])
        return Matching(np.concatenate([self.rowids, extra]), scores)

    def page(self, db: sqlite3.Connection, query: SearchQuery, offset: int,
             limit: int) -> list[tuple[int, float]]:
        """(rowid, score) of `limit` rows from `offset` in the query's order (score = -bm25).

        Relevance orders only the rows whose bm25 can reach the page, instead of sorting all.
        """
        if not len(self.rowids) or not limit:
            return []
        if self.scores is None or query.effective_sort != "relevance":
            compiled = self.compiled or Compiled(where=[f"d.rowid IN {ROWIDS}"],
                                                 params=[json.dumps(self.rowids.tolist())])
            sql = (f"SELECT d.rowid, 0.0 FROM {compiled.from_clause} WHERE {compiled.condition} "
                   f"ORDER BY {order_by(query, False)} LIMIT ? OFFSET ?")
            return db.execute(sql, [*compiled.params, limit, offset]).fetchall()
        depth = offset + limit
        reach = np.ones(len(self.scores), dtype=bool) if depth >= len(self.scores) else \
            self.scores <= np.partition(self.scores, depth - 1)[depth - 1]  # ties at the cut too
        score_of = dict(zip(self.rowids[reach].tolist(), self.scores[reach].tolist(), strict=True))
        rows = db.execute(f"SELECT rowid, published, id FROM documents WHERE rowid IN {ROWIDS}",
                          [json.dumps(list(score_of))]).fetchall()
        rows.sort(key=lambda r: r[2])  # stable sorts, last key first: id, newest, best bm25
        rows.sort(key=lambda r: r[1] or "", reverse=True)
        rows.sort(key=lambda r: score_of[r[0]])
        return [(rowid, -score_of[rowid] if score_of[rowid] != np.inf else 0.0)
                for rowid, _, _ in rows[offset:depth]]


def rowid_list(pairs: Sequence[tuple[int, object]]) -> str:
    """The rowids of (rowid, …) pairs as the JSON parameter of ROWIDS."""
    return json.dumps([int(pair[0]) for pair in pairs])
