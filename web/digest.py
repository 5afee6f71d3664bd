"""The weekly digest: what is new, which topics rise or fall, what closes soon.

One `Digest` per week (and per working group's topics), rendered as a page, Markdown, JSON
and an e-mail.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from flask import Blueprint, Response, redirect, render_template, request, url_for
from flask_babel import force_locale, get_locale

from core import clock
from core.trendstats import TopicTrend
from search.backend import SearchBackend
from search.document import Document
from search.errors import InvalidQuery
from search.query import SearchQuery

from .backend import get_backend
from .requests import OPPORTUNITY_KINDS, TopicFilter, from_request
from .security import external_url
from .trends import Emerging, weekly_trends

bp = Blueprint("digest", __name__)
FORMATS = {"md": "text/markdown; charset=utf-8", "json": "application/json"}

CLOSING_SOON_DAYS = 14
TREND_WEEKS = 12  # as the trends page by default: the last 4 weeks tested against the 8 before


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
    emerging: list[Emerging] = field(default_factory=list)

    @property
    def end(self) -> date:
        return self.start + timedelta(days=6)

    @property
    def previous(self) -> str:
        return iso_week(self.start - timedelta(weeks=1))

    @property
    def next(self) -> str:
        return iso_week(self.start + timedelta(weeks=1))

    def to_dict(self) -> dict[str, Any]:
        return {"week": self.week, "start": self.start.isoformat(), "end": self.end.isoformat(),
                "topics": list(self.topics), "new_by_kind": self.new_by_kind,
                **{name: [d.to_dict(embedding=False) for d in getattr(self, name)]
                   for name in ("opportunities", "closing_soon", "news")},
                **{name: [{"topic": t.slug, "count": t.count, "baseline_mean": t.baseline_mean,
                           "p_value": t.p_value} for t in getattr(self, name)]
                   for name in ("rising", "falling")},
                "emerging_terms": [{"term": e.term.term, "count": e.term.count, "baseline": e.term.baseline,
                                    "score": e.term.score, "items": [d.id for d in e.documents]}
                                   for e in self.emerging]}


def iso_week(day: date) -> str:
    year, week, _ = day.isocalendar()
    return f"{year}-W{week:02d}"


def parse_week(text: str | None, today: date | None = None) -> tuple[str, date]:
    """"2026-W47" → ("2026-W47", its Monday); None → the last complete week in Costa Rica."""
    if text is None:
        monday = (today or clock.today()) - timedelta(days=7)
        monday -= timedelta(days=monday.weekday())
    else:
        match = re.fullmatch(r"(\d{4})-W(\d{2})", text.strip())
        try:
            monday = date.fromisocalendar(int(match[1]), int(match[2]), 1) if match else None
        except ValueError:
            monday = None
        if monday is None:
            raise InvalidQuery("week", f"{text!r} is not an ISO week such as 2026-W47")
    return iso_week(monday), monday


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
    trends = weekly_trends(backend, TREND_WEEKS, topics, until=monday)
    digest.rising = [t for t in trends.stats if t.trend == "rising"]
    digest.falling = [t for t in trends.stats if t.trend == "falling"]
    digest.emerging = trends.emerging
    return digest


def _documents(backend: SearchBackend, query: SearchQuery) -> list[Document]:
    return [hit.document for hit in backend.search(query).hits]


MARKDOWN_SPECIAL = re.compile(r"([\\`*_\[\]()#!|])")


def markdown_text(text: str) -> str:
    """Crawled text inside Markdown: no markup of its own, neither Markdown nor HTML."""
    text = str(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return MARKDOWN_SPECIAL.sub(r"\\\1", " ".join(text.split()))


def markdown_url(url: str) -> str:
    """Only http(s) links, with the characters that would end a Markdown link encoded."""
    return external_url(url).replace(" ", "%20").replace("(", "%28").replace(")", "%29").replace("<", "%3C")


def render(digest: Digest, fmt: str, lang: str = "es") -> str:
    """The digest as Markdown ("md"), a stand-alone e-mail page ("html") or JSON ("json")."""
    if fmt == "json":
        from flask import json

        return json.dumps(digest.to_dict(), indent=2)
    template = {"md": "digest/digest.md", "html": "digest/email.html"}[fmt]
    with force_locale(lang):
        text = render_template(template, digest=digest)
    return re.sub(r"\n{3,}", "\n\n", text) if fmt == "md" else text


@bp.get("/digest")
def latest():
    return redirect(url_for("digest.week", week=parse_week(None)[0], **request.args))


@bp.get("/digest/<week>")
def week(week: str):
    digest = build_digest(get_backend(), week, from_request(TopicFilter).topic)
    return render_template("digest/page.html", digest=digest)


@bp.get("/digest/<week>.<fmt>")
def export(week: str, fmt: str):
    if fmt not in FORMATS:
        raise InvalidQuery("format", f"must be one of {', '.join(FORMATS)}")
    digest = build_digest(get_backend(), week, from_request(TopicFilter).topic)
    return Response(render(digest, fmt, str(get_locale())), mimetype=FORMATS[fmt])


def init_app(app) -> None:
    app.add_template_filter(markdown_text, "md")
    app.add_template_filter(markdown_url, "md_url")
