"""Build Elasticsearch request bodies from a SearchQuery (pure functions, tested offline).

They mirror search.sqlite_query clause for clause, so both backends select, count and sort the
same documents. User words reach Elasticsearch only inside a `simple_query_string` rebuilt from
search.fts.parse_terms (word characters, quotes, `|`, `*` and `-`), which never raises a
parse error.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, date, datetime, time

from core import clock

from .fts import Term, parse_terms
from .query import FACET_SIZE, SearchQuery

FACET_FIELDS = {"topic": "topics", "kind": "kind", "source": "source", "lang": "lang",
                "stage": "stage", "supplier": "suppliers.name"}
# Title > summary > body, as the SQLite bm25 weights; each text field is indexed folded
# (lowercase, no diacritics) and stemmed for Spanish (.es) and English (.en).
TEXT_FIELDS = [f"{name}{sub}^{boost}" for name, boost in (("title", 10), ("summary", 4), ("body", 1),
                                                          ("attachments.text", 1))
               for sub in ("", ".es", ".en")] + ["suppliers.name.text"]
SQS_FLAGS = "OR|NOT|PHRASE|PREFIX|PRECEDENCE|WHITESPACE"  # no fuzzy, slop, near or escapes
# Private-use characters mark matches: never in crawled text, and not trimmed as the control
# characters FTS5 uses would be (Java's trim() drops a leading \x02).
MARKS = ("\ue000", "\ue001")
HIGHLIGHT = {
    "pre_tags": [MARKS[0]], "post_tags": [MARKS[1]],
    "fields": {
        "title": {"number_of_fragments": 0},
        "body": {"fragment_size": 160, "number_of_fragments": 1},
    },
}


def text_clauses(q: str) -> tuple[dict | None, dict | None]:
    """(what must match, what must not) for the user's words; either may be None."""
    terms = parse_terms(q)
    include = [_sqs(t) for t in terms if not t.negative]
    exclude = [_sqs(t) for t in terms if t.negative]
    return (_simple_query(" ".join(include)) if include else None,
            _simple_query(" | ".join(exclude)) if exclude else None)


def _sqs(term: Term) -> str:
    """A word scores as itself and also matches as a prefix; a phrase stays a phrase."""
    if term.prefix and not term.negative:
        return f"({term.words[0]} | {term.prefix}*)"
    return f"{term.prefix}*" if term.prefix else f'"{" ".join(term.words)}"'


def _simple_query(text: str) -> dict:
    return {"simple_query_string": {"query": text, "fields": TEXT_FIELDS, "default_operator": "and",
                                    "flags": SQS_FLAGS, "analyze_wildcard": True}}


def bool_query(query: SearchQuery, *, text: bool = True, ids: Sequence[str] = ()) -> tuple[dict, bool]:
    """(the query, whether it ranks by keyword score): filters AND (the words match (when
    `text`) OR the id is one of `ids`); -words exclude."""
    clauses: dict[str, list] = {"filter": filters(query)}
    include, exclude = text_clauses(query.q)
    ranked = bool(text and include and not ids)
    if ranked:
        clauses["must"] = [include]
    elif not text or include:
        either = ([include] if text else []) + ([{"ids": {"values": list(ids)}}] if ids else [])
        clauses["filter"].append({"bool": {"should": either, "minimum_should_match": 1}} if either
                                 else {"match_none": {}})
    if exclude:
        clauses["must_not"] = [exclude]
    return {"bool": clauses}, ranked


def filters(query: SearchQuery) -> list[dict]:
    """The query's filters alone."""
    found: list[dict] = []
    for field, values in (("kind", query.kind), ("lang", query.lang), ("source", query.source),
                          ("country", query.country), ("stage", query.stage),
                          ("suppliers.name", query.supplier)):
        if values:
            found.append({"terms": {field: list(values)}})
    if query.duplicate_of:
        found.append({"terms": {"duplicate_of": list(query.duplicate_of)}})
    elif query.hides_copies:
        found.append({"bool": {"must_not": {"exists": {"field": "duplicate_of"}}}})
    found.extend({"term": {"topics": topic}} for topic in query.topic)  # every topic must apply
    if query.open:
        found.append({"range": {"deadline_at": {"gte": _iso(clock.now())}}})
    for field, start, end in (("published", query.published_from, query.published_to),
                              ("deadline_at", query.deadline_from, query.deadline_to)):
        bounds = {}
        if start:
            bounds["gte"] = _day(start, time.min)
        if end:
            bounds["lte"] = _day(end, time.max)
        if bounds:
            found.append({"range": {field: bounds}})
    return found


def sort(query: SearchQuery, ranked: bool) -> list:
    """The sort of the query; ties newest first, then by id, as in every backend."""
    newest = [{"published": {"order": "desc", "missing": "_last"}}, {"id": "asc"}]
    mode = query.effective_sort
    if mode == "relevance" and ranked:
        return ["_score", *newest]
    if mode == "deadline":
        return [{"deadline_at": {"order": "asc", "missing": "_last"}}, *newest]
    return newest


def facet_aggregations() -> dict:
    return {facet: {"terms": {"field": field, "size": FACET_SIZE}} for facet, field in FACET_FIELDS.items()}


def weekly_aggregation(field: str, size: int) -> dict:
    """Documents per ISO week (buckets keyed by Monday) and, inside, per value of `field`."""
    return {"weeks": {"date_histogram": {"field": "published", "calendar_interval": "week",
                                         "min_doc_count": 1},
                      "aggs": {"values": {"terms": {"field": field, "size": size}}}}}


def knn(query: SearchQuery, vector: Sequence[float], k: int, min_similarity: float) -> dict:
    """Approximate kNN among documents that pass the filters and exclusions (cosine >= min_similarity)."""
    _, exclude = text_clauses(query.q)
    allowed = filters(query) + ([{"bool": {"must_not": [exclude]}}] if exclude else [])
    return {"field": "embedding", "query_vector": list(vector), "k": k,
            "num_candidates": max(5 * k, 500), "filter": allowed, "similarity": min_similarity}


def _day(day: date, at: time) -> str:
    return _iso(datetime.combine(day, at, UTC))


def _iso(value: datetime) -> str:
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"
