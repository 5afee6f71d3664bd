"""Topic pages: every taxonomy topic with its latest items, open opportunities and weekly volume."""

from __future__ import annotations

from flask import Blueprint, abort, render_template

from search.errors import NotSupported
from search.query import SearchQuery

from .backend import get_backend
from .labels import get_topic, taxonomy_status
from .requests import OPPORTUNITY_KINDS
from .trends import weekly_trends

bp = Blueprint("topics", __name__)

LATEST = 10
CHART_WEEKS = 12
OPEN_OPPORTUNITIES = SearchQuery(kind=OPPORTUNITY_KINDS, open=True, sort="deadline", size=1)


@bp.get("/topics")
def index():
    taxonomy, error = taxonomy_status()
    backend = get_backend()
    documents = backend.search(SearchQuery(size=1)).facets.get("topic", {})
    opportunities = backend.search(OPEN_OPPORTUNITIES).facets.get("topic", {})
    return render_template("topics.html", topics=taxonomy.topics if taxonomy else [], error=error,
                           documents=documents, opportunities=opportunities)


@bp.get("/topics/<slug>")
def topic(slug: str):
    found = get_topic(slug)
    if found is None:
        abort(404)
    backend = get_backend()
    latest = backend.search(SearchQuery(topic=(slug,), sort="published", size=LATEST))
    opportunities = backend.search(SearchQuery(topic=(slug,), kind=OPPORTUNITY_KINDS, open=True,
                                               sort="deadline", size=LATEST))
    try:
        trends = weekly_trends(backend, CHART_WEEKS, (slug,))
    except NotSupported:
        trends = None
    return render_template("topic.html", topic=found, latest=latest, opportunities=opportunities,
                           trends=trends)
