"""Listings that a script builds in the browser: the `html` recipe, rendered in chromium."""

from __future__ import annotations

import scrapy
from scrapy.http import Response
from scrapy_playwright.page import PageMethod

from crawlers.config import BrowserSource
from crawlers.errors import UnreadableContent

from .html import HtmlSpider

VALIDATORS = ("If-None-Match", "If-Modified-Since")
# The outer HTML of what a selector matches (CSS, or XPath when it starts with "/" or "(").
MATCHED_HTML = """query => {
  const nodes = /^[/(]/.test(query)
    ? (r => Array.from({length: r.snapshotLength}, (_, i) => r.snapshotItem(i)))(
        document.evaluate(query, document, null, XPathResult.ORDERED_NODE_SNAPSHOT_TYPE, null))
    : Array.from(document.querySelectorAll(query));
  return nodes.map(n => n.outerHTML || n.textContent).join("\\n");
}"""
CHANGED = f"([query, before]) => {{ const now = ({MATCHED_HTML})(query); return now && now !== before; }}"


class BrowserSpider(HtmlSpider):
    """Render a listing in a headless chromium, click through its pages, read it as `html` does.

    1. `source.url` opens in chromium (one browser per crawl, started by the first rendered
       page; see `crawlers/browser.py`) and the listing is read once `browser.wait_for`
       matches (CSS, or XPath when it starts with "/" or "(").
    2. With `browser.next_click`, that button is clicked while it is there and enabled, up to
       `listing.max_pages` listing pages in all; after each click the listing is read again
       once what `wait_for` matches has changed. A listing that never shows `wait_for`, or a
       click that changes nothing, is an error.
    3. Every listing page read is parsed as the `html` type parses one (`listing`, `fields`,
       attachments); notice pages are fetched plainly, or, with `browser.details_wait_for`,
       rendered and read once that matches.
    4. A rendered page is always fetched whole: its validators describe the page's shell, not
       the data its script loads.
    """

    source_type = "browser"
    source: BrowserSource

    def request(self, url: str, callback, **kwargs) -> scrapy.Request:
        request = super().request(url, callback, **kwargs)
        wait_for = self.source.browser.details_wait_for
        if request.meta.get("detail") and wait_for:
            self.rendered(request, PageMethod(wait_until_shown, wait_for, self.timeout))
        return request

    def index_request(self, url: str, parse, page: int = 1, **kwargs) -> scrapy.Request:
        actions, remaining = self.source.browser, self.source.listing.max_pages - page + 1
        request = super().index_request(url, parse, page, **kwargs)
        return self.rendered(request, PageMethod(read_listing, actions.wait_for, actions.next_click,
                                                 remaining, self.timeout))

    @property
    def timeout(self) -> float:
        return self.settings.getfloat("DOWNLOAD_TIMEOUT")

    @staticmethod
    def rendered(request: scrapy.Request, action: PageMethod) -> scrapy.Request:
        for name in VALIDATORS:
            request.headers.pop(name, None)
        request.meta.update(playwright=True, playwright_page_methods=[action])
        return request

    def parse(self, response: Response):
        walk = response.meta["playwright_page_methods"][0].result
        if walk["error"]:
            self.parse_error(response, UnreadableContent(walk["error"]))
        for url, html in walk["pages"]:
            yield from super().parse(response.replace(url=url, body=html, encoding="utf-8"))


async def wait_until_shown(page, query: str, timeout: float) -> None:
    """Wait until `query` matches; UnreadableContent, saying what was awaited, when it never does
    (Playwright's own message is a page of call log)."""
    from playwright.async_api import TimeoutError as PlaywrightTimeout  # only browser crawls load Playwright

    page.set_default_timeout(timeout * 1000)
    try:
        await page.wait_for_selector(_playwright(query), state="attached")
    except PlaywrightTimeout:
        raise UnreadableContent(f"the page never showed {query!r} (waited {timeout:g} s)") from None


async def read_listing(page, wait_for: str, next_click: str | None, max_pages: int, timeout: float) -> dict:
    """The URL and HTML of every listing page: the first once `wait_for` matches, then one per
    click on `next_click` (which may run a script or submit a form); `error` says why the walk
    stopped early, if it did."""
    from playwright.async_api import TimeoutError as PlaywrightTimeout

    await wait_until_shown(page, wait_for, timeout)
    pages = [(page.url, await page.content())]
    while next_click and len(pages) < max_pages:
        button = page.locator(_playwright(next_click)).first
        if not await button.count() or not await button.is_visible() or not await button.is_enabled():
            break
        before = await page.evaluate(MATCHED_HTML, wait_for)
        await button.click()
        try:
            await page.wait_for_function(CHANGED, arg=[wait_for, before])
        except PlaywrightTimeout:
            return {"pages": pages, "error": f"clicking {next_click!r} on listing page {len(pages)} did not "
                                            f"change {wait_for!r} within {timeout:g} s"}
        pages.append((page.url, await page.content()))
    return {"pages": pages, "error": None}


def _playwright(query: str) -> str:
    return f"xpath={query}" if query.startswith(("/", "(")) else query
