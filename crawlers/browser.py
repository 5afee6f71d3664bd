"""Render pages in a headless chromium (scrapy-playwright) without giving up the address guard.

Only crawls of a `browser` source load this handler (`settings.browser_settings`): a crawl of
feeds, OCDS, HTML or APIs never imports Playwright nor starts a browser. Requests marked
`playwright` open in chromium; every other one (robots.txt, plain notice pages, attachments)
goes through the guarded HTTP/1.1 pool of `crawlers.addresses`.

The browser resolves names itself, so the guard cannot look at the connected peer as the HTTP
pool does. Unless private addresses are allowed, it resolves each host first instead: a page
whose host resolves to a non-public address is refused before the browser navigates, every
request the page makes to such a host (scripts, the JSON its listing is built from, redirects)
is aborted and recorded, and a rendered response that came from such an address all the same
(DNS rebinding between our lookup and the browser's) is refused after the fact.
"""

from __future__ import annotations

import asyncio
import socket
from urllib.parse import urlsplit

from playwright.async_api import Request as PlaywrightRequest
from scrapy.crawler import Crawler
from scrapy.http import Request, Response
from scrapy_playwright.handler import ScrapyPlaywrightDownloadHandler

from . import addresses


class BrowserDownloadHandler(ScrapyPlaywrightDownloadHandler, addresses.GuardedDownloadHandler):
    """scrapy-playwright's download handler over the guarded HTTP handler, refusing private hosts."""

    def __init__(self, crawler: Crawler):
        super().__init__(crawler)
        self.guarded = not addresses.private_allowed(crawler)
        self._refusals: dict[str, str | None] = {}  # host -> why it is refused, or None
        if self.guarded:
            self.abort_request = self._abort_private

    async def download_request(self, request: Request) -> Response:
        if not (self.guarded and request.meta.get("playwright")):
            return await super().download_request(request)
        reason = await self._refusal(request.url)
        if reason:
            raise addresses.PrivateAddressRefused(reason)
        response = await super().download_request(request)
        peer = str(response.ip_address) if response.ip_address else None
        if peer and not addresses.is_public(peer):
            raise addresses.PrivateAddressRefused(addresses.refusal(urlsplit(response.url).hostname, peer))
        return response

    async def _abort_private(self, request: PlaywrightRequest) -> bool:
        """Abort (and record) a request of a rendered page to a host that is not public."""
        if urlsplit(request.url).scheme not in ("http", "https"):
            return False  # data:, blob: and the like reach no host
        reason = await self._refusal(request.url)
        if reason:
            self._crawler.spider.errors.append(f"{request.url}: {reason}")
        return reason is not None

    async def _refusal(self, url: str) -> str | None:
        """Why `url`'s host may not be fetched (it resolves to a non-public address), else None.
        A name that does not resolve is left to the browser, which reports it."""
        parts = urlsplit(url)
        host = parts.hostname or ""
        if host not in self._refusals:
            try:
                found = await asyncio.get_running_loop().getaddrinfo(
                    host, parts.port or (443 if parts.scheme == "https" else 80), type=socket.SOCK_STREAM)
            except OSError:
                found = []
            private = [info[4][0] for info in found if not addresses.is_public(info[4][0])]
            self._refusals[host] = addresses.refusal(host, private[0]) if private else None
        return self._refusals[host]
