"""What a search asks for and what it gets back, shared by every backend and renderer."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from typing import Annotated, Any, Literal

from pydantic import BeforeValidator, Field, model_validator
from pydantic.json_schema import SkipJsonSchema

from .document import Document, Kind, Stage
from .errors import InvalidQuery
from .params import RequestModel, Slugs, Terms, split_terms

FACETS = ("topic", "kind", "source", "lang", "stage", "supplier")
FACET_SIZE = 100  # values counted per facet, most frequent first
MAX_SIZE = 100
CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
MAX_DEPTH = 10_000  # page * size beyond this is refused: deep paging belongs to export


def _printable(value: Any) -> Any:
    return CONTROL.sub(" ", value) if isinstance(value, str) else value


class SearchQuery(RequestModel):
    """A validated search: free text plus filters, sort and page (GET /api/search, the feeds,
    `observatorio search`)."""

    # Control characters mean nothing to a search and no XML (the feeds) can carry them: spaces.
    q: Annotated[str, BeforeValidator(_printable)] = Field(default="", max_length=500)
    topic: Slugs = Field(default=(), description="taxonomy slugs; all must apply")
    kind: Annotated[tuple[Kind, ...], BeforeValidator(split_terms)] = ()
    lang: Terms = ()
    source: Terms = ()
    country: Terms = ()
    stage: Annotated[tuple[Stage, ...], BeforeValidator(split_terms)] = Field(
        default=(), description="OCDS processes: planning, tender, award, contract, implementation")
    supplier: Terms = Field(default=(), description="awarded suppliers' names (OCDS awards)")
    open: bool = False
    published_from: date | None = None
    published_to: date | None = None
    deadline_from: date | None = None
    deadline_to: date | None = None
    # Copies of a document found elsewhere (duplicate_of set) are left out unless asked for,
    # so that a call published by two sources shows up once; duplicate_of lists one's copies.
    duplicates: bool = False
    duplicate_of: Terms = ()
    sort: Literal["relevance", "published", "deadline"] = "relevance"
    page: int = Field(default=1, ge=1)
    size: int = Field(default=20, ge=1, le=MAX_SIZE)
    # None = automatic: hybrid when the caller supplied a query vector, else keyword.
    mode: Literal["keyword", "semantic", "hybrid"] | None = Field(
        default=None, description="default: hybrid when embeddings are on, else keyword")
    # The embedding of `q`, computed by the caller (search never imports nlp); not a parameter.
    vector: SkipJsonSchema[tuple[float, ...] | None] = Field(default=None, exclude=True, repr=False)

    @model_validator(mode="after")
    def _not_too_deep(self) -> SearchQuery:
        if self.page * self.size > MAX_DEPTH:
            raise InvalidQuery("page", f"goes deeper than {MAX_DEPTH} results; narrow the search")
        return self

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

    def but(self, **changes: Any) -> SearchQuery:
        """The same search with some values changed (changes made by code, not validated again)."""
        return self.model_copy(update=changes)


# Every stored document, copies included: what exports and migrations read.
EVERYTHING = SearchQuery(duplicates=True, sort="published")


@dataclass
class Hit:
    document: Document
    score: float = 0.0
    # field -> snippet: HTML-escaped text whose only markup is <mark>…</mark>
    highlights: dict[str, str] = field(default_factory=dict)
    # When copies are hidden: the copies of this document other sources published, collapsed under it
    copies: list[Document] = field(default_factory=list)


@dataclass
class SearchResult:
    total: int
    hits: list[Hit]
    facets: dict[str, dict[str, int]]
    # Copies the search matched and left out (duplicates=false): the trace of what is collapsed
    hidden_copies: int = 0

    def to_dict(self) -> dict[str, Any]:
        """The JSON shape of GET /api/search (the embedding is not part of the API)."""
        return {
            "total": self.total,
            "items": [
                {**hit.document.to_dict(embedding=False), "score": round(hit.score, 6),
                 "highlights": hit.highlights, "copies": [_copy_link(copy) for copy in hit.copies]}
                for hit in self.hits
            ],
            "facets": self.facets,
            "hidden_copies": self.hidden_copies,
        }


def _copy_link(doc: Document) -> dict[str, Any]:
    """What a hit shows of each of its copies: who published it, where."""
    return {"id": doc.id, "source": doc.source, "url": str(doc.url), "title": doc.title}

