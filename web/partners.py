"""Partner suggestions for an opportunity: GET /api/items/<id>/partners, and the teams the item
page shows (public profiles only there; the API shows private ones with the admin session)."""

from __future__ import annotations

from pathlib import Path

from flask import Blueprint, abort, current_app, jsonify, session

from firms.partners import Team
from firms.service import Matching, NotFound, team_json
from firms.store import FirmStore
from firms.vectors import KINDS
from search.document import Document

from .backend import get_backend

bp = Blueprint("partners", __name__)


def _profiles() -> Path:
    return Path(current_app.config["DATA_DIR"]) / FirmStore.filename


def _matching(private: bool) -> Matching:
    return Matching(FirmStore(_profiles()), get_backend(), private=private)


@bp.get("/api/items/<doc_id>/partners")
def item_partners(doc_id: str):
    try:
        teams = _matching(bool(session.get("admin"))).partners(doc_id)
    except NotFound as exc:
        abort(404, description=str(exc))
    return jsonify({"items": [team_json(team) for team in teams]})


@bp.app_template_global()
def partner_teams(doc: Document) -> list[Team]:
    """The item page's teams: public profiles only, none for what is not an open opportunity.
    Without profiles yet, nothing is read (nor is the store created: its change is a new answer)."""
    if doc.kind.value not in KINDS or not doc.is_open() or not _profiles().exists():
        return []
    try:
        return _matching(private=False).partners(doc.id)
    except NotFound:
        return []
