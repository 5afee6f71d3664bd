"""The embedded default backend: one SQLite file with FTS5 full-text search."""

from __future__ import annotations

import json
import sqlite3
import threading
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime, time
from pathlib import Path

from .backend import SearchBackend, data_dir
from .document import Document
from .errors import BackendUnavailable, InvalidQuery
from .fts import fts_match, snippet_to_html
from .query import FACETS, Hit, SearchQuery, SearchResult

SCHEMA = """
CREATE TABLE IF NOT EXISTS documents (
    rowid INTEGER PRIMARY KEY,
    id TEXT NOT NULL UNIQUE,
    data TEXT NOT NULL,
    kind TEXT NOT NULL,
    source TEXT NOT NULL,
    lang TEXT NOT NULL,
    country TEXT,
    published TEXT,
    deadline_at TEXT,
    content_hash TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS documents_published ON documents (published);
CREATE INDEX IF NOT EXISTS documents_deadline ON documents (deadline_at);
CREATE TABLE IF NOT EXISTS document_topics (
    rowid INTEGER NOT NULL REFERENCES documents (rowid) ON DELETE CASCADE,
    topic TEXT NOT NULL,
    PRIMARY KEY (topic, rowid)
) WITHOUT ROWID;
CREATE VIRTUAL TABLE IF NOT EXISTS documents_fts USING fts5 (
    title, summary, body,
    tokenize = 'unicode61 remove_diacritics 2'
);
"""
# Column weights: a word in the title counts more than one in the summary or body.
BM25 = "bm25(documents_fts, 10.0, 4.0, 1.0)"
# The Monday of a row's ISO week: 'weekday 0' moves to the coming Sunday (or stays on one).
WEEK_START = "date(d.published, 'weekday 0', '-6 days')"
FACET_COLUMNS = {"kind": "d.kind", "source": "d.source", "lang": "d.lang"}


class SQLiteBackend(SearchBackend):
    """FTS5 with diacritics folding; WAL so one writer and many readers share the file."""

    name = "sqlite"

    def __init__(self, path: str | Path | None = None):
        self.path = Path(path) if path else data_dir() / "observatorio.db"
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._local = threading.local()
        self._check_fts5()
        self._db().executescript(SCHEMA)

    # -- connections ---------------------------------------------------------------------

    def _db(self) -> sqlite3.Connection:
        """One connection per thread: sqlite3 connections must not cross threads."""
        db = getattr(self._local, "db", None)
        if db is None:
            db = sqlite3.connect(self.path, timeout=30, isolation_level=None)
            db.row_factory = sqlite3.Row
            db.execute("PRAGMA journal_mode=WAL")
            db.execute("PRAGMA foreign_keys=ON")
            db.execute("PRAGMA synchronous=NORMAL")
            self._local.db = db
        return db

    @contextmanager
    def _writing(self) -> Iterator[sqlite3.Connection]:
        """Run the block in one IMMEDIATE transaction: the single writer takes the lock up front."""
        db = self._db()
        db.execute("BEGIN IMMEDIATE")
        try:
            yield db
        except BaseException:
            db.execute("ROLLBACK")
            raise
        db.execute("COMMIT")

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
        written = 0
        with self._writing() as db:
            for doc in documents:
                self._delete_row(db, doc.id)
                cursor = db.execute(
                    "INSERT INTO documents (id, data, kind, source, lang, country, published,"
                    " deadline_at, content_hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    (doc.id, json.dumps(doc.to_dict()), doc.kind.value, doc.source, doc.lang,
                     doc.country, _iso(doc.published), _iso(doc.deadline_at), doc.content_hash),
                )
                rowid = cursor.lastrowid
                db.executemany("INSERT INTO document_topics VALUES (?, ?)",
                               [(rowid, t) for t in dict.fromkeys(doc.topics)])
                db.execute("INSERT INTO documents_fts (rowid, title, summary, body) VALUES (?, ?, ?, ?)",
                           (rowid, doc.title, doc.summary, doc.searchable_text()))
                written += 1
        return written

    def delete(self, doc_id: str) -> bool:
        with self._writing() as db:
            return self._delete_row(db, doc_id)

    def _delete_row(self, db: sqlite3.Connection, doc_id: str) -> bool:
        row = db.execute("SELECT rowid FROM documents WHERE id = ?", (doc_id,)).fetchone()
        if row is None:
            return False
        db.execute("DELETE FROM documents_fts WHERE rowid = ?", (row[0],))
        db.execute("DELETE FROM documents WHERE rowid = ?", (row[0],))
        return True

    # -- reading -------------------------------------------------------------------------

    def get(self, doc_id: str) -> Document | None:
        row = self._db().execute(
            "SELECT data FROM documents WHERE id = ?", (doc_id,)).fetchone()
        return Document.from_dict(json.loads(row[0])) if row else None

    def count(self) -> int:
        return self._db().execute("SELECT count(*) FROM documents").fetchone()[0]

    def fingerprints(self, doc_ids: Iterable[str]) -> dict[str, str]:
        ids = list(doc_ids)
        db, found = self._db(), {}
        for start in range(0, len(ids), 500):
            chunk = ids[start:start + 500]
            marks = ",".join("?" * len(chunk))
            found.update(db.execute(
                f"SELECT id, content_hash FROM documents WHERE id IN ({marks})", chunk).fetchall())
        return found

    def search(self, query: SearchQuery) -> SearchResult:
        db = self._db()
        ranked, from_clause, condition, params = self._compile(query)
        total = db.execute(f"SELECT count(*) FROM {from_clause} WHERE {condition}", params).fetchone()[0]
        columns = "d.data, 0.0"
        if ranked:
            columns = (f"d.data, -{BM25}, "
                       "highlight(documents_fts, 0, char(2), char(3)), "
                       "snippet(documents_fts, 2, char(2), char(3), '…', 24)")
        rows = db.execute(
            f"SELECT {columns} FROM {from_clause} WHERE {condition} "
            f"ORDER BY {self._order(query, ranked)} LIMIT ? OFFSET ?",
            [*params, query.size, query.offset],
        ).fetchall()
        return SearchResult(total=total, hits=[self._hit(row, ranked) for row in rows],
                            facets=self._facets(db, from_clause, condition, params))

    def iter_documents(self, query: SearchQuery | None = None) -> Iterator[Document]:
        query = query or SearchQuery()
        ranked, from_clause, condition, params = self._compile(query)
        sql = (f"SELECT d.data FROM {from_clause} WHERE {condition} "
               f"ORDER BY {self._order(query, ranked)}")
        for (data,) in self._db().execute(sql, params):
            yield Document.from_dict(json.loads(data))

    def histogram(self, query: SearchQuery | None = None, by: str = "topic") -> dict[date, dict[str, int]]:
        if by not in ("topic", "kind"):
            raise InvalidQuery("by", "must be topic or kind")
        _, from_clause, condition, params = self._compile(query or SearchQuery())
        value = "d.kind"
        if by == "topic":
            from_clause += " JOIN document_topics t ON t.rowid = d.rowid"
            value = "t.topic"
        weeks: dict[date, dict[str, int]] = {}
        sql = (f"SELECT {WEEK_START} AS week, {value}, count(*) FROM {from_clause} "
               f"WHERE {condition} AND d.published IS NOT NULL GROUP BY week, {value} ORDER BY week")
        for week, key, count in self._db().execute(sql, params):
            weeks.setdefault(date.fromisoformat(week), {})[key] = count
        return weeks

    # -- query building ------------------------------------------------------------------

    def _compile(self, query: SearchQuery) -> tuple[bool, str, str, list]:
        """Return (ranked, FROM clause, WHERE condition, parameters) for a query."""
        where, params = self._filters(query)
        text = fts_match(query.q)
        from_clause = "documents d"
        if text.match:
            from_clause += " JOIN documents_fts ON documents_fts.rowid = d.rowid"
            where.append("documents_fts MATCH ?")
            params.append(text.match)
        if text.exclude:
            where.append("d.rowid NOT IN (SELECT rowid FROM documents_fts WHERE documents_fts MATCH ?)")
            params.append(text.exclude)
        return bool(text.match), from_clause, " AND ".join(where) or "1", params

    @staticmethod
    def _filters(query: SearchQuery) -> tuple[list[str], list]:
        where: list[str] = []
        params: list = []

        def any_of(column: str, values: tuple[str, ...]) -> None:
            if values:
                where.append(f"{column} IN ({','.join('?' * len(values))})")
                params.extend(values)

        any_of("d.kind", query.kind)
        any_of("d.lang", query.lang)
        any_of("d.source", query.source)
        any_of("d.country", query.country)
        for topic in query.topic:  # every selected topic must apply
            where.append("d.rowid IN (SELECT rowid FROM document_topics WHERE topic = ?)")
            params.append(topic)
        if query.open:
            where.append("d.deadline_at >= ?")
            params.append(_iso(datetime.now(UTC)))
        for column, start, end in (("d.published", query.published_from, query.published_to),
                                   ("d.deadline_at", query.deadline_from, query.deadline_to)):
            if start:
                where.append(f"{column} >= ?")
                params.append(_iso(datetime.combine(start, time.min, UTC)))
            if end:
                where.append(f"{column} <= ?")
                params.append(_iso(datetime.combine(end, time.max, UTC)))
        return where, params

    @staticmethod
    def _order(query: SearchQuery, ranked: bool) -> str:
        sort = query.effective_sort
        if sort == "relevance" and ranked:
            return f"{BM25}, d.published DESC"
        if sort == "deadline":
            return "d.deadline_at IS NULL, d.deadline_at ASC, d.published DESC"
        return "d.published IS NULL, d.published DESC, d.id"

    @staticmethod
    def _facets(db: sqlite3.Connection, from_clause: str, condition: str, params: list):
        facets: dict[str, dict[str, int]] = {}
        matching = f"SELECT d.rowid FROM {from_clause} WHERE {condition}"
        for facet in FACETS:
            if facet == "topic":
                sql = (f"SELECT topic, count(*) n FROM document_topics WHERE rowid IN ({matching}) "
                       "GROUP BY topic ORDER BY n DESC, topic")
            else:
                column = FACET_COLUMNS[facet]
                sql = (f"SELECT {column}, count(*) n FROM {from_clause} WHERE {condition} "
                       f"GROUP BY {column} ORDER BY n DESC, {column}")
            facets[facet] = {value: n for value, n in db.execute(sql, params) if value}
        return facets

    @staticmethod
    def _hit(row: sqlite3.Row, ranked: bool) -> Hit:
        doc = Document.from_dict(json.loads(row[0]))
        if not ranked:
            return Hit(document=doc)
        highlights = {"title": snippet_to_html(row[2]), "body": snippet_to_html(row[3])}
        return Hit(document=doc, score=row[1],
                   highlights={k: v for k, v in highlights.items() if "<mark>" in v})


def _iso(value: datetime | None) -> str | None:
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S") if value else None
