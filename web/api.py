"""The JSON API: search, items with similar ones, weekly trends, health, and its OpenAPI document."""

from __future__ import annotations

from flask import Blueprint, abort, jsonify

from search.errors import InvalidQuery, NotSupported

from .backend import get_backend, with_query_vector
from .labels import get_topic, taxonomy_topics
from .openapi import openapi_document
from .params import search_query
from .requests import TrendsQuery, from_request
from .trends import weekly_trends

bp = Blueprint("api", __name__)

SIMILAR = 5


@bp.get("/api/search")
def search():
    return jsonify(get_backend().search(with_query_vector(search_query())).to_dict())


@bp.get("/api/items/<doc_id>")
def item(doc_id: str):
    backend = get_backend()
    doc = backend.get(doc_id)
    if doc is None:
        abort(404, description=f"no item with id {doc_id[:256]!r}")
    try:
        similar = [h.document.to_dict(embedding=False) for h in backend.similar(doc_id, SIMILAR)
                   if h.document.id != doc_id]
    except NotSupported:
        similar = []
    return jsonify({**doc.to_dict(embedding=False), "similar": similar})


@bp.get("/api/trends")
def trends():
    query = from_request(TrendsQuery)
    for slug in query.topic:
        if get_topic(slug) is None:
            raise InvalidQuery("topic", f"unknown topic {slug[:64]!r}")
    try:
        result = weekly_trends(get_backend(), query.weeks, query.topic)
    except NotSupported as exc:
        abort(501, description=str(exc))
    return jsonify({
        "weeks": [week.isoformat() for week in result.weeks],
        "total": result.totals,
        "topics": [{"slug": slug, "weekly": weekly, **_trend(result.trend_of(slug))}
                   for slug, weekly in result.topics.items()],
        "emerging_terms": [{"term": e.term.term, "count": e.term.count, "baseline": e.term.baseline,
                            "score": e.term.score,
                            "items": [{"id": d.id, "title": d.title, "url": d.url} for d in e.documents]}
                           for e in result.emerging],
        "rising": [_change(c) for c in result.rising],
        "falling": [_change(c) for c in result.falling],
    })


def _trend(trend) -> dict:
    """The test of the last weeks against the baseline; none when the window is too short."""
    if trend is None:
        return {"count": None, "baseline_mean": None, "trend": None, "p_value": None}
    return {"count": trend.count, "baseline_mean": trend.baseline_mean, "trend": trend.trend,
            "p_value": trend.p_value}


def _change(change) -> dict:
    return {"topic": change.key, "recent": change.recent, "previous": change.previous,
            "change": change.delta, "percent": change.percent}


@bp.get("/api/topics")
def topics():
    return jsonify([{"slug": t.slug, "label": t.label.model_dump(), "description": t.description.model_dump()}
                    for t in taxonomy_topics()])


@bp.get("/api/openapi.json")
def openapi():
    return jsonify(openapi_document())


@bp.get("/healthz")
def healthz():
    backend = get_backend()
    return jsonify({"status": "ok", "backend": backend.name, "documents": backend.count()})
