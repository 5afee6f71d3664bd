"""HTML notice pages: a listing with links to one page per notice."""

from __future__ import annotations

from parsel import Selector
from scrapy.http import Response

from crawlers.config import HtmlSource
from crawlers.errors import UnreadableContent
from crawlers.links import document_links, select
from crawlers.text import derived_title, excerpt, html_to_text, main_text

from .base import SourceSpider


class HtmlSpider(SourceSpider):
    """Follow a listing page's links to notice pages and read fields by selector.

    1. On `source.url` (conditional GET), `listing.item_links` selects the notice links (CSS,
       or XPath when the selector starts with "/" or "("; <a> elements or their href strings);
       `listing.next_page` the next
       listing page, followed up to `listing.max_pages`. A first page without links is an
       error: the site changed or the selector is wrong.
    2. Each notice page is fetched unless stored within `recrawl_days` (see `follow`).
    3. On a notice page, `fields.<name>` selects a field; a selector matching elements
       yields their text, one matching `::text`, `::attr()`, `text()` or `@attr` the strings.
    4. Without a `body` selector the main text comes from trafilatura; without a `title`
       selector the title comes from the page metadata (og:title, then <title>, then <h1>),
       else from the text's first sentence (`title_derived`). A notice link without an href,
       and a page with neither title nor text, are counted as skipped with the reason.
    5. Links to PDF/DOCX/ODT files (or those `attachments.links` selects) become
       `attachment_links`, for the attachments pipeline.
    """

    source_type = "html"
    source: HtmlSource

    @property
    def max_pages(self) -> int:
        return self.source.listing.max_pages

    def parse(self, response: Response):
        listing = self.source.listing
        links = [m.root if isinstance(m.root, str) else m.attrib.get("href", "")
                 for m in select(response.selector, listing.item_links)]
        if blank := sum(1 for link in links if not link.strip()):
            self.skip("no link", blank)
        links = [link for link in links if link.strip()]
        if not links and response.meta.get("page", 1) == 1:
            self.parse_error(response, UnreadableContent(
                f"the listing selector {listing.item_links!r} matched no notice links"))
        for href in links:
            yield from self.follow(response, href.strip(), self.parse_notice)
        if listing.next_page:
            next_href = select(response.selector, listing.next_page).get()
            if next_href:
                yield from self.next_page(response, next_href.strip(), self.parse)

    def parse_notice(self, response: Response):
        fields = self.source.fields
        body = self.field_text(response, fields.body) or main_text(response.text)
        title = self.field_text(response, fields.title) or _page_title(response.selector)
        if not title and not body:
            self.skip("no title or text")
            return
        organization = self.field_text(response, fields.organization)
        yield {
            "url": response.url,
            "title": title or derived_title(body),
            "title_derived": not title,
            "summary": self.field_text(response, fields.summary) or excerpt(body),
            "body": body,
            "published": self.field_text(response, fields.published) or None,
            "deadline_text": self.field_text(response, fields.deadline) or None,
            "amount_text": self.field_text(response, fields.amount) or None,
            "organizations": [organization] if organization else [],
            "attachment_links": document_links(response.selector, response.url, self.source.attachments),
        }

    @staticmethod
    def field_text(response: Response, selector: str | None) -> str:
        if not selector:
            return ""
        matches = select(response.selector, selector)
        if any(isinstance(match.root, str) for match in matches):
            return " ".join(s.strip() for s in matches.getall() if s.strip())
        return html_to_text("\n".join(matches.getall()))


def _page_title(selector: Selector) -> str:
    for query in ('meta[property="og:title"]::attr(content)', "title::text", "h1::text"):
        value = (selector.css(query).get() or "").strip()
        if value:
            return value
    return ""
