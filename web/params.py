"""This request's parameters: the search it asks for, and links to the same search changed."""

from __future__ import annotations

from typing import Any

from flask import request, url_for
from werkzeug.datastructures import MultiDict

from search.errors import InvalidQuery
from search.query import SearchQuery

from .requests import from_request

# Machine endpoints that take no query parameters: one given is a mistake worth a 400.
NO_PARAMETERS = ("api.item", "api.topics", "api.openapi", "api.healthz", "feeds.topic_atom",
                 "partners.item_partners", "cluster.page", "cluster.api", "cluster.export")


def reject_unexpected_parameters() -> None:
    """Before a request: a parameter sent to an endpoint that takes none is an InvalidQuery."""
    if request.endpoint in NO_PARAMETERS and request.args:
        raise InvalidQuery(next(iter(request.args)), "is not a known parameter")


def search_query(**defaults: Any) -> SearchQuery:
    """The search this request asks for; `defaults` fill what it leaves out."""
    return from_request(SearchQuery, **defaults)


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
