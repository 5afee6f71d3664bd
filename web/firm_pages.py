"""A firm's page and Atom feed: its profile and its good matches among the open opportunities,
closing soonest first, with the reasons; and the firms an item's page suggests.

A private profile is shown only with the admin session or the firm's own link (`?token=`); to
everyone else it does not exist (404), and it is never listed on an item's page.
"""

from __future__ import annotations

from datetime import datetime, time
from pathlib import Path

from flask import Blueprint, Response, abort, current_app, render_template, request, session, url_for

from core import clock
from firms.matching import Match
from firms.service import Matching, NotFound
from firms.store import FirmStore
from search.document import Document

from . import renderers
from .backend import get_backend
from .feeds import ATOM
from .firm_links import has_access

bp = Blueprint("firm_pages", __name__)

CANDIDATES = 100  # the best matches considered before ordering them by deadline
SHOWN = 30
ITEM_FIRMS = 5


def firm_store() -> FirmStore:
    return FirmStore(Path(current_app.config["DATA_DIR"]) / FirmStore.filename)


def may_see_private(firm_id: str) -> bool:
    """The admin, or the holder of the firm's own unexpired link."""
    return bool(session.get("admin")) or has_access(firm_id, request.args.get("token"))


def closing_soonest(matches: list[Match]) -> list[Match]:
    """Good matches (at or above the matching threshold) by deadline, the undated last."""
    def deadline(match: Match) -> datetime:
        value = match.document.deadline
        if value is None:
            return datetime.max.replace(tzinfo=clock.LOCAL_TZ)
        return value if isinstance(value, datetime) else datetime.combine(value, time.max, clock.LOCAL_TZ)
    return sorted(matches, key=lambda m: (deadline(m), -m.score, m.document.id))


def firm_matches(firm_id: str) -> tuple:
    """The firm (if this visitor may see it) and its good matches, closing soonest first."""
    private = may_see_private(firm_id)
    firm = firm_store().get(firm_id, private=private)
    if firm is None:
        abort(404)
    matches = Matching(firm_store(), get_backend(), private=private).for_firm(firm_id, CANDIDATES)
    return firm, closing_soonest(matches)[:SHOWN], private


@bp.get("/firms")
def index():
    """Every public profile, by name; private ones are listed to nobody (the admin exports them)."""
    firms = sorted(firm_store().all(), key=lambda f: f.name.casefold())
    return render_template("firms/index.html", firms=firms)


@bp.get("/firms/<firm_id>")
def page(firm_id: str):
    firm, matches, private = firm_matches(firm_id)
    token = request.args.get("token") if private and not session.get("admin") else None
    return render_template("firms/firm.html", firm=firm, matches=matches, own=private, token=token)


@bp.get("/firms/<firm_id>/feed.atom")
def feed(firm_id: str):
    firm, matches, private = firm_matches(firm_id)
    token = request.args.get("token") if private else None
    page_url = url_for("firm_pages.page", firm_id=firm.id, token=token, _external=True)
    title = f"{firm.name} · Observatorio TIC"
    body = renderers.atom((m.document for m in matches), title, request.url, page_url)
    return Response(body, mimetype=ATOM)


def firms_for_item(doc: Document) -> list[Match]:
    """The public firms that could answer an open funding call or tender (none for other items)."""
    try:
        return Matching(firm_store(), get_backend()).for_item(doc.id, ITEM_FIRMS)
    except NotFound:
        return []
