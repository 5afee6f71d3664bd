"""The contract every search backend keeps, and how the configured one is chosen."""

from __future__ import annotations

import importlib
import os
from abc import ABC, abstractmethod
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from datetime import date

from core.errors import DataDirError

from .document import Document
from .errors import BackendUnavailable, NotSupported
from .query import Hit, SearchQuery, SearchResult

BACKENDS = {
    "sqlite": "search.sqlite:SQLiteBackend",
    "elasticsearch": "search.elasticsearch:ElasticsearchBackend",
}


class SearchBackend(ABC):
    """Store documents and answer searches; optional capabilities raise NotSupported.

    `search` and `similar` are written once, in search.hybrid, on top of four primitives each
    backend implements: `_select`, `_ranking`, `_nearest` and `_hits`.
    """

    name = "base"

    @abstractmethod
    def upsert(self, documents: Iterable[Document]) -> int:
        """Insert or replace documents by id (idempotent); return how many were written."""

    @abstractmethod
    def get(self, doc_id: str) -> Document | None: ...

    @abstractmethod
    def delete(self, doc_id: str) -> bool: ...

    @abstractmethod
    def count(self) -> int: ...

    def search(self, query: SearchQuery) -> SearchResult:
        """Total, facets and one page of hits, in the query's mode (keyword, semantic, hybrid)."""
        from .hybrid import run_search

        return run_search(self, query)

    @abstractmethod
    def fingerprints(self, doc_ids: Iterable[str]) -> dict[str, str]:
        """Map each stored id among `doc_ids` to its content_hash (for incremental crawls)."""

    @abstractmethod
    def iter_documents(self, query: SearchQuery | None = None) -> Iterator[Document]:
        """Every document matching the query's filters, in its sort order, without page limits."""

    def similar(self, doc_id: str, k: int = 5) -> list[Hit]:
        """The `k` documents nearest to `doc_id` by embedding, best first; score = cosine.

        Empty when the document is unknown or has no embedding (keyword-only mode).
        """
        doc = self.get(doc_id)
        if doc is None or not doc.embedding:
            return []
        nearest = [(i, s) for i, s in self._nearest(SearchQuery(), doc.embedding, k + 1) if i != doc_id][:k]
        hits = self._hits(SearchQuery(), [i for i, _ in nearest])
        return [Hit(document=hits[i].document, score=s) for i, s in nearest if i in hits]

    def histogram(self, query: SearchQuery | None = None, by: str = "topic") -> dict[date, dict[str, int]]:
        """Weekly counts of matching documents per `by` value (topic or kind), keyed by the
        Monday that starts each ISO week, oldest first; weeks without documents are absent."""
        raise NotSupported(f"the {self.name} backend does not support histograms")

    def term_counts(self, query: SearchQuery | None = None, size: int = 50) -> dict[date, dict[str, int]]:
        """Weekly counts of the keyphrases of matching documents (the `size` most frequent of
        each week, ties by phrase), keyed like `histogram`: the raw data of emerging terms."""
        raise NotSupported(f"the {self.name} backend does not support term counts")

    def generation(self) -> str | None:
        """A token that changes whenever what searches see changes (a write became visible), so
        that answers can be cached and validated by it; None when the backend cannot tell."""
        return None

    def reindex(self) -> int:
        """Rebuild the index from the stored documents while searches go on; return the count."""
        raise NotSupported(f"the {self.name} backend does not support reindexing")

    # -- primitives of search (see search.hybrid) -------------------------------------------

    @abstractmethod
    def _select(self, query: SearchQuery, *, text: bool = True, ids: Sequence[str] = (),
                offset: int = 0, limit: int = 0) -> SearchResult:
        """Total, facets and `limit` hits from `offset` of the documents that pass the filters
        and either match the words (when `text`; an empty query matches everything) or have one
        of `ids`, in the query's sort order (relevance = keyword score)."""

    @abstractmethod
    def _ranking(self, query: SearchQuery, limit: int) -> list[str]:
        """The ids of the first `limit` keyword matches that pass the filters, best first."""

    @abstractmethod
    def _nearest(self, query: SearchQuery, vector: Sequence[float], k: int) -> list[tuple[str, float]]:
        """The `k` documents passing the filters nearest to `vector` with cosine of at least
        hybrid.MIN_SIMILARITY, as (id, cosine), best first (ties by id)."""

    @abstractmethod
    def _hits(self, query: SearchQuery, ids: Sequence[str]) -> dict[str, Hit]:
        """The stored documents among `ids`, highlighted for the query's words where they match."""

    @contextmanager
    def bulk_load(self) -> Iterator[None]:
        """Index many batches faster: writes inside may become searchable only at the end."""
        yield

    def close(self) -> None:  # noqa: B027 - optional: most backends have nothing to release
        """Release connections; the backend is unusable afterwards."""


def get_backend(name: str | None = None, **options) -> SearchBackend:
    """Load the backend named here or by OBSERVATORIO_SEARCH_BACKEND (default sqlite)."""
    name = name or os.environ.get("OBSERVATORIO_SEARCH_BACKEND") or "sqlite"
    target = BACKENDS.get(name)
    if target is None:
        raise BackendUnavailable(
            f"could not load backend {name!r}: unknown, choose one of {', '.join(BACKENDS)}"
        )
    module_name, class_name = target.split(":")
    try:
        backend_class = getattr(importlib.import_module(module_name), class_name)
        return backend_class(**options)
    except (BackendUnavailable, DataDirError):  # already clear: unreachable, a full data directory, ...
        raise
    except Exception as exc:  # a missing module, a bad URL, an unreachable server
        raise BackendUnavailable(f"could not load backend {name!r}: {exc}") from exc
