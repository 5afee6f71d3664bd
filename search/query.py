"""What a search asks for and what it gets back, shared by every backend and renderer."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from .document import Document, Kind
from .errors import InvalidQuery

SORTS = ("relevance", "published", "deadline")
MODES = ("keyword", "semantic", "hybrid")
FACETS = ("topic", "kind", "source", "lang")
FACET_SIZE = 100  # values counted per facet, most frequent first
MAX_SIZE = 100
MAX_DEPTH = 10_000  # page * size beyond this is refused: deep paging belongs to export


@dataclass(frozen=True)
class SearchQuery:
    """A validated search: free text plus filters, sort and page."""

    q: str = ""
    topic: tuple[str, ...] = ()
    kind: tuple[str, ...] = ()
    lang: tuple[str, ...] = ()
    source: tuple[str, ...] = ()
    country: tuple[str, ...] = ()
    open: bool = False
    published_from: date | None = None
    published_to: date | None = None
    deadline_from: date | None = None
    deadline_to: date | None = None
    # Copies of a document found elsewhere (duplicate_of set) are left out unless asked for,
    # so that a call published by two sources shows up once; duplicate_of lists one's copies.
    duplicates: bool = False
    duplicate_of: tuple[str, ...] = ()
    sort: str = "relevance"
    page: int = 1
    size: int = 20
    # None = automatic: hybrid when the caller supplied a query vector, else keyword.
    mode: str | None = None
    # The embedding of `q`, computed by the caller (search never imports nlp); not a URL parameter.
    vector: tuple[float, ...] | None = field(default=None, repr=False)

    def __post_init__(self) -> None:
        if len(self.q) > 500:
            raise InvalidQuery("q", "is longer than 500 characters")
        if self.sort not in SORTS:
            raise InvalidQuery("sort", f"must be one of {', '.join(SORTS)}")
        if self.mode is not None and self.mode not in MODES:
            raise InvalidQuery("mode", f"must be one of {', '.join(MODES)}")
        if not 1 <= self.size <= MAX_SIZE:
            raise InvalidQuery("size", f"must be between 1 and {MAX_SIZE}")
        if self.page < 1:
            raise InvalidQuery("page", "must be 1 or more")
        if self.page * self.size > MAX_DEPTH:
            raise InvalidQuery("page", f"goes deeper than {MAX_DEPTH} results; narrow the search")
        bad_kinds = set(self.kind) - set(Kind)
        if bad_kinds:
            raise InvalidQuery("kind", f"unknown kind {sorted(bad_kinds)[0]!r}")

    @property
    def hides_copies(self) -> bool:
        return not (self.duplicates or self.duplicate_of)

    @property
    def offset(self) -> int:
        return (self.page - 1) * self.size

    @property
    def effective_sort(self) -> str:
        """Relevance means nothing without words: an empty query lists newest first."""
        return "published" if self.sort == "relevance" and not self.q.strip() else self.sort

    @property
    def effective_mode(self) -> str:
        """Keyword without words to embed; else the asked mode, hybrid when a vector came along."""
        if not self.q.strip():
            return "keyword"
        return self.mode or ("hybrid" if self.vector else "keyword")

    def require_vector(self) -> tuple[float, ...]:
        """The query vector that semantic and hybrid search need, or a clear InvalidQuery."""
        if not self.vector:
            raise InvalidQuery("mode", f"{self.effective_mode} search needs a query embedding, and none "
                               "was given (is OBSERVATORIO_EMBEDDING_MODEL none?)")
        return self.vector

    @classmethod
    def from_params(cls, params: Mapping[str, Any]) -> SearchQuery:
        """Build from request-like parameters (a string or a list of strings each); raise InvalidQuery."""
        values: dict[str, Any] = {}
        for name, raw in params.items():
            parse = PARAMETERS.get(name)
            if parse is None:
                raise InvalidQuery(name, "is not a known parameter")
            items = [str(v).strip() for v in (raw if isinstance(raw, list | tuple) else [raw])]
            items = [v for v in items if v]
            if items:
                values[name] = parse(name, items)
        return cls(**values)


def _list(name: str, items: list[str]) -> tuple[str, ...]:
    """Repeated parameters and comma-separated values both work: ?topic=ai&topic=iot or ?topic=ai,iot."""
    return tuple(dict.fromkeys(s.strip() for v in items for s in v.split(",") if s.strip()))


def _text(name: str, items: list[str]) -> str:
    return items[-1]


def _bool(name: str, items: list[str]) -> bool:
    text = items[-1].lower()
    if text in ("1", "true", "yes", "on"):
        return True
    if text in ("0", "false", "no", "off"):
        return False
    raise InvalidQuery(name, "must be true or false")


def _int(name: str, items: list[str]) -> int:
    try:
        return int(items[-1])
    except ValueError:
        raise InvalidQuery(name, "must be an integer") from None


def _date(name: str, items: list[str]) -> date:
    try:
        return date.fromisoformat(items[-1])
    except ValueError:
        raise InvalidQuery(name, "must be a date as YYYY-MM-DD") from None


# The parameters a request may carry, and how each is read (`vector` is never one of them).
PARAMETERS = {
    "q": _text, "sort": _text, "mode": _text,
    "topic": _list, "kind": _list, "lang": _list, "source": _list, "country": _list,
    "open": _bool, "duplicates": _bool, "duplicate_of": _list, "page": _int, "size": _int,
    "published_from": _date, "published_to": _date, "deadline_from": _date, "deadline_to": _date,
}


# Every stored document, copies included: what exports and migrations read.
EVERYTHING = SearchQuery(duplicates=True, sort="published")


@dataclass
class Hit:
    document: Document
    score: float = 0.0
    # field -> snippet: HTML-escaped text whose only markup is <mark>…</mark>
    highlights: dict[str, str] = field(default_factory=dict)


@dataclass
class SearchResult:
    total: int
    hits: list[Hit]
    facets: dict[str, dict[str, int]]

    def to_dict(self) -> dict[str, Any]:
        """The JSON shape of GET /api/search (the embedding is not part of the API)."""
        return {
            "total": self.total,
            "items": [
                {**hit.document.to_dict(embedding=False), "score": round(hit.score, 6),
                 "highlights": hit.highlights}
                for hit in self.hits
            ],
            "facets": self.facets,
        }

