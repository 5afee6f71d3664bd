"""The trends page: weekly volume per topic as SVG drawn on the server, rising and falling topics
with their statistics (core.trendstats), and the emerging keyphrases with the documents behind them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from flask import Blueprint, render_template

from core import clock
from core.trendstats import EmergingTerm, TopicTrend, emerging_terms, topic_trends
from search.backend import SearchBackend
from search.document import Document
from search.errors import NotSupported
from search.query import SearchQuery

from .backend import get_backend
from .charts import RECENT_WEEKS, Change, changes, series, week_starts
from .labels import taxonomy_topics
from .requests import TrendsPage, from_request

bp = Blueprint("trends", __name__)

WEEK_CHOICES = (12, 26, 52)
TERMS_PER_WEEK = 200  # keyphrases counted per week, the most frequent; rarer ones cannot emerge
DOCUMENTS_PER_TERM = 5


@dataclass
class Emerging:
    """An emerging keyphrase and the recent documents that mention it."""

    term: EmergingTerm
    documents: list[Document]


@dataclass
class Trends:
    """Weekly counts per topic over a window of weeks, and what moved."""

    weeks: list[date]
    topics: dict[str, list[int]]
    totals: list[int]
    rising: list[Change]
    falling: list[Change]
    stats: list[TopicTrend]
    emerging: list[Emerging]

    def trend_of(self, slug: str) -> TopicTrend | None:
        return next((t for t in self.stats if t.slug == slug), None)

    def by_volume(self) -> list[tuple[str, list[int]]]:
        """Topics with their weekly counts, the busiest first."""
        return sorted(self.topics.items(), key=lambda item: (-sum(item[1]), item[0]))


def weekly_trends(backend: SearchBackend, weeks: int, topics: tuple[str, ...] = (),
                  until: date | None = None) -> Trends:
    """Count documents per topic and ISO week over the `weeks` weeks ending with the week of
    `until` (default: today in Costa Rica), and test what moved."""
    starts = week_starts(weeks, until or clock.today())
    window = SearchQuery(published_from=starts[0], published_to=starts[-1] + timedelta(days=6))
    by_topic = backend.histogram(window, by="topic")
    by_kind = backend.histogram(window, by="kind")
    slugs = list(topics) or [t.slug for t in taxonomy_topics()] or sorted(
        {slug for counts in by_topic.values() for slug in counts})
    counts = {slug: series(by_topic, starts, slug) for slug in slugs}
    totals = [sum(by_kind.get(week, {}).values()) for week in starts]
    rising, falling = changes(counts)
    stats = topic_trends(counts, RECENT_WEEKS) if weeks > RECENT_WEEKS else []
    return Trends(starts, counts, totals, rising, falling, stats, emerging(backend, starts))


def emerging(backend: SearchBackend, starts: list[date]) -> list[Emerging]:
    """Keyphrases of the last RECENT_WEEKS weeks that are rarer before, with their documents."""
    recent_from = starts[-min(RECENT_WEEKS, len(starts))]
    window = SearchQuery(published_from=starts[0], published_to=starts[-1] + timedelta(days=6))
    weekly = backend.term_counts(window, size=TERMS_PER_WEEK)
    return [Emerging(term, [hit.document for hit in backend.search(SearchQuery(
                q=term.term, published_from=recent_from, published_to=window.published_to,
                sort="published", size=DOCUMENTS_PER_TERM)).hits])
            for term in emerging_terms(weekly, recent_from)]


@bp.get("/trends")
def page():
    weeks = from_request(TrendsPage).weeks
    try:
        trends = weekly_trends(get_backend(), weeks)
    except NotSupported:
        trends = None
    return render_template("trends.html", trends=trends, weeks=weeks, choices=WEEK_CHOICES)
