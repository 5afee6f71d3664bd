"""The JSON API: GET /api/search, GET /api/items/<id>, GET /healthz."""

from __future__ import annotations

from flask import Blueprint, abort, jsonify, request
from werkzeug.exceptions import HTTPException

from search.errors import InvalidQuery, NotSupported
from search.query import SearchQuery

from .backend import get_backend, with_query_vector

bp = Blueprint("api", __name__)


def error_response(status: int, message: str, field: str | None = None):
    """The one error shape of the whole API."""
    body = {"error": {"status": status, "message": message}}
    if field:
        body["error"]["field"] = field
    return jsonify(body), status


@bp.errorhandler(InvalidQuery)
def invalid_query(exc: InvalidQuery):
    return error_response(400, exc.message, exc.field)


@bp.errorhandler(HTTPException)
def http_error(exc: HTTPException):
    return error_response(exc.code or 500, exc.description or exc.name)


@bp.get("/api/search")
def search():
    query = with_query_vector(SearchQuery.from_params(request.args.to_dict(flat=False)))
    return jsonify(get_backend().search(query).to_dict())


@bp.get("/api/items/<doc_id>")
def item(doc_id: str):
    backend = get_backend()
    doc = backend.get(doc_id)
    if doc is None:
        abort(404, description=f"no item with id {doc_id!r}")
    try:
        similar = [h.document.to_dict(embedding=False) for h in backend.similar(doc_id, 5)]
    except NotSupported:
        similar = []
    return jsonify({**doc.to_dict(embedding=False), "similar": similar})


@bp.get("/healthz")
def healthz():
    backend = get_backend()
    return jsonify({"status": "ok", "backend": backend.name, "documents": backend.count()})
