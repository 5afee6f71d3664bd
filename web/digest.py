"""The weekly digest: what is new, which topics rise or fall, what closes soon."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta

from search.backend import SearchBackend
from search.document import Document
from search.errors import InvalidQuery
from search.query import SearchQuery

BASELINE_WEEKS = 4  # a topic's usual weekly volume is its mean over the weeks before
CLOSING_SOON_DAYS = 14
OPPORTUNITY_KINDS = ("funding_call", "tender")


@dataclass(frozen=True)
class TopicTrend:
    slug: str
    count: int  # documents this week
    baseline: float  # mean per week over the BASELINE_WEEKS before

    @property
    def change(self) -> float:
        return self.count - self.baseline


@dataclass
class Digest:
    week: str  # ISO week, "2026-W47"
    start: date  # its Monday
    topics: tuple[str, ...] = ()  # a working group's digest covers only these
    new_by_kind: dict[str, int] = field(default_factory=dict)
    opportunities: list[Document] = field(default_factory=list)
    closing_soon: list[Document] = field(default_factory=list)
    news: list[Document] = field(default_factory=list)
    rising: list[TopicTrend] = field(default_factory=list)
    falling: list[TopicTrend] = field(default_factory=list)

    @property
    def end(self) -> date:
        return self.start + timedelta(days=6)

    @property
    def empty(self) -> bool:
        return not (self.new_by_kind or self.closing_soon)


def parse_week(text: str | None, today: date | None = None) -> tuple[str, date]:
    """"2026-W47" → ("2026-W47", its Monday); None → the last complete week."""
    if text is None:
        monday = (today or datetime.now(UTC).date()) - timedelta(days=7)
        monday -= timedelta(days=monday.weekday())
    else:
        match = re.fullmatch(r"(\d{4})-W(\d{2})", text.strip())
        try:
            monday = date.fromisocalendar(int(match[1]), int(match[2]), 1) if match else None
        except ValueError:
            monday = None
        if monday is None:
            raise InvalidQuery("week", f"{text!r} is not an ISO week such as 2026-W47")
    year, week, _ = monday.isocalendar()
    return f"{year}-W{week:02d}", monday


def build_digest(backend: SearchBackend, week: str | None = None,
                 topics: tuple[str, ...] = ()) -> Digest:
    name, monday = parse_week(week)
    digest = Digest(week=name, start=monday, topics=topics)
    in_week = {"published_from": monday, "published_to": digest.end, "topic": topics}
    counts = backend.search(SearchQuery(size=1, **in_week)).facets["kind"]
    digest.new_by_kind = dict(sorted(counts.items()))
    digest.opportunities = _documents(backend, SearchQuery(
        kind=OPPORTUNITY_KINDS, sort="deadline", size=20, deadline_from=digest.end, **in_week))
    digest.news = _documents(backend, SearchQuery(kind=("news",), sort="published", size=10, **in_week))
    digest.closing_soon = _documents(backend, SearchQuery(
        kind=OPPORTUNITY_KINDS, topic=topics, sort="deadline", size=20,
        deadline_from=digest.end + timedelta(days=1),
        deadline_to=digest.end + timedelta(days=CLOSING_SOON_DAYS)))
    digest.rising, digest.falling = topic_trends(backend, monday, topics)
    return digest


def topic_trends(backend: SearchBackend, monday: date,
                 topics: tuple[str, ...] = ()) -> tuple[list[TopicTrend], list[TopicTrend]]:
    """Topics whose volume this week is well above (rising) or below (falling) their usual."""
    first = monday - timedelta(weeks=BASELINE_WEEKS)
    weeks = backend.histogram(SearchQuery(published_from=first, published_to=monday + timedelta(days=6),
                                          topic=topics), by="topic")
    this_week = weeks.get(monday, {})
    before = [weeks.get(first + timedelta(weeks=i), {}) for i in range(BASELINE_WEEKS)]
    slugs = set(this_week).union(*before)
    if topics:
        slugs &= set(topics)
    trends = [TopicTrend(s, this_week.get(s, 0), sum(w.get(s, 0) for w in before) / BASELINE_WEEKS)
              for s in slugs]
    rising = [t for t in trends if t.count >= 2 and t.count >= 1.5 * t.baseline]
    falling = [t for t in trends if t.baseline >= 2 and t.count <= 0.5 * t.baseline]
    return (sorted(rising, key=lambda t: (-t.change, t.slug)),
            sorted(falling, key=lambda t: (t.change, t.slug)))


def _documents(backend: SearchBackend, query: SearchQuery) -> list[Document]:
    return [hit.document for hit in backend.search(query).hits]
