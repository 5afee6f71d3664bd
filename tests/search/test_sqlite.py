"""What only the SQLite backend has: its file format, its caches, one writer and many readers."""

from __future__ import annotations

import json
import sqlite3
import sys
import threading

from search.backend import get_backend
from search.query import SearchQuery
from tests.search.test_backend_contract import CORPUS, doc, ids

# The tables of the first release: the embedding inside the JSON, no keyphrases, no meta.
VERSION_0 = """
CREATE TABLE documents (rowid INTEGER PRIMARY KEY, id TEXT NOT NULL UNIQUE, data TEXT NOT NULL,
    kind TEXT NOT NULL, source TEXT NOT NULL, lang TEXT NOT NULL, country TEXT, published TEXT,
    deadline_at TEXT, content_hash TEXT NOT NULL);
CREATE TABLE document_topics (rowid INTEGER NOT NULL REFERENCES documents (rowid) ON DELETE CASCADE,
    topic TEXT NOT NULL, PRIMARY KEY (topic, rowid)) WITHOUT ROWID;
CREATE VIRTUAL TABLE documents_fts USING fts5 (title, summary, body,
    tokenize = 'unicode61 remove_diacritics 2');
"""


def test_a_file_of_the_first_release_is_upgraded_in_place(data_dir):
    old = doc("old", "Convocatoria antigua", topics=["ai"], embedding=[1.0, 0.0], keyphrases=["antigua"])
    db = sqlite3.connect(data_dir / "observatorio.db")
    db.executescript(VERSION_0)
    db.execute("INSERT INTO documents VALUES (1, 'old', ?, 'news', 'demo_a', 'es', NULL, NULL, NULL, ?)",
               (json.dumps(old.to_dict()), old.content_hash))
    db.commit()
    db.close()
    backend = get_backend("sqlite")
    assert backend.get("old") == old
    assert ids(backend.search(SearchQuery(q="antigua"))) == ["old"]
    assert [h.document.id for h in backend.similar("old")] == []
    assert sum(c.get("antigua", 0) for c in backend.term_counts().values()) == 1  # rows rebuilt from JSON
    db = sqlite3.connect(data_dir / "observatorio.db")
    (vector,) = db.execute("SELECT embedding FROM document_contents")
    assert len(vector[0]) == 8  # two float32


def test_a_file_without_the_duplicate_of_column_is_upgraded_in_place(data_dir):
    backend = get_backend("sqlite")
    backend.upsert([*CORPUS, doc("copy", "Copia", duplicate_of="ai-call")])
    backend.close()
    db = sqlite3.connect(data_dir / "observatorio.db")  # back to version 2
    db.executescript("DROP INDEX documents_duplicate_of; ALTER TABLE documents DROP COLUMN duplicate_of;"
                     "PRAGMA user_version = 2;")
    db.close()
    backend = get_backend("sqlite")
    assert backend.search(SearchQuery()).total == len(CORPUS)
    assert ids(backend.search(SearchQuery(duplicate_of=("ai-call",)))) == ["copy"]


def test_facet_and_vector_caches_see_writes_from_another_connection(data_dir):
    reader, writer = get_backend("sqlite"), get_backend("sqlite")
    writer.upsert(CORPUS)
    assert reader.search(SearchQuery()).facets["kind"]["news"] == 2
    writer.upsert([doc("n3", "Otra noticia", embedding=[1.0, 0.0]),
                   doc("n4", "Y otra", embedding=[0.9, 0.1])])
    assert reader.search(SearchQuery()).facets["kind"]["news"] == 4
    assert [h.document.id for h in reader.similar("n3")] == ["n4"]
    writer.delete("n4")
    assert reader.similar("n3") == [] and reader.search(SearchQuery()).facets["kind"]["news"] == 3
    writer.upsert([doc("n5", "Más", embedding=[0.1, 1.0]), doc("n3", "Otra noticia", embedding=[0.0, 1.0])])
    assert [h.document.id for h in reader.similar("n3")] == ["n5"]  # the rewritten vector, not the old


def test_one_writer_and_many_readers(data_dir):
    get_backend("sqlite").upsert(CORPUS)
    errors, totals = [], []

    def write():
        backend = get_backend("sqlite")
        for n in range(30):
            backend.upsert([doc(f"w{n}", f"Inteligencia número {n}")])

    def read():
        backend = get_backend("sqlite")
        try:
            for _ in range(30):
                result = backend.search(SearchQuery(q="inteligencia", size=5))
                assert result.total == sum(result.facets["kind"].values())  # one consistent snapshot
                totals.append(result.total)
        except Exception as exc:  # noqa: BLE001 - collected and asserted below
            errors.append(exc)

    threads = [threading.Thread(target=write), *(threading.Thread(target=read) for _ in range(3))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == [] and min(totals) >= 2
    assert get_backend("sqlite").search(SearchQuery(q="inteligencia")).total == 32


def test_the_file_is_in_wal_mode(data_dir):
    get_backend("sqlite").upsert(CORPUS[:1])
    mode = sqlite3.connect(data_dir / "observatorio.db").execute("PRAGMA journal_mode").fetchone()[0]
    assert mode == "wal"


def test_relevance_pages_match_a_full_sql_sort_even_with_ties(data_dir):
    """Only rows whose bm25 can reach the page are sorted: compare with SQLite sorting them all."""
    from datetime import timedelta

    from search.sqlite_query import BM25, compile_query, order_by
    from tests.search.test_backend_contract import NOW

    backend = get_backend("sqlite")
    backend.upsert(doc(f"t{n:03d}", ["Fondo de datos", "Fondo de datos abiertos", "Datos"][n % 3],
                       published=NOW - timedelta(days=n % 7)) for n in range(120))
    query = SearchQuery(q="datos", size=7)
    compiled = compile_query(query)
    expected = [row[0] for row in backend._db().execute(
        f"SELECT d.id, {BM25} FROM {compiled.from_clause} WHERE {compiled.condition} "
        f"ORDER BY {order_by(query, True)}", compiled.params)]
    pages = [ids(backend.search(SearchQuery(q="datos", size=7, page=p))) for p in range(1, 19)]
    assert [i for page in pages for i in page] == expected


def test_threads_sharing_one_backend_get_their_own_results(data_dir):
    """The rows a search matched are remembered for its next primitive (hybrid asks for the
    same keyword matches twice); another thread's search in between must not swap them (one
    backend per app is shared by the server's threads). Here another thread runs a whole search
    between every two lines of the method that remembers them."""
    from search.sqlite import SQLiteBackend
    from tests.search.test_hybrid_contract import AI, with_vectors

    backend = get_backend("sqlite")
    backend.upsert(with_vectors(d) for d in CORPUS)

    def hybrid(word: str) -> list[str]:
        return ids(backend.search(SearchQuery(q=word, vector=AI, size=5)))

    expected = {"ciberseguridad": hybrid("ciberseguridad"), "blockchain": hybrid("blockchain")}
    assert expected["ciberseguridad"] != expected["blockchain"]

    def other_search() -> None:
        thread = threading.Thread(target=hybrid, args=("blockchain",))
        thread.start()
        thread.join()

    def tracer(frame, event, arg):
        if event == "call" and frame.f_code is SQLiteBackend._keyword_matching.__code__:
            return lambda frame, event, arg: other_search() if event == "line" else None
        return None

    found = []
    thread = threading.Thread(target=lambda: (sys.settrace(tracer), found.append(hybrid("ciberseguridad"))))
    thread.start()
    thread.join()
    assert found == [expected["ciberseguridad"]]
