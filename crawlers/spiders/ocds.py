"""OCDS (Open Contracting Data Standard) procurement data."""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Iterator
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
from crawlers.ocds_process import OCDSMergeError, compile_releases, process_fields
from crawlers.state import Version
from crawlers.text import decode

from .base import SourceSpider, header


class OcdsSpider(SourceSpider):
    """Read OCDS data in any of its packagings and yield one document per contracting process.

    1. Fetch `source.url` (conditional GET); decode it (BOM, UTF-8, the declared charset,
       else Windows-1252) and read it as one JSON value or as JSON lines. A ZIP archive (by
       its magic bytes) is opened in memory and each JSON member read the same way, within
       the source's `archive` limits (`crawlers/archives.py`).
    2. Unwrap what it holds: release packages (`releases`), record packages (`records`: the
       `compiledRecord`, else the record's embedded releases), arrays of packages, bare
       releases. A release without an ocid, or a record with neither, is counted as skipped.
    3. Follow each package's `links.next` (OCDS 1.1 pagination), up to `max_pages` pages. An
       API that wraps the package names it with `package` (JMESPath), and its next link with
       `next`.
    4. When every page is read, merge each ocid's releases, with the compiled release an
       earlier run stored, by the OCDS merge rules (`crawlers/ocds_process.py`): a later
       release that leaves a field out keeps the earlier value. The first release date ever
       seen is the publication date.
    5. Map the process: ocid as id, its latest stage and the tender's status, a title that
       is never empty, the awards and their suppliers, `value` as amount, the tender period's
       end as deadline (tender stage only), the buyer, the items' classifications, the tender
       notice's URL and its documents as `attachment_links`. From the award stage on it is
       kind `award`.
    """

    source_type = "ocds"
    source: OcdsSource

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.releases: dict[str, list[dict]] = {}  # ocid → its releases read in this run
        self.package_urls: dict[str, tuple[str, str]] = {}  # ocid → (newest date, its package URL)
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
        for release in releases(packages, self.skip):
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
        if ocid not in self.package_urls or when >= self.package_urls[ocid][0]:
            self.package_urls[ocid] = (when, package_url)
        self.releases.setdefault(ocid, []).append({**release, "date": when})  # UTC: merged by date

    def on_idle(self) -> None:
        """Every page is read: yield each process (through a data: request, Scrapy's way to
        hand items to the pipelines outside a page's callback)."""
        if self.releases:
            self.crawler.stats.inc_value("observatorio/internal_requests")  # not an HTTP response
            self.crawler.engine.crawl(Request("data:,", callback=self.flush, dont_filter=True))
            raise DontCloseSpider

    def flush(self, response: Response):
        read, self.releases = self.releases, {}
        yielded = 0
        for ocid, found in read.items():
            item = self.process_item(ocid, found, self.package_urls.pop(ocid)[1])
            if item:
                yielded += 1
                yield item
        first_page = self.state.pages.get(self.source.url)
        if first_page:  # a 304 on the first page next time counts these as unchanged
            first_page.items = yielded

    def process_item(self, ocid: str, found: list[dict], package_url: str) -> dict | None:
        """The item of one process: this run's releases merged into what earlier runs stored."""
        stored = self.state.processes.get(ocid)
        try:
            compiled = compile_releases(([stored] if stored else []) + found)
        except OCDSMergeError as exc:
            self.skip("releases that cannot be merged")
            self.logger.warning("%s: %s", ocid, exc)
            return None
        known = self.state.versions.get(ocid)
        dates = [d for d in (self.first.get(ocid, ""), known.first if known else "") if d]
        first = min(dates) if dates else ""
        self.state.set_process(ocid, compiled)
        self.state.set_version(ocid, Version(newest=compiled.get("date") or "", first=first))
        item = process_fields(ocid, compiled, package_url, self.source.attachments)
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


def releases(packages: list, skip: Callable[[str], None]) -> Iterator[dict]:
    """Every release with an ocid: from release packages, record packages or bare records (a
    record's compiled release, else its embedded releases) or bare releases; `skip` counts
    the rest."""
    for package in packages:
        if not isinstance(package, dict):
            skip("not an OCDS package or release")
        elif "records" in package or _is_record(package):
            for record in package.get("records") or [] if "records" in package else [package]:
                found = _record_releases(record)
                if not found:
                    skip("record without an ocid or releases")
                yield from found
        elif "releases" in package:
            for release in package.get("releases") or []:
                if isinstance(release, dict) and release.get("ocid"):
                    yield release
                else:
                    skip("release without an ocid")
        elif package.get("ocid"):
            yield package
        else:
            skip("not an OCDS package or release")


def _is_record(value: dict) -> bool:
    """A record on its own: an ocid with releases or a compiled release (a release has neither)."""
    return bool(value.get("ocid")) and any(key in value for key in ("releases", "compiledRelease",
                                                                     "compiledRecord"))


def _record_releases(record) -> list[dict]:
    """A record's compiled release, else its embedded (not linked) releases."""
    if not isinstance(record, dict):
        return []
    compiled = record.get("compiledRecord") or record.get("compiledRelease")
    if isinstance(compiled, dict):
        ocid = compiled.get("ocid") or record.get("ocid")
        return [{**compiled, "ocid": ocid}] if ocid else []
    embedded = [r for r in record.get("releases") or [] if isinstance(r, dict) and "url" not in r]
    return [{**r, "ocid": r.get("ocid") or record.get("ocid")} for r in embedded
            if r.get("ocid") or record.get("ocid")]


def _when(value) -> str:
    """An OCDS date as a sortable UTC ISO string ("" when missing or unreadable)."""
    if not isinstance(value, str) or not value:
        return ""
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return value
    return (parsed.replace(tzinfo=UTC) if parsed.tzinfo is None else parsed.astimezone(UTC)).isoformat()
