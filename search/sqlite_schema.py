"""The SQLite backend's tables, and the upgrade of files written by earlier versions."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable, Iterable

from .document import Document

VERSION = 3  # PRAGMA user_version; 0 = the first release (vectors inside the JSON, no keyphrases),
# 2 = before the duplicate_of column
# `documents` holds only what filters and sorts read, so that joining it to thousands of
# full-text matches stays cheap; the JSON and the vector live beside it in document_contents.
SCHEMA = """
CREATE TABLE IF NOT EXISTS documents (
    rowid INTEGER PRIMARY KEY AUTOINCREMENT,  -- never reused: cached columns key on it
    id TEXT NOT NULL UNIQUE,
    kind TEXT NOT NULL,
    source TEXT NOT NULL,
    lang TEXT NOT NULL,
    country TEXT,
    published TEXT,
    deadline_at TEXT,
    content_hash TEXT NOT NULL,
    duplicate_of TEXT                -- the original's id when this document is a copy
);
CREATE TABLE IF NOT EXISTS document_contents (
    rowid INTEGER PRIMARY KEY REFERENCES documents (rowid) ON DELETE CASCADE,
    data TEXT NOT NULL,              -- the document as JSON, without its embedding
    embedding BLOB                   -- float32 little-endian
);
CREATE INDEX IF NOT EXISTS documents_published ON documents (published);
CREATE INDEX IF NOT EXISTS documents_deadline ON documents (deadline_at);
CREATE INDEX IF NOT EXISTS documents_duplicate_of ON documents (duplicate_of);
CREATE TABLE IF NOT EXISTS document_topics (
    rowid INTEGER NOT NULL REFERENCES documents (rowid) ON DELETE CASCADE,
    topic TEXT NOT NULL,
    PRIMARY KEY (topic, rowid)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS document_topics_rowid ON document_topics (rowid);
CREATE TABLE IF NOT EXISTS document_keyphrases (
    rowid INTEGER NOT NULL REFERENCES documents (rowid) ON DELETE CASCADE,
    phrase TEXT NOT NULL,
    PRIMARY KEY (phrase, rowid)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS document_keyphrases_rowid ON document_keyphrases (rowid);
CREATE VIRTUAL TABLE IF NOT EXISTS documents_fts USING fts5 (
    title, summary, body,
    tokenize = 'unicode61 remove_diacritics 2'
);
-- bumped by every write transaction: in-memory columns loaded at another generation are stale
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value INTEGER NOT NULL);
INSERT OR IGNORE INTO meta VALUES ('generation', 0);
"""

WriteRows = Callable[[sqlite3.Connection, Iterable[Document]], int]


def create_or_upgrade(db: sqlite3.Connection, write_rows: WriteRows) -> None:
    """Create the tables, or bring a file of an earlier version up to VERSION in one transaction."""
    if db.execute("PRAGMA user_version").fetchone()[0] == VERSION:
        return
    db.execute("BEGIN IMMEDIATE")
    try:
        version = db.execute("PRAGMA user_version").fetchone()[0]
        if version == VERSION:  # another process just did it
            db.execute("ROLLBACK")
            return
        if version == 2:
            _add_duplicate_of(db)
        else:
            _rebuild(db, write_rows)
        db.execute(f"PRAGMA user_version = {VERSION}")
        db.execute("UPDATE meta SET value = value + 1 WHERE key = 'generation'")
    except BaseException:
        db.execute("ROLLBACK")
        raise
    db.execute("COMMIT")


def _add_duplicate_of(db: sqlite3.Connection) -> None:
    """Version 2 → 3: the duplicate_of column, filled from each document's JSON."""
    db.execute("ALTER TABLE documents ADD COLUMN duplicate_of TEXT")
    db.execute("UPDATE documents SET duplicate_of = (SELECT json_extract(c.data, '$.duplicate_of')"
               " FROM document_contents c WHERE c.rowid = documents.rowid)")
    db.execute("CREATE INDEX documents_duplicate_of ON documents (duplicate_of)")


def _rebuild(db: sqlite3.Connection, write_rows: WriteRows) -> None:
    """A new file, or version 0: create the tables and rewrite every row from its JSON."""
    stored = []
    if db.execute("SELECT 1 FROM sqlite_master WHERE name = 'documents'").fetchone():
        # version 0: every row is rebuilt from its JSON, which holds the whole document
        rows = db.execute("SELECT data FROM documents").fetchall()
        stored = [Document.from_dict(json.loads(data)) for (data,) in rows]
        for table in ("documents_fts", "document_topics", "documents"):
            db.execute(f"DROP TABLE {table}")
    _script(db, SCHEMA)
    write_rows(db, stored)


def _script(db: sqlite3.Connection, script: str) -> None:
    """Run each statement of `script` inside the open transaction (executescript would commit)."""
    for statement in script.split(";"):
        if statement.strip():
            db.execute(statement)
