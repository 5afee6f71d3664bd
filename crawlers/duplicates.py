"""Link each new or changed document to an earlier copy of it: the same story from two feeds,
the same tender from OCDS and from an HTML notice.

The candidates are the stored documents of the same kind published near the batch (one query
per kind and batch); `nlp.dedup` decides, with embeddings where every document has one.
"""

from __future__ import annotations

from itertools import groupby, islice

from nlp.dedup import WINDOW, find_duplicates, original_order
from search.backend import SearchBackend
from search.document import Document
from search.query import SearchQuery

MAX_CANDIDATES = 500  # per kind and batch, newest first: a copy comes soon after its original


def mark_duplicates(documents: list[Document], backend: SearchBackend) -> list[Document]:
    """The documents to write: each with `duplicate_of` set to its original's id (or cleared),
    plus any stored original that turns out to be a later copy of a new document: the
    original is the one published first, whichever source was crawled first.
    """
    ids = {d.id for d in documents}
    candidates = {c.id: c for c in _nearby(documents, backend) if c.id not in ids}
    found = find_duplicates([_record(d) for d in documents], [_record(c) for c in candidates.values()])
    marked, repointed = [], []
    for doc in documents:
        original = found.get(doc.id)
        stored = candidates.get(original)
        if stored is not None and stored.duplicate_of is None and \
                original_order(_record(doc)) < original_order(_record(stored)):
            repointed.append(stored.model_copy(update={"duplicate_of": doc.id}))
            original = None
        elif stored is not None:
            original = stored.duplicate_of or stored.id  # a stored copy: point at its original
        marked.append(doc.model_copy(update={"duplicate_of": original}))
    return marked + repointed


def _nearby(documents: list[Document], backend: SearchBackend):
    """Stored documents of each kind in the batch, published within WINDOW of it."""
    for kind, group in groupby(sorted(documents, key=lambda d: d.kind), key=lambda d: d.kind):
        dates = [d.published.date() for d in group if d.published]
        if dates:
            query = SearchQuery(kind=(kind.value,), sort="published", duplicates=True,
                                published_from=min(dates) - WINDOW, published_to=max(dates) + WINDOW)
            yield from islice(backend.iter_documents(query), MAX_CANDIDATES)


def _record(doc: Document) -> dict:
    return {"id": doc.id, "source": doc.source, "title": doc.title, "text": doc.searchable_text(),
            "kind": doc.kind.value, "embedding": doc.embedding, "content_hash": doc.content_hash,
            "published": doc.published,
            "amount": doc.amount.model_dump() if doc.amount else None, "deadline": doc.deadline}
