"""The search page and the item page."""

from __future__ import annotations

import math

from flask import Blueprint, abort, render_template

from search.backend import SearchBackend
from search.document import Document
from search.errors import NotSupported
from search.query import MAX_DEPTH, SearchQuery

from .backend import get_backend, with_query_vector
from .firm_pages import firms_for_item
from .params import search_query
from .subscriptions import canonical_query

bp = Blueprint("search", __name__)

FACET_TOP = 8  # values shown before "more"
PAGE_WINDOW = 2  # page links each side of the current one


@bp.get("/")
def search():
    query = with_query_vector(search_query())
    result = get_backend().search(query)
    return render_template("search.html", query=query, result=result, pages=pagination(query, result.total),
                           facet_top=FACET_TOP, saved=canonical_query(query))


def pagination(query: SearchQuery, total: int) -> dict:
    """Page numbers to link: first, last and a window around the current one (0 = a gap)."""
    last = max(1, min(math.ceil(total / query.size), MAX_DEPTH // query.size))
    window = range(max(1, query.page - PAGE_WINDOW), min(last, query.page + PAGE_WINDOW) + 1)
    shown = sorted({1, last, *window})
    numbers: list[int] = []
    for number in shown:
        if numbers and number - numbers[-1] > 1:
            numbers.append(0)
        numbers.append(number)
    return {"current": query.page, "last": last, "numbers": numbers if last > 1 else []}


@bp.get("/items/<doc_id>")
def item(doc_id: str):
    backend = get_backend()
    doc = backend.get(doc_id)
    if doc is None:
        abort(404)
    similar, similar_by_topic = related(backend, doc)
    return render_template("item.html", doc=doc, similar=similar, similar_by_topic=similar_by_topic,
                           original=backend.get(doc.duplicate_of) if doc.duplicate_of else None,
                           copies=copies(backend, doc), firms=firms_for_item(doc))


def related(backend: SearchBackend, doc: Document, k: int = 5) -> tuple[list[Document], bool]:
    """Similar documents by meaning; without embeddings, the latest on its first topic."""
    try:
        similar = [h.document for h in backend.similar(doc.id, k) if h.document.id != doc.id]
    except NotSupported:
        similar = []
    if similar:
        return similar, False
    if not doc.topics:
        return [], True
    hits = backend.search(SearchQuery(topic=doc.topics[:1], sort="published", size=k + 1)).hits
    return [h.document for h in hits if h.document.id != doc.id][:k], True


def copies(backend: SearchBackend, doc: Document) -> list[Document]:
    """Known copies of this document published by other sources."""
    return [h.document for h in backend.search(SearchQuery(duplicate_of=(doc.id,), size=50)).hits]
