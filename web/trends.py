"""The trends page: weekly volume per topic as SVG drawn on the server, rising and falling topics."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from flask import Blueprint, render_template

from core import clock
from search.backend import SearchBackend
from search.errors import NotSupported
from search.query import SearchQuery

from .backend import get_backend
from .charts import Change, changes, series, week_starts
from .labels import taxonomy_topics
from .requests import TrendsPage, from_request

bp = Blueprint("trends", __name__)

WEEK_CHOICES = (12, 26, 52)


@dataclass
class Trends:
    """Weekly counts per topic over a window of weeks, and what moved."""

    weeks: list[date]
    topics: dict[str, list[int]]
    totals: list[int]
    rising: list[Change]
    falling: list[Change]

    def by_volume(self) -> list[tuple[str, list[int]]]:
        """Topics with their weekly counts, the busiest first."""
        return sorted(self.topics.items(), key=lambda item: (-sum(item[1]), item[0]))


def weekly_trends(backend: SearchBackend, weeks: int, topics: tuple[str, ...] = ()) -> Trends:
    """Count documents per topic and ISO week over the last `weeks` weeks (Costa Rica time)."""
    starts = week_starts(weeks, clock.today())
    window = SearchQuery(published_from=starts[0])
    by_topic = backend.histogram(window, by="topic")
    by_kind = backend.histogram(window, by="kind")
    slugs = list(topics) or [t.slug for t in taxonomy_topics()] or sorted(
        {slug for counts in by_topic.values() for slug in counts})
    counts = {slug: series(by_topic, starts, slug) for slug in slugs}
    totals = [sum(by_kind.get(week, {}).values()) for week in starts]
    rising, falling = changes(counts)
    return Trends(starts, counts, totals, rising, falling)


@bp.get("/trends")
def page():
    weeks = from_request(TrendsPage).weeks
    try:
        trends = weekly_trends(get_backend(), weeks)
    except NotSupported:
        trends = None
    return render_template("trends.html", trends=trends, weeks=weeks, choices=WEEK_CHOICES)
