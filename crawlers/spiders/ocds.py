"""OCDS (Open Contracting Data Standard) procurement data."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import jmespath
from scrapy import Request, signals
from scrapy.exceptions import DontCloseSpider
from scrapy.http import Response
from w3lib.encoding import http_content_type_encoding

from crawlers.archives import ZipMembers, is_zip
from crawlers.config import OcdsSource
from crawlers.errors import UnreadableContent
from crawlers.links import looks_like_document
from crawlers.state import Version
from crawlers.text import decode, excerpt, html_to_text

from .base import SourceSpider, header


class OcdsSpider(SourceSpider):
    """Read OCDS data in any of its packagings and yield one tender per ocid, in its latest state.

    1. Fetch `source.url` (conditional GET); decode it (BOM, UTF-8, the declared charset,
       else Windows-1252) and read it as one JSON value or as JSON lines. A ZIP archive (by
       its magic bytes) is opened in memory and each JSON member read the same way, within
       the source's `archive` limits (`crawlers/archives.py`).
    2. Unwrap what it holds: release packages (`releases`), record packages (`records`: the
       `compiledRecord`, else the record's newest release), arrays of packages, bare releases.
    3. Follow each package's `links.next` (OCDS 1.1 pagination), up to `max_pages` pages. An
       API that wraps the package names it with `package` (JMESPath), and its next link with
       `next`.
    4. When every page is read, yield the newest release per ocid (by `date`), unless an
       earlier run stored a newer state (pages answered 304 are not read again); the first
       release date ever seen is the publication date.
    5. Map the tender: ocid as id, title, description, `value` as amount,
       `tenderPeriod.endDate` as deadline, the buyer (1.1 `buyer` or `parties` with role
       buyer; 1.0 `buyer.name` or `tender.procuringEntity`), the items' classifications,
       the tender notice's URL and its documents as `attachment_links`.
    """

    source_type = "ocds"
    source: OcdsSource

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.latest: dict[str, tuple[dict, str]] = {}  # ocid → (newest release, package URL)
        self.first: dict[str, str] = {}  # ocid → earliest release date seen in this run

    @classmethod
    def from_crawler(cls, crawler, *args: Any, **kwargs: Any) -> OcdsSpider:
        spider = super().from_crawler(crawler, *args, **kwargs)
        crawler.signals.connect(spider.on_idle, signal=signals.spider_idle)
        return spider

    @property
    def max_pages(self) -> int:
        return self.source.max_pages

    def parse(self, response: Response):
        try:
            if is_zip(response.body):
                found, next_urls = self.read_archive(response)
            else:
                charset = http_content_type_encoding(header(response, "Content-Type"))
                found, next_urls = self.read_packages(decode(response.body, charset), response.url)
        except UnreadableContent as exc:
            self.parse_error(response, exc)
            return
        if not found and not next_urls:
            self.parse_error(response, UnreadableContent("no OCDS releases or records in this response"))
        for next_url in next_urls:
            yield from self.next_page(response, next_url, self.parse)

    def read_packages(self, text: str, package_url: str) -> tuple[int, list[str]]:
        """Keep the releases of one JSON text; return how many, and the next pages it names."""
        try:
            packages = read_json(text)
        except ValueError as exc:
            raise UnreadableContent(f"not OCDS JSON: {exc}") from exc
        next_urls = [url for url in map(self.next_url, packages) if url]
        if self.source.package:
            packages = [jmespath.search(self.source.package, value) for value in packages]
        found = 0
        for release in releases(packages):
            self.keep(release, package_url)
            found += 1
        return found, next_urls

    def read_archive(self, response: Response) -> tuple[int, list[str]]:
        """Read every JSON member of a ZIP archive as `read_packages` reads a response body;
        a member that fails is reported and the others go on."""
        archive = ZipMembers(self.source.archive)
        found, next_urls = 0, []
        for name, data in archive.members(response.body):
            try:
                member_found, member_next = self.read_packages(decode(data), response.url)
            except UnreadableContent as exc:
                archive.reject(name, exc)
                continue
            found, next_urls = found + member_found, next_urls + member_next
        for error in archive.errors:
            self.parse_error(response, UnreadableContent(error))
        # Directories and hidden files are routine; other files may be data this type misses.
        level = logging.WARNING if archive.skipped["other"] or archive.errors else logging.INFO
        self.logger.log(level, "%s: %s", response.url, archive.summary())
        return found, next_urls

    def next_url(self, value) -> str | None:
        """The next page: at `source.next` in the response, else the package's `links.next`."""
        if not isinstance(value, dict):
            return None
        if self.source.next:
            return jmespath.search(self.source.next, value)
        package = jmespath.search(self.source.package, value) if self.source.package else value
        return ((package or {}).get("links") or {}).get("next") if isinstance(package, dict) else None

    def keep(self, release: dict, package_url: str) -> None:
        ocid, when = release["ocid"], _when(release.get("date"))
        if when and (not self.first.get(ocid) or when < self.first[ocid]):
            self.first[ocid] = when
        if ocid not in self.latest or when >= _when(self.latest[ocid][0].get("date")):
            self.latest[ocid] = (release, package_url)

    def on_idle(self) -> None:
        """Every page is read: yield the newest state of each ocid (through a data: request,
        Scrapy's way to hand items to the pipelines outside a page's callback)."""
        if self.latest:
            self.crawler.stats.inc_value("observatorio/internal_requests")  # not an HTTP response
            self.crawler.engine.crawl(Request("data:,", callback=self.flush, dont_filter=True))
            raise DontCloseSpider

    def flush(self, response: Response):
        latest, self.latest = self.latest, {}
        yielded = 0
        for ocid, (release, package_url) in latest.items():
            item = self.newest_item(ocid, release, package_url)
            if item:
                yielded += 1
                yield item
        first_page = self.state.pages.get(self.source.url)
        if first_page:  # a 304 on the first page next time counts these as unchanged
            first_page.items = yielded

    def newest_item(self, ocid: str, release: dict, package_url: str) -> dict | None:
        """The item for `release`, unless an earlier run stored a newer state of its ocid."""
        when = _when(release.get("date"))
        known = self.state.versions.get(ocid)
        if known and when < known.newest:
            return None
        dates = [d for d in (self.first.get(ocid, ""), known.first if known else "") if d]
        first = min(dates) if dates else ""
        item = release_item(ocid, release, package_url, self.source.attachments)
        if item:
            self.state.set_version(ocid, Version(newest=when, first=first))
            item["published"] = first or None
        return item


def read_json(text: str) -> list:
    """Packages or releases from one JSON value, or from JSON lines (one value per line)."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        if exc.msg != "Extra data":
            raise
        data = [json.loads(line) for line in text.splitlines() if line.strip()]
    return data if isinstance(data, list) else [data]


def releases(packages: list) -> Iterator[dict]:
    """Every release with an ocid: from release packages, record packages or bare releases."""
    for package in packages:
        if not isinstance(package, dict):
            continue
        if "records" in package:
            for record in package.get("records") or []:
                release = _record_state(record)
                if release:
                    yield release
        elif "releases" in package:
            yield from (r for r in package.get("releases") or [] if isinstance(r, dict) and r.get("ocid"))
        elif package.get("ocid"):
            yield package


def _record_state(record: dict) -> dict | None:
    """A record's compiled release, else its newest embedded (not linked) release."""
    if not isinstance(record, dict):
        return None
    compiled = record.get("compiledRecord") or record.get("compiledRelease")
    if isinstance(compiled, dict):
        ocid = compiled.get("ocid") or record.get("ocid")
        return {**compiled, "ocid": ocid} if ocid else None
    embedded = [r for r in record.get("releases") or [] if isinstance(r, dict) and r.get("tender")]
    return max(embedded, key=lambda r: _when(r.get("date")), default=None)


def release_item(ocid: str, release: dict, package_url: str, rule=None) -> dict | None:
    tender = release.get("tender") or {}
    title = html_to_text(tender.get("title") or release.get("title"))
    if not title:
        return None
    body = html_to_text(tender.get("description"))
    value = tender.get("value") or {}
    documents = [d for d in tender.get("documents") or [] if isinstance(d, dict) and d.get("url")]
    notices = [d["url"] for d in documents if d.get("documentType") == "tenderNotice"]
    return {
        "id": ocid,
        "url": notices[0] if notices else f"{package_url}#{ocid}",
        "title": title,
        "summary": excerpt(body),
        "body": body,
        "deadline": (tender.get("tenderPeriod") or {}).get("endDate"),
        "amount": ({"value": value["amount"], "currency": value["currency"]}
                   if value.get("amount") is not None and value.get("currency") else None),
        "organizations": [name for name in [_buyer(release)] if name],
        "categories": _classifications(tender),
        "attachment_links": [{"url": d["url"], "title": d.get("title") or ""} for d in documents
                             if looks_like_document(d["url"], rule, d.get("format") or "")],
    }


def _buyer(release: dict) -> str | None:
    name = (release.get("buyer") or {}).get("name")
    if name:
        return name
    buyer_id = (release.get("buyer") or {}).get("id")
    for party in release.get("parties") or []:
        if "buyer" in (party.get("roles") or []) or (buyer_id and party.get("id") == buyer_id):
            return party.get("name")
    return ((release.get("tender") or {}).get("procuringEntity") or {}).get("name")


def _classifications(tender: dict) -> list[str]:
    found: dict[str, None] = {}
    for item in tender.get("items") or []:
        for c in [item.get("classification") or {}, *(item.get("additionalClassifications") or [])]:
            code = f"{c.get('scheme', '')} {c['id']}".strip() if c.get("id") else ""
            label = c.get("description") or code
            if label:
                found[label] = None
    return list(found)


def _when(value) -> str:
    """An OCDS date as a sortable UTC ISO string ("" when missing or unreadable)."""
    if not isinstance(value, str) or not value:
        return ""
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return value
    return (parsed.replace(tzinfo=UTC) if parsed.tzinfo is None else parsed.astimezone(UTC)).isoformat()
