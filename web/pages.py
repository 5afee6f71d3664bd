"""HTML pages: the search page and the item page."""

from __future__ import annotations

from urllib.parse import urlencode

from flask import Blueprint, abort, render_template, request
from werkzeug.datastructures import MultiDict

from search.errors import InvalidQuery, NotSupported
from search.query import SearchQuery

from .backend import get_backend

bp = Blueprint("pages", __name__)

KIND_LABELS = {"funding_call": "Convocatoria", "tender": "Licitación", "news": "Noticia",
               "event": "Evento"}


@bp.app_template_global()
def url_toggle(name: str, value: str) -> str:
    """This page's URL with `name=value` added, or removed if present; back to page 1."""
    args = MultiDict(request.args)
    values = args.getlist(name)
    args.setlist(name, [v for v in values if v != value] if value in values else [*values, value])
    args.pop("page", None)
    return "?" + urlencode(list(args.items(multi=True)))


@bp.app_template_filter()
def kind_label(kind: str) -> str:
    return KIND_LABELS.get(kind, kind)


@bp.get("/")
def search():
    error = None
    try:
        query = SearchQuery.from_params(request.args.to_dict(flat=False))
    except InvalidQuery as exc:
        query, error = SearchQuery(), exc
    result = get_backend().search(query)
    return render_template("search.html", query=query, result=result, error=error,
                           selected=request.args), 400 if error else 200


@bp.get("/items/<doc_id>")
def item(doc_id: str):
    backend = get_backend()
    doc = backend.get(doc_id)
    if doc is None:
        abort(404)
    try:
        similar = backend.similar(doc_id, 5)
    except NotSupported:
        similar = []
    return render_template("item.html", doc=doc, similar=similar)
