"""Query strings → validated searches, shared by every renderer of the same search."""

from __future__ import annotations

import re
from dataclasses import replace
from typing import Any

from flask import request, url_for
from werkzeug.datastructures import MultiDict

from search.errors import InvalidQuery
from search.query import SearchQuery

from .labels import OPPORTUNITY_KINDS

SLUG = re.compile(r"^[a-z][a-z0-9_]{0,63}$")
OPPORTUNITY_PARAMS = ("topic", "kind", "page")
# Machine endpoints that take no query parameters: one given is a mistake worth a 400.
NO_PARAMETERS = ("api.item", "api.topics", "api.openapi", "api.healthz", "feeds.topic_atom")


def reject_unexpected_parameters() -> None:
    """Before a request: a parameter sent to an endpoint that takes none is an InvalidQuery."""
    if request.endpoint in NO_PARAMETERS and request.args:
        raise InvalidQuery(next(iter(request.args)), "is not a known parameter")


def search_query(args: MultiDict | None = None, **defaults: Any) -> SearchQuery:
    """The search these parameters ask for; `defaults` fill what they leave out."""
    args = request.args if args is None else args
    query = SearchQuery.from_params(args.to_dict(flat=False))
    for name in query.topic:
        if not SLUG.match(name):
            raise InvalidQuery("topic", f"{name[:40]!r} is not a topic slug")
    given = {k for k, v in args.items(multi=True) if v.strip()}
    return replace(query, **{k: v for k, v in defaults.items() if k not in given})


def opportunity_query(args: MultiDict | None = None, **defaults: Any) -> SearchQuery:
    """Open funding calls and tenders, closing soonest first; only topic, kind and page vary."""
    args = request.args if args is None else args
    unknown = sorted(set(args) - set(OPPORTUNITY_PARAMS))
    if unknown:
        raise InvalidQuery(unknown[0], "is not a known parameter")
    query = search_query(args, **defaults)
    wrong = sorted(set(query.kind) - set(OPPORTUNITY_KINDS))
    if wrong:
        raise InvalidQuery("kind", f"must be {' or '.join(OPPORTUNITY_KINDS)}, not {wrong[0]!r}")
    return replace(query, kind=query.kind or OPPORTUNITY_KINDS, open=True, sort="deadline")


def same_search(endpoint: str, **changes: Any) -> str:
    """The URL of `endpoint` with this request's parameters (without the page), changed."""
    args = MultiDict(request.args)
    args.pop("page", None)
    for name, value in changes.items():
        args.setlist(name, [] if value is None else [value])
    return url_for(endpoint, **args.to_dict(flat=False))


def toggle(name: str, value: str) -> str:
    """This page's URL with `name=value` added, or removed if present; back to page 1."""
    args = MultiDict(request.args)
    values = [part for v in args.getlist(name) for part in v.split(",") if part]
    args.setlist(name, [v for v in values if v != value] if value in values else [*values, value])
    args.pop("page", None)
    return url_for(request.endpoint, **(request.view_args or {}), **args.to_dict(flat=False))


def page_url(page: int) -> str:
    args = MultiDict(request.args)
    args.setlist("page", [str(page)] if page > 1 else [])
    return url_for(request.endpoint, **(request.view_args or {}), **args.to_dict(flat=False))
