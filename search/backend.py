"""The contract every search backend keeps, and how the configured one is chosen."""

from __future__ import annotations

import importlib
import os
from abc import ABC, abstractmethod
from collections.abc import Iterable, Iterator
from datetime import date
from pathlib import Path

from .document import Document
from .errors import BackendUnavailable, NotSupported
from .query import Hit, SearchQuery, SearchResult

BACKENDS = {
    "sqlite": "search.sqlite:SQLiteBackend",
    "elasticsearch": "search.elasticsearch:ElasticsearchBackend",
}


class SearchBackend(ABC):
    """Store documents and answer searches; optional capabilities raise NotSupported."""

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

    @abstractmethod
    def search(self, query: SearchQuery) -> SearchResult: ...

    @abstractmethod
    def fingerprints(self, doc_ids: Iterable[str]) -> dict[str, str]:
        """Map each stored id among `doc_ids` to its content_hash (for incremental crawls)."""

    @abstractmethod
    def iter_documents(self, query: SearchQuery | None = None) -> Iterator[Document]:
        """Every document matching the query's filters, in its sort order, without page limits."""

    def similar(self, doc_id: str, k: int = 5) -> list[Hit]:
        """The `k` documents nearest to `doc_id` by embedding, best first."""
        raise NotSupported(f"the {self.name} backend does not support similar documents")

    def histogram(self, query: SearchQuery | None = None, by: str = "topic") -> dict[date, dict[str, int]]:
        """Weekly counts of matching documents per `by` value (topic or kind), keyed by the
        Monday that starts each ISO week, oldest first; weeks without documents are absent."""
        raise NotSupported(f"the {self.name} backend does not support histograms")

    def close(self) -> None:  # noqa: B027 - optional: most backends have nothing to release
        """Release connections; the backend is unusable afterwards."""


def data_dir() -> Path:
    """Where the embedded index, crawl state and source health live."""
    return Path(os.environ.get("OBSERVATORIO_DATA_DIR") or "data")


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
    except BackendUnavailable:
        raise
    except Exception as exc:  # a missing module, a bad URL, an unreachable server
        raise BackendUnavailable(f"could not load backend {name!r}: {exc}") from exc
