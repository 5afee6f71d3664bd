"""The opportunities board: open funding calls and tenders, closing soonest first."""

from __future__ import annotations

from flask import Blueprint, render_template, request, url_for

from . import feeds
from .backend import get_backend
from .pages import pagination
from .requests import OPPORTUNITY_KINDS, OpportunityQuery, from_request

bp = Blueprint("opportunities", __name__)

PAGE_SIZE = 24


@bp.get("/opportunities")
def board():
    query = from_request(OpportunityQuery).search(size=PAGE_SIZE)
    result = get_backend().search(query)
    chosen_kinds = list(query.kind) if request.args.get("kind") else []
    topics = list(query.topic)
    links = {
        "atom": url_for("feeds.search_atom", kind=list(query.kind), topic=topics, open="true"),
        "ics": url_for("feeds.opportunities_ics", kind=chosen_kinds, topic=topics),
    }
    return render_template("opportunities.html", query=query, result=result, kinds=OPPORTUNITY_KINDS,
                           chosen_kinds=chosen_kinds, links=links, pages=pagination(query, result.total),
                           calendar_size=feeds.CALENDAR_SIZE)
