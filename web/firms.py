"""The firms' JSON API: a firm's open opportunities, an opportunity's firms, with the reasons.

Private profiles are seen only with the admin session (or, for a firm's own matches, its private
link's `token`); to everyone else a private firm does not exist (the same 404 as an unknown id)
and is never listed among an opportunity's firms.
"""

from __future__ import annotations

from pathlib import Path

from flask import Blueprint, abort, current_app, jsonify, session

from firms.service import Matching, NotFound, firm_match_json, item_match_json
from firms.store import FirmStore

from .backend import get_backend
from .firm_links import has_access
from .requests import FirmMatchQuery, MatchQuery, from_request

bp = Blueprint("firms", __name__)


def matching(private: bool = False) -> Matching:
    store = FirmStore(Path(current_app.config["DATA_DIR"]) / FirmStore.filename)
    return Matching(store, get_backend(), private=private or bool(session.get("admin")))


@bp.get("/api/firms/<firm_id>/matches")
def firm_matches(firm_id: str):
    query = from_request(FirmMatchQuery)
    try:
        matches = matching(has_access(firm_id, query.token)).for_firm(firm_id, query.size)
        return jsonify({"items": [firm_match_json(m) for m in matches]})
    except NotFound as exc:
        abort(404, description=str(exc))


@bp.get("/api/items/<doc_id>/firms")
def item_firms(doc_id: str):
    size = from_request(MatchQuery).size
    try:
        return jsonify({"items": [item_match_json(m) for m in matching().for_item(doc_id, size)]})
    except NotFound as exc:
        abort(404, description=str(exc))
