"""HTML notice pages: a listing with links to one page per notice."""

from __future__ import annotations

import trafilatura
from parsel import Selector
from scrapy.http import Response

from crawlers.config import HtmlSource
from crawlers.text import excerpt, html_to_text

from .base import SourceSpider


class HtmlSpider(SourceSpider):
    """Follow a listing page's links to notice pages and read fields by selector.

    1. On `source.url`, `listing.item_links` selects the notice links (CSS, or XPath when the
       selector starts with "/" or "("); `listing.next_page` the next listing page, if any.
    2. On each notice page, `fields.<name>` selects a field; a selector matching elements
       yields their text, one matching `::text` or `::attr()` yields the strings.
    3. Without a `body` selector the main text comes from trafilatura; without a `title`
       selector the title comes from the page metadata (og:title, then <title>).
    """

    source_type = "html"
    source: HtmlSource

    def parse(self, response: Response):
        listing = self.source.listing
        for href in select(response.selector, listing.item_links).getall():
            yield self.request(response.urljoin(href.strip()), self.parse_notice)
        if listing.next_page:
            next_href = select(response.selector, listing.next_page).get()
            if next_href:
                yield self.request(response.urljoin(next_href.strip()), self.parse)

    def parse_notice(self, response: Response):
        fields = self.source.fields
        body = self.field_text(response, fields.body) or _main_text(response.text)
        title = self.field_text(response, fields.title) or _page_title(response.selector)
        if not title:
            self.parse_error(response, ValueError("notice page without a title"))
            return
        organization = self.field_text(response, fields.organization)
        yield {
            "url": response.url,
            "title": title,
            "summary": self.field_text(response, fields.summary) or excerpt(body),
            "body": body,
            "published": self.field_text(response, fields.published) or None,
            "deadline_text": self.field_text(response, fields.deadline) or None,
            "amount_text": self.field_text(response, fields.amount) or None,
            "organizations": [organization] if organization else [],
        }

    @staticmethod
    def field_text(response: Response, selector: str | None) -> str:
        if not selector:
            return ""
        matches = select(response.selector, selector)
        if "::text" in selector or "::attr" in selector or "/@" in selector or "text()" in selector:
            return " ".join(s.strip() for s in matches.getall() if s.strip())
        return html_to_text("\n".join(matches.getall()))


def select(selector: Selector, query: str):
    return selector.xpath(query) if query.startswith(("/", "(")) else selector.css(query)


def _main_text(html: str) -> str:
    return trafilatura.extract(html, include_comments=False, include_tables=True) or ""


def _page_title(selector: Selector) -> str:
    for query in ('meta[property="og:title"]::attr(content)', "title::text", "h1::text"):
        value = (selector.css(query).get() or "").strip()
        if value:
            return value
    return ""
