"""Atom feeds, iCalendar and CSV: the same searches as the pages, for readers and calendars."""

from __future__ import annotations

from itertools import islice

from flask import Blueprint, Response, abort, request, stream_with_context, url_for
from flask_babel import gettext

from core import clock
from search.query import SearchQuery

from . import renderers
from .backend import get_backend
from .labels import get_topic, topic_label
from .params import search_query
from .requests import OpportunityQuery, from_request

bp = Blueprint("feeds", __name__)

FEED_SIZE = 50
ATOM = "application/atom+xml; charset=utf-8"
ICALENDAR = "text/calendar; charset=utf-8"
# A calendar holds the soonest deadlines: calendar apps subscribe to hundreds of events, and
# 37,000 took 33 s and 35 MB to render. The board and the search list every one.
CALENDAR_SIZE = 500


def atom_response(query: SearchQuery, title: str, page_url: str) -> Response:
    hits = get_backend().search(query).hits
    body = renderers.atom((h.document for h in hits), title, request.url, page_url)
    return Response(body, mimetype=ATOM)


def calendar_response(query: SearchQuery, name: str, filename: str) -> Response:
    """The CALENDAR_SIZE soonest deadlines from today on (a `deadline_from` moves the start);
    when more match, the calendar's description says how many it holds and where the rest are."""
    dated = query.but(sort="deadline", page=1, deadline_from=query.deadline_from or clock.today())
    backend = get_backend()
    total = backend.search(dated.but(size=1)).total
    documents = islice(backend.iter_documents(dated), CALENDAR_SIZE)
    description = None
    if total > CALENDAR_SIZE:
        description = gettext(
            "Las %(shown)s fechas de cierre más próximas de %(total)s. Filtre por tema o tipo para "
            "recibir otras; todas están en %(url)s", shown=CALENDAR_SIZE, total=total,
            url=url_for("opportunities.board", _external=True))
    body = renderers.icalendar(documents, name, description)
    response = Response(body, mimetype=ICALENDAR)
    response.headers["Content-Disposition"] = f'inline; filename="{filename}"'
    return response


@bp.get("/search.atom")
def search_atom():
    query = search_query(sort="published", size=FEED_SIZE)
    title = gettext("Búsqueda «%(q)s»", q=query.q) if query.q else gettext("Novedades")
    page_url = url_for("search.search", _external=True, **request.args.to_dict(flat=False))
    return atom_response(query, f"{title} · Observatorio TIC", page_url)


@bp.get("/search.ics")
def search_ics():
    return calendar_response(search_query(), gettext("Observatorio TIC: fechas de cierre"), "busqueda.ics")


@bp.get("/search.csv")
def search_csv():
    """Every matching row, streamed: `page` and `size` are checked but an export has no pages."""
    rows = renderers.csv_rows(get_backend().iter_documents(search_query()))
    response = Response(stream_with_context(rows), mimetype="text/csv")
    response.headers["Content-Disposition"] = 'attachment; filename="observatorio-busqueda.csv"'
    return response


@bp.get("/topics/<slug>/feed.atom")
def topic_atom(slug: str):
    if get_topic(slug) is None:
        abort(404, description=f"no topic {slug[:64]!r}")
    query = SearchQuery(topic=(slug,), sort="published", size=FEED_SIZE)
    page_url = url_for("topics.topic", slug=slug, _external=True)
    return atom_response(query, f"{topic_label(slug)} · Observatorio TIC", page_url)


@bp.get("/opportunities.ics")
def opportunities_ics():
    name = gettext("Observatorio TIC: oportunidades abiertas")
    return calendar_response(from_request(OpportunityQuery).search(), name, "oportunidades.ics")
