"""In-memory columns of the SQLite index: facet codes for counting and the embedding matrix.

SQL finds which rows match; counting their facet values and ranking them by cosine are done
here with numpy, on arrays loaded once per index generation (every committed write bumps the
generation, so a cache is never used after the data it was loaded from changed).
"""

from __future__ import annotations

import json
import sqlite3
import threading
from collections import OrderedDict
from collections.abc import Callable, Sequence

import numpy as np

from .query import FACET_SIZE
from .sqlite_query import SUPPLIERS

ROWIDS = "(SELECT value FROM json_each(?))"
CACHED_FILES = 4  # indexes whose columns one process keeps (tests open many)


class Codes:
    """One text value per row (or per row and topic) as small integer codes."""

    def __init__(self, values: Sequence[str | None]):
        self.labels, codes = np.unique(np.array([v or "" for v in values], dtype=object), return_inverse=True)
        self.codes = codes.astype(np.int32)

    def count(self, selected: np.ndarray) -> dict[str, int]:
        """Count the values of the selected entries: most frequent first, ties by value."""
        counts = np.bincount(self.codes[selected], minlength=len(self.labels))
        pairs = [(str(self.labels[i]), int(counts[i])) for i in np.flatnonzero(counts)]
        pairs.sort(key=lambda pair: (-pair[1], pair[0]))
        return {label: n for label, n in pairs if label}


class FacetColumns:
    """kind, source, lang and stage per row, and (row, topic) and (row, supplier) pairs, ordered by
    rowid; and which rows are copies of another document."""

    def __init__(self, db: sqlite3.Connection, previous: FacetColumns | None = None):
        rows = db.execute("SELECT rowid, kind, source, lang, duplicate_of IS NOT NULL FROM documents "
                          "ORDER BY rowid").fetchall()
        self.rowids = np.array([r[0] for r in rows], dtype=np.int64)
        self.copy = np.array([r[4] for r in rows], dtype=bool)
        self.columns = {name: Codes([r[i] for r in rows]) for i, name in ((1, "kind"), (2, "source"),
                                                                          (3, "lang"))}
        stages = db.execute("SELECT json_extract(data, '$.stage') FROM document_contents ORDER BY rowid")
        self.columns["stage"] = Codes([r[0] for r in stages])
        pairs = db.execute("SELECT rowid, topic FROM document_topics").fetchall()
        self.pair_rows = {"topic": self._rows([p[0] for p in pairs])}
        self.columns["topic"] = Codes([p[1] for p in pairs])
        sql = f"SELECT DISTINCT rowid, name FROM ({SUPPLIERS}) WHERE name IS NOT NULL"
        suppliers = db.execute(sql).fetchall()
        self.pair_rows["supplier"] = self._rows([p[0] for p in suppliers])
        self.columns["supplier"] = Codes([p[1] for p in suppliers])

    def _rows(self, rowids: list[int]) -> np.ndarray:
        return np.searchsorted(self.rowids, np.array(rowids, dtype=np.int64))

    def copies(self, rowids: np.ndarray) -> np.ndarray:
        """Which of `rowids` are copies of another document."""
        return self.copy[np.searchsorted(self.rowids, rowids)]

    def count(self, rowids: np.ndarray, facets: Sequence[str]) -> dict[str, dict[str, int]]:
        """Facet counts of the given rows, at most FACET_SIZE values each."""
        member = np.zeros(len(self.rowids), dtype=bool)
        member[np.searchsorted(self.rowids, rowids)] = True
        counted = {}
        for facet in facets:
            selected = member[self.pair_rows[facet]] if facet in self.pair_rows else member
            counted[facet] = dict(list(self.columns[facet].count(selected).items())[:FACET_SIZE])
        return counted


class VectorMatrix:
    """Unit-length embeddings of every row that has one, of the dimension most rows have."""

    def __init__(self, db: sqlite3.Connection, previous: VectorMatrix | None = None):
        """Load every vector, or only those written since `previous` was loaded: a crawl that
        writes a batch costs the next search a few new rows, not the whole matrix."""
        sql = "SELECT rowid FROM document_contents WHERE embedding IS NOT NULL ORDER BY rowid"
        stored = np.array([r[0] for r in db.execute(sql)], dtype=np.int64)
        kept = np.isin(previous.rowids, stored) if previous is not None else None
        new = np.setdiff1d(stored, previous.rowids) if previous is not None else stored
        rows = db.execute(f"SELECT rowid, embedding FROM document_contents WHERE rowid IN {ROWIDS} "
                          "ORDER BY rowid", [json.dumps(new.tolist())]).fetchall()
        dims = [len(blob) // 4 for _, blob in rows]
        self.dims = previous.dims if previous is not None and previous.dims else \
            max(set(dims), key=dims.count) if dims else 0
        rows = [row for row, d in zip(rows, dims, strict=True) if d == self.dims]
        matrix = np.frombuffer(b"".join(r[1] for r in rows), dtype="<f4").reshape(len(rows), self.dims)
        norms = np.linalg.norm(matrix, axis=1, keepdims=True)
        self.rowids = np.array([r[0] for r in rows], dtype=np.int64)
        self.matrix = matrix / np.where(norms == 0, 1, norms)
        if previous is not None:  # a rewritten document gets a new rowid (AUTOINCREMENT): never stale
            self.rowids = np.concatenate([previous.rowids[kept], self.rowids])
            self.matrix = np.concatenate([previous.matrix[kept], self.matrix])
            order = np.argsort(self.rowids, kind="stable")
            self.rowids, self.matrix = self.rowids[order], self.matrix[order]

    def nearest(self, vector: Sequence[float], rowids: np.ndarray | None, k: int,
                min_similarity: float) -> list[tuple[int, float]]:
        """(rowid, cosine) of the `k` rows nearest to `vector` among `rowids` (None = all)."""
        query = np.asarray(vector, dtype=np.float32)
        if len(query) != self.dims or not len(self.rowids) or not np.any(query):
            return []
        scores = self.matrix @ (query / np.linalg.norm(query))
        if rowids is not None:  # keep the allowed rows: mask the others rather than copy the matrix
            allowed = np.zeros(len(self.rowids), dtype=bool)
            positions = np.searchsorted(self.rowids, rowids)
            inside = positions < len(self.rowids)
            positions, wanted = positions[inside], rowids[inside]
            allowed[positions[self.rowids[positions] == wanted]] = True
            scores = np.where(allowed, scores, -np.inf)
        keep = np.flatnonzero(scores >= min_similarity)
        if len(keep) > k:
            keep = keep[np.argpartition(-scores[keep], k - 1)[:k]]
        return [(int(self.rowids[i]), float(scores[i])) for i in keep]


class ColumnCache:
    """Per index file: the latest generation's columns, loaded on first use."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._entries: OrderedDict[tuple[str, type], tuple[int, object]] = OrderedDict()

    def get(self, path: str, generation: int, kind: Callable, db: sqlite3.Connection):
        """The `kind` columns of `path` at `generation`, loading them from `db` if needed."""
        key = (path, kind)
        with self._lock:
            entry = self._entries.get(key)
            if entry is not None and entry[0] == generation:
                self._entries.move_to_end(key)
                return entry[1]
        columns = kind(db, entry[1] if entry is not None else None)
        with self._lock:
            self._entries[key] = (generation, columns)
            self._entries.move_to_end(key)
            while len(self._entries) > CACHED_FILES * 2:
                self._entries.popitem(last=False)
        return columns


CACHE = ColumnCache()
