"""Documents → Atom, iCalendar and CSV: the non-HTML renderers of one search."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator
from datetime import UTC, datetime, timedelta
from urllib.parse import quote

from feedgen.feed import FeedGenerator
from flask import url_for
from flask_babel import get_locale, gettext
from icalendar import Alarm, Calendar, Event

from core import clock
from search.document import Document

from .i18n import long_date, money
from .labels import kind_label, topic_label

AUTHOR = "Observatorio TIC Zona Sur"
CSV_COLUMNS = ("id", "kind", "title", "published", "deadline", "amount", "currency", "organizations",
               "topics", "source", "lang", "country", "url", "page", "summary", "stage", "suppliers")
# A cell starting with one of these is a formula to a spreadsheet: crawled text must not run.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
REMINDER = timedelta(days=-3)
CSV_BATCH = 200  # rows per chunk sent: one chunk per row doubles the cost of an export


def item_url(doc: Document) -> str:
    return url_for("search.item", doc_id=doc.id, _external=True)


def facts(doc: Document) -> str:
    """Deadline, amount and organisations in one line: what a subscriber scans first."""
    parts = [kind_label(doc.kind.value)]
    if doc.deadline:
        parts.append(gettext("Cierre: %(date)s", date=long_date(doc.deadline)))
    if doc.amount:
        parts.append(gettext("Monto: %(amount)s", amount=money(doc.amount)))
    if doc.organizations:
        parts.append(", ".join(doc.organizations))
    return " · ".join(parts)


def atom(documents: Iterable[Document], title: str, self_url: str, page_url: str) -> bytes:
    """An Atom 1.0 feed; feedgen escapes every text, so crawled markup stays text."""
    feed = FeedGenerator()
    feed.id(self_url)
    feed.title(title)
    feed.author({"name": AUTHOR})
    feed.link(href=self_url, rel="self", type="application/atom+xml")
    feed.link(href=page_url, rel="alternate", type="text/html")
    feed.language(str(get_locale()))
    latest = datetime(2000, 1, 1, tzinfo=UTC)
    for doc in documents:
        stamp = doc.published or doc.fetched or clock.now()
        latest = max(latest, stamp)
        entry = feed.add_entry(order="append")
        entry.id(item_url(doc))
        entry.title(doc.title)
        # One link only: feedgen 1.0 drops `rel` on entry links, and two would both be "alternate".
        entry.link(href=item_url(doc))
        entry.published(stamp)
        entry.updated(stamp)
        source = gettext("Fuente: %(url)s", url=doc.url)
        entry.summary("\n\n".join(p for p in (facts(doc), doc.summary or doc.body[:600], source) if p))
        for slug in doc.topics:
            entry.category(term=slug, label=topic_label(slug))
    feed.updated(latest)
    return feed.atom_str(pretty=True)


def icalendar(documents: Iterable[Document], name: str, description: str | None = None) -> bytes:
    """One event per deadline (all-day for a date, at its time for a datetime), UIDs stable."""
    calendar = Calendar()
    calendar.add("prodid", f"-//{AUTHOR}//{get_locale()}")
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", name)
    if description:
        calendar.add("x-wr-caldesc", description)
    stamp = clock.now()
    for doc in documents:
        if doc.deadline is not None:
            calendar.add_component(_event(doc, stamp))
    return calendar.to_ical()


def _event(doc: Document, stamp: datetime) -> Event:
    event = Event()
    event.add("uid", f"{doc.id}@observatorio-tic")
    event.add("dtstamp", stamp)
    event.add("dtstart", doc.deadline)
    if not isinstance(doc.deadline, datetime):
        event.add("dtend", doc.deadline + timedelta(days=1))
    event.add("summary", gettext("Cierre: %(title)s", title=doc.title))
    event.add("description", "\n\n".join(p for p in (facts(doc), doc.summary, item_url(doc)) if p))
    event.add("url", item_url(doc))
    if doc.topics:
        event.add("categories", [topic_label(slug) for slug in doc.topics])
    alarm = Alarm()
    alarm.add("action", "DISPLAY")
    alarm.add("description", gettext("Cierre: %(title)s", title=doc.title))
    alarm.add("trigger", REMINDER)
    event.add_component(alarm)
    return event


def csv_rows(documents: Iterable[Document]) -> Iterator[str]:
    """CSV text in chunks of CSV_BATCH rows, starting with a BOM so spreadsheets read it as UTF-8."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)

    def flush() -> str:
        text = buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()
        return text

    writer.writerow(CSV_COLUMNS)
    yield "\ufeff" + flush()
    # url_for per row costs as much as the rest of the row: build the item URL from a prefix.
    page_prefix = url_for("search.item", doc_id="-", _external=True)[:-1]
    for number, doc in enumerate(documents, start=1):
        writer.writerow([cell(value) for value in _csv_values(doc, page_prefix + quote(doc.id, safe=""))])
        if number % CSV_BATCH == 0:
            yield flush()
    yield flush()


def _csv_values(doc: Document, page: str) -> list:
    return [doc.id, doc.kind.value, doc.title, doc.published.isoformat() if doc.published else "",
            doc.deadline.isoformat() if doc.deadline else "", _number(doc.amount.value) if doc.amount else "",
            doc.amount.currency if doc.amount else "", "; ".join(doc.organizations), " ".join(doc.topics),
            doc.source, doc.lang, doc.country or "", doc.url, page, doc.summary,
            doc.stage.value if doc.stage else "", "; ".join(s.name for s in doc.suppliers)]


def _number(value: float) -> int | float:
    return int(value) if float(value).is_integer() else value


def cell(value) -> str:
    """A CSV cell as text; one a spreadsheet would read as a formula starts with a quote."""
    text = "" if value is None else str(value)
    return "'" + text if text[:1] in FORMULA_START else text
