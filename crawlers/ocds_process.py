"""One OCDS contracting process, compiled from its releases, as the fields of one document.

`compile_releases` merges every release of an ocid by the OCDS merge rules (the
`ocdsmerge` library): a later release that leaves a field out keeps the earlier value.
`process_fields` reads the compiled release: the latest stage reached, the tender's status,
a title that is never empty, the awards with their suppliers, and the kind (`award` from the
award stage on, else `tender`).
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Any

from ocdsmerge import Merger
from ocdsmerge.exceptions import OCDSMergeError

from crawlers.links import looks_like_document
from crawlers.text import derived_title, excerpt, html_to_text

# The merge properties of the OCDS 1.1.5 release schema (open-contracting/standard,
# schema/release-schema.json) for the paths they apply to; given here so that a crawl does
# not download the schema. Arrays of strings are whole-list merged by ocdsmerge itself, and
# arrays of objects are merged by their `id`.
MERGE_RULES = {
    **{(name,): "omitWhenMerged" for name in ("id", "date", "publisher", "tag", "links")},
    **{path: "wholeListMerge" for path in (
        ("parties", "additionalIdentifiers"), ("tender", "identifiers"),
        ("tender", "items", "additionalClassifications"), ("awards", "items", "additionalClassifications"),
        ("contracts", "items", "additionalClassifications"), ("tender", "amendments", "changes"),
        ("awards", "amendments", "changes"), ("contracts", "amendments", "changes"))},
}
MERGER = Merger(merge_rules=MERGE_RULES)
LATER_STAGES = ("award", "contract", "implementation")  # a process this far is kind `award`
PLANNED = ("planning", "planned")  # tender statuses of a process still in planning
CURRENCY = re.compile(r"^[A-Z]{3}$")
TITLE_LIMIT = 160

__all__ = ["OCDSMergeError", "compile_releases", "process_fields"]


def compile_releases(releases: list[dict]) -> dict:
    """The compiled release of one ocid's releases (any of which may be an earlier compiled
    release); raises OCDSMergeError on releases that cannot be merged."""
    return MERGER.create_compiled_release(releases)


def process_fields(ocid: str, release: dict, package_url: str, rule=None) -> dict:
    """Document fields of a compiled release (plain data, validated by the pipelines)."""
    tender, planning = _object(release.get("tender")), _object(release.get("planning"))
    budget = _object(planning.get("budget"))
    awards = _awards(release)
    stage = stage_of(release)
    buyer = _buyer(release)
    descriptions = [html_to_text(text) for text in (
        tender.get("description"), planning.get("rationale"), budget.get("description"),
        *(a.get("description") for a in _objects(release.get("awards"))),
        *(c.get("description") for c in _objects(release.get("contracts"))))]
    body = "\n\n".join(dict.fromkeys(text for text in descriptions if text))
    title, derived = _title(ocid, tender, budget, awards, body, buyer)
    documents = [d for d in _objects(tender.get("documents")) if isinstance(d.get("url"), str) and d["url"]]
    notices = [d["url"] for d in documents if d.get("documentType") == "tenderNotice"]
    later = stage in LATER_STAGES
    return {
        "id": ocid,
        **({"kind": "award"} if later else {}),
        "url": notices[0] if notices else f"{package_url}#{ocid}",
        "title": title,
        "title_derived": derived,
        "summary": excerpt(body),
        "body": body,
        "stage": stage,
        "status": tender.get("status") if isinstance(tender.get("status"), str) else None,
        # only a tender open for bids has a deadline: planning has none yet, an award is past it
        "deadline": _object(tender.get("tenderPeriod")).get("endDate") if stage == "tender" else None,
        "amount": (_total(awards) if later else None) or _amount(tender.get("value"))
        or _amount(budget.get("amount")),
        "organizations": [buyer] if buyer else [],
        "categories": _classifications(release),
        "suppliers": list({(s["name"], s["id"]): s for a in awards for s in a["suppliers"]}.values()),
        "awards": awards,
        "attachment_links": [{"url": d["url"], "title": d.get("title") or ""} for d in documents
                             if looks_like_document(d["url"], rule, d.get("format") or "")],
    }


def stage_of(release: dict) -> str:
    """The latest stage present: implementation, contract, award, tender, else planning (a
    tender whose status is planning or planned is still planning)."""
    contracts = _objects(release.get("contracts"))
    if any(c.get("implementation") for c in contracts):
        return "implementation"
    if contracts:
        return "contract"
    if _objects(release.get("awards")):
        return "award"
    tender = _object(release.get("tender"))
    content = ("title", "description", "tenderPeriod", "value", "items", "documents")
    if tender.get("status") not in PLANNED and any(tender.get(name) for name in content):
        return "tender"
    return "planning"


def _title(ocid: str, tender: dict, budget: dict, awards: list[dict], body: str,
           buyer: str | None) -> tuple[str, bool]:
    """(title, derived): the tender's title, else the planned project or budget, else the
    first award's or contract's title, else a description's first sentence, else the buyer
    and the ocid; `derived` unless it came from a title field."""
    titled = [html_to_text(tender.get("title")), *(a["title"] for a in awards)]
    planned = [_clean(html_to_text(budget.get(name))) for name in ("project", "description")]
    if titled[0]:
        return titled[0], False
    if any(planned):
        return derived_title(next(t for t in planned if t), TITLE_LIMIT), True
    if any(titled):
        return next(t for t in titled if t), False
    if body:
        return derived_title(body, TITLE_LIMIT), True
    return " · ".join(part for part in (buyer, ocid) if part), True


def _clean(text: str) -> str:
    """A budget line as a title: without the list marks some publishers put before it."""
    return text.lstrip("-–•* ").strip()


def _awards(release: dict) -> list[dict]:
    """Every award, and every contract no award names (some publish contracts only)."""
    parties = {str(p["id"]): p for p in _objects(release.get("parties")) if p.get("id") is not None}
    found, award_ids = [], set()
    for award in _objects(release.get("awards")):
        award_ids.add(str(award.get("id")))
        found.append(_award(award, award.get("date"), parties))
    for contract in _objects(release.get("contracts")):
        if str(contract.get("awardID")) not in award_ids:
            found.append(_award(contract, contract.get("dateSigned"), parties))
    return found


def _award(block: dict, when: Any, parties: dict[str, dict]) -> dict:
    suppliers = [_supplier(ref, parties) for ref in _objects(block.get("suppliers"))]
    return {"title": html_to_text(block.get("title")),
            "status": block.get("status") if isinstance(block.get("status"), str) else None,
            "date": _date(when), "amount": _amount(block.get("value")),
            "suppliers": [s for s in suppliers if s["name"]]}


def _supplier(ref: dict, parties: dict[str, dict]) -> dict:
    """Name and identifier (scheme-id, else the organisation's id in the release)."""
    party = parties.get(str(ref.get("id")), {})
    identifier = _object(party.get("identifier")) or _object(ref.get("identifier"))
    if identifier.get("scheme") and identifier.get("id") is not None:
        supplier_id = f"{identifier['scheme']}-{identifier['id']}"
    else:
        supplier_id = ref.get("id") if ref.get("id") is not None else identifier.get("id")
    name = html_to_text(ref.get("name") or party.get("name") or identifier.get("legalName"))
    return {"name": name, "id": str(supplier_id) if supplier_id is not None else None}


def _total(awards: list[dict]) -> dict | None:
    """The awarded amounts summed, when they share one currency."""
    amounts = [a["amount"] for a in awards if a["amount"]]
    if not amounts or len({a["currency"] for a in amounts}) != 1:
        return None
    return {"value": sum(a["value"] for a in amounts), "currency": amounts[0]["currency"]}


def _amount(value: Any) -> dict | None:
    value = _object(value)
    amount, currency = value.get("amount"), value.get("currency")
    if isinstance(amount, int | float) and amount >= 0 and CURRENCY.match(str(currency)):
        return {"value": amount, "currency": currency}
    return None


def _date(value: Any) -> str | None:
    """An OCDS date as UTC ISO 8601, or None when missing or unreadable."""
    if not isinstance(value, str) or not value:
        return None
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return (parsed.replace(tzinfo=UTC) if parsed.tzinfo is None else parsed.astimezone(UTC)).isoformat()


def _buyer(release: dict) -> str | None:
    buyer = _object(release.get("buyer"))
    if buyer.get("name"):
        return buyer["name"]
    for party in _objects(release.get("parties")):
        if "buyer" in (party.get("roles") or []) or (buyer.get("id") and party.get("id") == buyer["id"]):
            return party.get("name")
    return _object(_object(release.get("tender")).get("procuringEntity")).get("name")


def _classifications(release: dict) -> list[str]:
    blocks = [_object(release.get("tender")), *_objects(release.get("awards")),
              *_objects(release.get("contracts"))]
    found: dict[str, None] = {}
    for item in (item for block in blocks for item in _objects(block.get("items"))):
        for c in [_object(item.get("classification")), *_objects(item.get("additionalClassifications"))]:
            code = f"{c.get('scheme', '')} {c['id']}".strip() if c.get("id") else ""
            label = c.get("description") or code
            if label:
                found[label] = None
    return list(found)


def _object(value: Any) -> dict:
    """A block as a dict; some publishers wrap it in a list (the first object counts)."""
    if isinstance(value, dict):
        return value
    return next(iter(_objects(value)), {})


def _objects(value: Any) -> list[dict]:
    return [v for v in value if isinstance(v, dict)] if isinstance(value, list) else []
