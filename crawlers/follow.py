"""Fetch what an item links to: its article page and its attachments (for FollowLinksPipeline)."""

from __future__ import annotations

from datetime import UTC, date, datetime, time

from scrapy import Request
from scrapy.crawler import Crawler
from scrapy.http import Response, TextResponse
from scrapy.utils.asyncio import run_in_thread

from nlp.dates import parse_date
from search.document import Attachment, Document, document_id

from .attachments import document_type, extract_text
from .config import AttachmentRule
from .errors import AttachmentError
from .links import document_links
from .spiders.base import NOT_MODIFIED, header
from .state import PageState
from .text import excerpt, main_text

MB = 1024 * 1024


class LinkFollower:
    """Fetches for one item, through the engine: robots.txt, delays, retries and size caps apply.

    A URL fetched within the source's `recrawl_days` (and not updated since) is not fetched
    again; a stale one is asked conditionally. Either way an unchanged page reuses what the
    stored document holds, so its content hash, and the report, say "unchanged".
    """

    def __init__(self, crawler: Crawler, item: dict):
        self.crawler = crawler
        self.spider = crawler.spider
        self.item = item
        self.fetched: dict[str, Response] = {}
        self.last_error = ""
        self._stored: list[Document | None] = []  # empty until looked up

    async def stored(self) -> Document | None:
        """The item's document as indexed by an earlier run, if any (looked up once, in a thread:
        a remote backend must not stall the download loop)."""
        if not self._stored:
            doc_id = self.item.get("id") or document_id(self.item["url"])
            self._stored.append(await run_in_thread(self.spider.backend.get, doc_id))
        return self._stored[0]

    async def article(self) -> list[dict]:
        """Replace the item's body with its page's main text; return the page's document links."""
        url, item, state = self.item["url"], self.item, self.spider.state
        updated = _as_datetime(item.get("updated"))
        if state.fresh(url, self.spider.source.recrawl_days, updated) and (stored := await self.stored()):
            return self._reuse_article(stored)
        response = await self.fetch(url)
        if response is None:
            return []
        if response.status == NOT_MODIFIED and (stored := await self.stored()):
            state.touch(url)
            return self._reuse_article(stored)
        state.remember(_page(url, response, items=1))
        if not isinstance(response, TextResponse):  # the entry links straight to a PDF or DOCX
            self.fetched[url] = response
            return [{"url": url, "title": item["title"]}] if document_type(response.body) else []
        text = await run_in_thread(main_text, response.text)
        if text:
            item["body"], item["summary"] = text, item.get("summary") or excerpt(text)
        item["http_last_modified"] = header(response, "Last-Modified") or item.get("http_last_modified")
        return document_links(response.selector, response.url, self.spider.source.attachments)

    def _reuse_article(self, stored: Document) -> list[dict]:
        self.item["body"] = stored.body
        return [{"url": a.url, "title": a.title} for a in stored.attachments]

    async def attachments(self, links: list[dict], rule: AttachmentRule) -> list[dict]:
        """Fetch up to `rule.max_files` documents and extract their text; problems are kept
        on the attachment (and in the run's errors), never fatal to the item."""
        unique = list({link["url"]: link for link in links}.values())[: rule.max_files]
        return [await self.attachment(link["url"], link.get("title") or "", rule) for link in unique]

    async def attachment(self, url: str, title: str, rule: AttachmentRule) -> dict:
        state, stored = self.spider.state, await self.stored()
        previous = next((a for a in stored.attachments if a.url == url), None) if stored else None
        if previous and state.fresh(url, self.spider.source.recrawl_days):
            return previous.model_dump()
        response = self.fetched.get(url) or await self.fetch(url, download_maxsize=int(rule.max_mb * MB))
        if response is None:
            return Attachment(url=url, title=title, error=self.last_error).model_dump()
        if response.status == NOT_MODIFIED and previous:
            state.touch(url)
            return previous.model_dump()
        state.remember(_page(url, response, items=0))
        try:
            text, error = await run_in_thread(extract_text, response.body, rule.types), None
        except AttachmentError as exc:
            text, error = "", str(exc)
            self.spider.errors.append(f"{url}: {exc}")
        return Attachment(url=url, title=title, text=text, error=error).model_dump()

    async def fetch(self, url: str, **meta) -> Response | None:
        """The response, 304 included; None (and a recorded error) when there is none."""
        request = Request(url, headers=self.spider.state.validators(url), meta=meta)
        try:
            response = await self.crawler.engine.download_async(request)
        except Exception as exc:  # noqa: BLE001 - robots.txt, timeouts, size cap: all reported alike
            return self._failed(url, str(exc) or type(exc).__name__)
        if response.status >= 400:
            return self._failed(url, f"HTTP {response.status}")
        return response

    def _failed(self, url: str, reason: str) -> None:
        self.last_error = reason
        self.spider.errors.append(f"{url}: {reason}")
        return None


def _page(url: str, response: Response, items: int) -> PageState:
    return PageState(url=url, fetched=datetime.now(UTC), etag=header(response, "ETag"),
                     last_modified=header(response, "Last-Modified"), items=items)


def _as_datetime(value) -> datetime | None:
    """An entry's `updated` hint as a UTC datetime (text, date or datetime)."""
    if isinstance(value, str):
        value = parse_date(value, "en")
    if isinstance(value, datetime):
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value
    if isinstance(value, date):
        return datetime.combine(value, time.min, UTC)
    return None
