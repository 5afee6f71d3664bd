"""The embedded default backend: one SQLite file with FTS5 full-text search and vectors."""

from __future__ import annotations

import json
import sqlite3
import threading
from collections.abc import Iterable, Iterator, Sequence
from contextlib import closing, contextmanager
from datetime import date
from pathlib import Path

import numpy as np

from core.paths import data_dir
from core.refused import refused_write, unwritable

from .backend import SearchBackend
from .columns import CACHE, FacetColumns, VectorMatrix
from .document import Document
from .errors import BackendUnavailable, InvalidQuery
from .highlight import highlight
from .hybrid import MIN_SIMILARITY
from .query import EVERYTHING, FACETS, Hit, SearchQuery, SearchResult
from .sqlite_query import (
    NO_ROWS,
    ROWIDS,
    Compiled,
    Matching,
    compile_query,
    filters,
    iso,
    order_by,
    rowid_list,
)
from .sqlite_schema import create_or_upgrade

# The Monday of a row's ISO week: 'weekday 0' moves to the coming Sunday (or stays on one).
WEEK_START = "date(d.published, 'weekday 0', '-6 days')"
ITER_BATCH = 500  # documents read per query while iterating


class SQLiteBackend(SearchBackend):
    """FTS5 with diacritics folding; WAL so one writer and many readers share the file."""

    name = "sqlite"

    def __init__(self, path: str | Path | None = None):
        self.path = Path(path) if path else data_dir() / "observatorio.db"
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._local = threading.local()
        self._check_fts5()
        try:
            create_or_upgrade(self._db(), self._write_rows)
        except sqlite3.OperationalError as exc:  # e.g. no room for the WAL's shared-memory file
            if not unwritable(exc):
                raise
            raise refused_write(exc, self.path.parent, self.path.name) from exc

    # -- connections ---------------------------------------------------------------------

    def _connect(self) -> sqlite3.Connection:
        db = sqlite3.connect(self.path, timeout=30, isolation_level=None)
        db.execute("PRAGMA journal_mode=WAL")
        db.execute("PRAGMA foreign_keys=ON")
        db.execute("PRAGMA synchronous=NORMAL")
        return db

    def _db(self) -> sqlite3.Connection:
        """One connection per thread: sqlite3 connections must not be shared between threads."""
        db = getattr(self._local, "db", None)
        if db is None:
            db = self._local.db = self._connect()
        return db

    @contextmanager
    def _transaction(self, mode: str = "DEFERRED") -> Iterator[sqlite3.Connection]:
        """Run the block in one transaction: IMMEDIATE for the single writer (it takes the lock
        up front and bumps the generation), DEFERRED for a reader's consistent snapshot."""
        db = self._db()
        db.execute(f"BEGIN {mode}")
        try:
            yield db
            if mode == "IMMEDIATE":
                db.execute("UPDATE meta SET value = value + 1 WHERE key = 'generation'")
            db.execute("COMMIT")  # in the try: a full disk often shows only now, as the WAL grows
        except BaseException as exc:
            if db.in_transaction:  # SQLite has already rolled back some failed COMMITs itself
                db.execute("ROLLBACK")
            if mode == "IMMEDIATE" and isinstance(exc, sqlite3.Error) and unwritable(exc):
                raise refused_write(exc, self.path.parent, self.path.name, rolled_back=True) from exc
            raise

    @staticmethod
    def _generation(db: sqlite3.Connection) -> int:
        return db.execute("SELECT value FROM meta WHERE key = 'generation'").fetchone()[0]

    def generation(self) -> str:
        return str(self._generation(self._db()))

    def _columns(self, db: sqlite3.Connection, kind: type):
        return CACHE.get(str(self.path.resolve()), self._generation(db), kind, db)

    @staticmethod
    def _check_fts5() -> None:
        try:
            sqlite3.connect(":memory:").execute("CREATE VIRTUAL TABLE t USING fts5(x)")
        except sqlite3.OperationalError as exc:
            raise BackendUnavailable(
                f"this Python's SQLite {sqlite3.sqlite_version} was built without FTS5: {exc}"
            ) from exc

    def close(self) -> None:
        db = getattr(self._local, "db", None)
        if db is not None:
            db.close()
            self._local.db = None

    # -- writing -------------------------------------------------------------------------

    def upsert(self, documents: Iterable[Document]) -> int:
        with self._transaction("IMMEDIATE") as db:
            return self._write_rows(db, documents)

    def _write_rows(self, db: sqlite3.Connection, documents: Iterable[Document]) -> int:
        written = 0
        for doc in documents:
            self._delete_row(db, doc.id)
            vector = np.asarray(doc.embedding, dtype="<f4").tobytes() if doc.embedding else None
            rowid = db.execute(
                "INSERT INTO documents (id, kind, source, lang, country, published, deadline_at,"
                " content_hash, duplicate_of) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (doc.id, doc.kind.value, doc.source, doc.lang, doc.country, iso(doc.published),
                 iso(doc.deadline_at), doc.content_hash, doc.duplicate_of),
            ).lastrowid
            db.execute("INSERT INTO document_contents VALUES (?, ?, ?)",
                       (rowid, json.dumps(doc.to_dict(embedding=False)), vector))
            db.executemany("INSERT INTO document_topics VALUES (?, ?)",
                           [(rowid, t) for t in dict.fromkeys(doc.topics)])
            db.executemany("INSERT INTO document_keyphrases VALUES (?, ?)",
                           [(rowid, p) for p in dict.fromkeys(doc.keyphrases)])
            db.execute("INSERT INTO documents_fts (rowid, title, summary, body) VALUES (?, ?, ?, ?)",
                       (rowid, doc.title, doc.summary, doc.searchable_text()))
            written += 1
        return written

    def delete(self, doc_id: str) -> bool:
        with self._transaction("IMMEDIATE") as db:
            return self._delete_row(db, doc_id)

    @staticmethod
    def _delete_row(db: sqlite3.Connection, doc_id: str) -> bool:
        row = db.execute("SELECT rowid FROM documents WHERE id = ?", (doc_id,)).fetchone()
        if row is None:
            return False
        db.execute("DELETE FROM documents_fts WHERE rowid = ?", (row[0],))
        db.execute("DELETE FROM documents WHERE rowid = ?", (row[0],))  # cascades to the other tables
        return True

    def reindex(self) -> int:
        """Rewrite every document (tables, FTS, vectors) a batch per transaction, then merge the
        FTS segments; readers keep their snapshot meanwhile."""
        ids = [row[0] for row in self._db().execute("SELECT id FROM documents ORDER BY rowid")]
        for start in range(0, len(ids), 500):
            with self._transaction("IMMEDIATE") as db:
                hits = self._hits(SearchQuery(), ids[start:start + 500], db)
                self._write_rows(db, [hit.document for hit in hits.values()])
        with self._transaction("IMMEDIATE") as db:
            db.execute("INSERT INTO documents_fts (documents_fts) VALUES ('optimize')")
        return len(ids)

    # -- reading -------------------------------------------------------------------------

    def get(self, doc_id: str) -> Document | None:
        hit = self._hits(SearchQuery(), [doc_id]).get(doc_id)
        return hit.document if hit else None

    def count(self) -> int:
        return self._db().execute("SELECT count(*) FROM documents").fetchone()[0]

    def fingerprints(self, doc_ids: Iterable[str]) -> dict[str, str]:
        ids, db, found = list(doc_ids), self._db(), {}
        for start in range(0, len(ids), 500):
            chunk = ids[start:start + 500]
            found.update(db.execute(f"SELECT id, content_hash FROM documents WHERE id IN "
                                    f"({','.join('?' * len(chunk))})", chunk).fetchall())
        return found

    def iter_documents(self, query: SearchQuery | None = None) -> Iterator[Document]:
        """Sort the matching rowids first, then read the documents in batches in that order:
        sorting whole rows (bodies and vectors) made the first of 40,000 documents take a
        second, which a caller that stops early (a calendar's soonest deadlines) paid in full."""
        query = query or EVERYTHING
        compiled = compile_query(query)
        sql = (f"SELECT d.rowid FROM {compiled.from_clause} WHERE {compiled.condition} "
               f"ORDER BY {order_by(query, compiled.ranked)}")
        with closing(self._connect()) as db:  # its own connection: callers may write meanwhile
            db.execute("BEGIN")  # one snapshot for the rowids and the rows
            rowids = [rowid for (rowid,) in db.execute(sql, compiled.params)]
            for start in range(0, len(rowids), ITER_BATCH):
                batch = rowids[start:start + ITER_BATCH]
                rows = {r[0]: r[1:] for r in db.execute(
                    f"SELECT rowid, data, embedding FROM document_contents WHERE rowid IN {ROWIDS}",
                    [json.dumps(batch)])}
                for rowid in batch:
                    yield _document(*rows[rowid])

    def histogram(self, query: SearchQuery | None = None, by: str = "topic") -> dict[date, dict[str, int]]:
        if by not in ("topic", "kind"):
            raise InvalidQuery("by", "must be topic or kind")
        if by == "topic":
            return self._weekly(query, "JOIN document_topics t ON t.rowid = d.rowid", "t.topic")
        return self._weekly(query, "", "d.kind")

    def term_counts(self, query: SearchQuery | None = None, size: int = 50) -> dict[date, dict[str, int]]:
        weeks = self._weekly(query, "JOIN document_keyphrases k ON k.rowid = d.rowid", "k.phrase")
        return {week: dict(list(counts.items())[:size]) for week, counts in weeks.items()}

    def _weekly(self, query: SearchQuery | None, join: str, value: str) -> dict[date, dict[str, int]]:
        compiled = compile_query(query or SearchQuery())
        sql = (f"SELECT {WEEK_START} AS week, {value}, count(*) n FROM {compiled.from_clause} {join} "
               f"WHERE {compiled.condition} AND d.published IS NOT NULL "
               f"GROUP BY week, {value} ORDER BY week, n DESC, {value}")
        weeks: dict[date, dict[str, int]] = {}
        for week, key, n in self._db().execute(sql, compiled.params):
            weeks.setdefault(date.fromisoformat(week), {})[key] = n
        return weeks

    # -- primitives of search ------------------------------------------------------------

    def _select(self, query: SearchQuery, *, text: bool = True, ids: Sequence[str] = (),
                offset: int = 0, limit: int = 0) -> SearchResult:
        with self._transaction() as db:
            matching = self._keyword_matching(db, query) if text else Matching(NO_ROWS)
            if ids:
                allowed = filters(query)
                allowed.add(f"d.id IN {ROWIDS}", json.dumps(list(ids)))
                matching = matching.plus(self._rowids(db, allowed))
            facets = self._columns(db, FacetColumns).count(matching.rowids, FACETS)
            page = matching.page(db, query, offset, limit)
            rows = {r[0]: r[1:] for r in db.execute(
                f"SELECT rowid, data, embedding FROM document_contents WHERE rowid IN {ROWIDS}",
                [rowid_list(page)])}
        hits = [_hit(*rows[rowid], query.q, score) for rowid, score in page]
        return SearchResult(total=len(matching.rowids), hits=hits, facets=facets)

    def _ranking(self, query: SearchQuery, limit: int) -> list[str]:
        with self._transaction() as db:
            page = self._keyword_matching(db, query).page(db, query, 0, limit)
            id_of = dict(db.execute(f"SELECT rowid, id FROM documents WHERE rowid IN {ROWIDS}",
                                    [rowid_list(page)]))
        return [id_of[rowid] for rowid, _ in page]

    def _keyword_matching(self, db: sqlite3.Connection, query: SearchQuery) -> Matching:
        """The rows the words and filters match, remembered for the next primitive of the same
        search (hybrid asks for the total and the ranking of the same words). Without copies, it
        is the match with copies less the copies: counting the hidden copies, which follows,
        then matches the words once, not twice."""
        if query.hides_copies:
            everything = self._keyword_matching(db, query.but(duplicates=True))
            copies = self._columns(db, FacetColumns).copies(everything.rowids)
            return everything.but_not(copies, compile_query(query))
        compiled = compile_query(query)
        key = (self._generation(db), compiled.condition, str(compiled.params))
        recent = getattr(self._local, "recent", None)  # per thread: server threads share a backend
        if recent is None or recent[0] != key:
            recent = self._local.recent = (key, Matching.run(db, compiled))
        return recent[1]

    @staticmethod
    def _rowids(db: sqlite3.Connection, compiled: Compiled) -> np.ndarray:
        rows = db.execute(f"SELECT d.rowid FROM {compiled.from_clause} WHERE {compiled.condition}",
                          compiled.params)
        return np.array([r[0] for r in rows], dtype=np.int64)

    def _nearest(self, query: SearchQuery, vector: Sequence[float], k: int) -> list[tuple[str, float]]:
        compiled = filters(query)
        with self._transaction() as db:
            matrix = self._columns(db, VectorMatrix)
            allowed = self._rowids(db, compiled) if compiled.where else None
            nearest = matrix.nearest(vector, allowed, k, MIN_SIMILARITY)
            id_of = dict(db.execute(f"SELECT rowid, id FROM documents WHERE rowid IN {ROWIDS}",
                                    [rowid_list(nearest)]))
        return sorted(((id_of[r], score) for r, score in nearest), key=lambda pair: (-pair[1], pair[0]))

    def _hits(self, query: SearchQuery, ids: Sequence[str], db: sqlite3.Connection | None = None
              ) -> dict[str, Hit]:
        rows = (db or self._db()).execute(
            "SELECT d.id, c.data, c.embedding FROM documents d JOIN document_contents c ON c.rowid = d.rowid "
            "WHERE d.id IN (SELECT value FROM json_each(?))", [json.dumps(list(ids))])
        return {doc_id: _hit(data, vector, query.q) for doc_id, data, vector in rows}


def _document(data: str, vector: bytes | None) -> Document:
    fields = json.loads(data)
    fields["embedding"] = np.frombuffer(vector, dtype="<f4").tolist() if vector else None
    return Document.from_dict(fields)


def _hit(data: str, vector: bytes | None, q: str, score: float = 0.0) -> Hit:
    """A hit whose title and body snippet mark the words of `q`."""
    doc = _document(data, vector)
    highlights = {"title": highlight(doc.title, q), "body": highlight(doc.searchable_text(), q, snippet=True)}
    return Hit(document=doc, score=score, highlights={k: v for k, v in highlights.items() if v})
