"""Keyword, semantic and hybrid search, composed the same way for every backend.

A backend supplies four primitives (see SearchBackend); this module decides what to ask for and
fuses keyword and nearest-neighbour rankings with reciprocal rank fusion, so both backends rank
alike. The result set of a search is the documents that pass the filters and
- keyword: match the words;
- semantic: are among the SEMANTIC_K nearest neighbours of the query vector (cosine at least
  MIN_SIMILARITY);
- hybrid: either.
Total and facets count that set; with sort=relevance a hybrid page is ordered by the fused rank.

Copies of a document (duplicate_of set) are collapsed unless asked for: each hit lists its own
copies ("también publicado por …"), and the result counts every copy the search matched and
left out, so that nothing is hidden without a trace.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from typing import TYPE_CHECKING

from .query import SearchQuery, SearchResult

if TYPE_CHECKING:
    from .backend import SearchBackend

RRF_RANK_CONSTANT = 60  # the usual k of RRF: damps the advantage of the very first ranks
RRF_WINDOW = 100  # keyword hits fused with the neighbours (more when a page goes deeper)
SEMANTIC_K = 100  # nearest neighbours a semantic or hybrid search considers
# Below this cosine a neighbour is not a result, or every search would list the whole index.
# Measured with the bundled all-MiniLM-L6-v2 on the Spanish test corpus: related texts score
# 0.4-0.55, unrelated ones -0.1-0.34.
MIN_SIMILARITY = 0.35


def reciprocal_rank_fusion(rankings: Sequence[Sequence[str]],
                           rank_constant: int = RRF_RANK_CONSTANT) -> list[tuple[str, float]]:
    """Fuse rankings of ids: each id scores the sum of 1 / (rank_constant + rank); best first,
    ties broken by id so that every backend returns the same order."""
    scores: dict[str, float] = {}
    for ranking in rankings:
        for rank, doc_id in enumerate(ranking, start=1):
            scores[doc_id] = scores.get(doc_id, 0.0) + 1.0 / (rank_constant + rank)
    return sorted(scores.items(), key=lambda item: (-item[1], item[0]))


MAX_COPIES = 500  # copies listed under one page of hits (a page holds at most 100 originals)


def run_search(backend: SearchBackend, query: SearchQuery) -> SearchResult:
    """Answer `query` in its effective mode with the backend's primitives, copies collapsed."""
    result, counted = _search(backend, query)
    if query.hides_copies:
        everything = backend._select(query.but(duplicates=True), **counted, limit=0)
        result.hidden_copies = everything.total - result.total
        _collapse_copies(backend, result)
    return result


def _collapse_copies(backend: SearchBackend, result: SearchResult) -> None:
    """Attach to each hit the stored copies of its document, oldest first."""
    if not result.hits:
        return
    ids = tuple(hit.document.id for hit in result.hits)
    copies = backend._select(SearchQuery(duplicate_of=ids, sort="published"), limit=MAX_COPIES).hits
    for hit in result.hits:
        hit.copies = [c.document for c in reversed(copies) if c.document.duplicate_of == hit.document.id]


def _search(backend: SearchBackend, query: SearchQuery) -> tuple[SearchResult, dict]:
    """The result, and the `text` and `ids` arguments of _select that count its whole set."""
    mode = query.effective_mode
    if mode == "keyword":
        return backend._select(query, offset=query.offset, limit=query.size), {}
    neighbours = backend._nearest(query, query.require_vector(), SEMANTIC_K)
    neighbour_ids = [doc_id for doc_id, _ in neighbours]
    with_text = mode == "hybrid"
    counted = {"text": with_text, "ids": neighbour_ids}
    if query.effective_sort != "relevance":
        return backend._select(query, **counted, offset=query.offset, limit=query.size), counted
    summary = backend._select(query, **counted, offset=0, limit=0)
    if with_text:
        window = max(RRF_WINDOW, query.offset + query.size)
        ranked = reciprocal_rank_fusion([backend._ranking(query, window), neighbour_ids])
    else:
        ranked = neighbours
    page = ranked[query.offset:query.offset + query.size]
    hits = backend._hits(query, [doc_id for doc_id, _ in page])
    summary.hits = [replace(hits[doc_id], score=score) for doc_id, score in page if doc_id in hits]
    return summary, counted
