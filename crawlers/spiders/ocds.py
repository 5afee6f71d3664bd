"""OCDS (Open Contracting Data Standard) procurement data."""

from __future__ import annotations

import json

from scrapy.http import Response

from crawlers.text import excerpt, html_to_text

from .base import SourceSpider


class OcdsSpider(SourceSpider):
    """Read an OCDS release package and yield one tender per ocid.

    1. Fetch `source.url`; the body must be a JSON release package (`{"releases": [...]}`).
    2. Group releases by `ocid`; the newest release (by `date`) holds the latest state and
       the oldest gives the publication date.
    3. Map the tender: ocid as id, title, description, `value` as amount,
       `tenderPeriod.endDate` as deadline, the buyer, and the items' classifications.
    """

    source_type = "ocds"

    def parse(self, response: Response):
        try:
            releases = json.loads(response.body)["releases"]
        except (ValueError, KeyError, TypeError) as exc:
            self.parse_error(response, ValueError(f"not an OCDS release package: {exc}"))
            return
        by_ocid: dict[str, list[dict]] = {}
        for release in releases:
            if isinstance(release, dict) and release.get("ocid"):
                by_ocid.setdefault(release["ocid"], []).append(release)
        for ocid, history in by_ocid.items():
            history.sort(key=lambda r: str(r.get("date") or ""))
            item = release_item(ocid, history[-1], response.url)
            if item:
                yield {**item, "published": history[0].get("date") or item["published"]}


def release_item(ocid: str, release: dict, package_url: str) -> dict | None:
    tender = release.get("tender") or {}
    title = html_to_text(tender.get("title"))
    if not title:
        return None
    body = html_to_text(tender.get("description"))
    value = tender.get("value") or {}
    documents = [d.get("url") for d in tender.get("documents", []) if d.get("url")]
    buyer = (release.get("buyer") or {}).get("name")
    return {
        "id": ocid,
        "url": documents[0] if documents else f"{package_url}#{ocid}",
        "title": title,
        "summary": excerpt(body),
        "body": body,
        "published": release.get("date"),
        "deadline": (tender.get("tenderPeriod") or {}).get("endDate"),
        "amount": ({"value": value["amount"], "currency": value["currency"]}
                   if value.get("amount") is not None and value.get("currency") else None),
        "organizations": [buyer] if buyer else [],
        "categories": [c["description"] for i in tender.get("items", [])
                       if (c := i.get("classification") or {}).get("description")],
    }
