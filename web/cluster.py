"""The cluster's capability map for the commission: /cluster (table and chart), /cluster.csv
and GET /api/capabilities (firms/capabilities.py computes it).

Public, like the rest of the observatory's figures: the commission and the member firms read it
without an account, the calls and awards behind it are public, and a visitor's map is built
from the public profiles only (a private firm is neither counted nor named, nor recognised among
the suppliers). With the admin session the private profiles are counted too, and marked.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

from flask import Blueprint, Response, current_app, jsonify, render_template, session

from core import clock
from firms.capabilities import GAP_CALLS, GAP_FIRMS, WEEKS, CapabilityMap, capability_map
from firms.store import FirmStore
from search.document import Amount

from .backend import get_backend
from .i18n import money
from .labels import taxonomy_topics, topic_label
from .renderers import cell

bp = Blueprint("cluster", __name__)


def _map() -> CapabilityMap:
    path = Path(current_app.config["DATA_DIR"]) / FirmStore.filename
    # without profiles yet the store is not created by a read: its change would be a new answer
    firms = FirmStore(path).all(private=bool(session.get("admin"))) if path.exists() else []
    return capability_map(get_backend(), firms, taxonomy_topics(), clock.today())


@bp.get("/cluster")
def page():
    found = _map()
    return render_template("cluster.html", map=found, weeks=WEEKS, gap_calls=GAP_CALLS, gap_firms=GAP_FIRMS,
                           admin=bool(session.get("admin")))


@bp.get("/api/capabilities")
def api():
    return jsonify(capabilities_json(_map()))


@bp.get("/cluster.csv")
def export():
    response = Response("\ufeff" + capabilities_csv(_map()), mimetype="text/csv")
    response.headers["Content-Disposition"] = 'attachment; filename="observatorio-cluster.csv"'
    return response


@bp.app_template_global()
def money_of(value: float, currency: str) -> str:
    """A total of one currency, written as the app writes money."""
    return money(Amount(value=round(value, 2), currency=currency))


def _amounts(totals: dict[str, float]) -> list[dict]:
    return [{"currency": c, "value": round(v, 2)} for c, v in sorted(totals.items())]


def capabilities_json(found: CapabilityMap) -> dict:
    return {"since": found.since.isoformat(), "until": found.until.isoformat(), "weeks": WEEKS,
            "topics": [{"topic": r.slug, "label": topic_label(r.slug),
                        "firms": [{"id": f.id, "name": f.name, "public": f.public} for f in r.firms],
                        "calls": r.calls, "amounts": _amounts(r.amounts), "gap": r.gap,
                        "suppliers": [{"name": s.name, "contracts": s.contracts,
                                       "amounts": _amounts(s.amounts), "member": s.member,
                                       "lead": s in r.leads} for s in r.suppliers]}
                       for r in found.rows],
            "gaps": [r.slug for r in found.gaps]}


def capabilities_csv(found: CapabilityMap) -> str:
    """One row per topic; amounts in one column per currency; every cell escaped against formulas."""
    currencies = found.currencies
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["topic", "label", "firm_count", "firms", "calls",
                     *(f"calls_amount_{c}" for c in currencies), "gap", "awards",
                     *(f"awards_amount_{c}" for c in currencies), "suppliers", "leads"])
    for r in found.rows:
        writer.writerow([cell(value) for value in (
            r.slug, topic_label(r.slug), len(r.firms), "; ".join(f.name for f in r.firms), r.calls,
            *(_number(r.amounts.get(c)) for c in currencies), "yes" if r.gap else "no",
            sum(s.contracts for s in r.suppliers),
            *(_number(sum(s.amounts.get(c, 0.0) for s in r.suppliers) or None) for c in currencies),
            "; ".join(f"{s.name} ({s.contracts})" for s in r.suppliers),
            "; ".join(s.name for s in r.leads))])
    return buffer.getvalue()


def _number(value: float | None) -> int | float | str:
    if value is None:
        return ""
    return int(value) if float(value).is_integer() else round(value, 2)
