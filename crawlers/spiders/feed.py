"""RSS and Atom feeds."""

from __future__ import annotations

import calendar
from datetime import UTC, datetime
from urllib.parse import urljoin

import feedparser
from scrapy.http import Response
from w3lib.encoding import html_body_declared_encoding, http_content_type_encoding

from crawlers.archives import is_zip
from crawlers.config import FeedSource
from crawlers.errors import UnreadableContent
from crawlers.links import document_links, looks_like_document
from crawlers.text import body_charset, derived_title, excerpt, html_to_text

from .base import SourceSpider, header


class FeedSpider(SourceSpider):
    """Read an RSS 0.9x/1.0 (RDF)/2.0 or Atom 0.3/1.0 feed with feedparser.

    1. Fetch `source.url` (conditional GET) and hand the raw bytes, the headers and the URL
       to feedparser, which decodes entities and CDATA and reads ill-formed ("bozo") feeds
       where it can; the charset it is given is the one the bytes are in (`feed_charset`:
       BOM, valid UTF-8, else the declaration), whatever the headers say.
    2. Refuse a response that yields no feed at all, with feedparser's reason.
    3. One item per entry: the link resolved against the entry's xml:base or the feed URL,
       title and summary as plain text, the longest content as body, the published (else
       updated) date in UTC, and `updated` so a changed entry's article is fetched again.
       An entry without a title (RSS 2.0 needs a title *or* a description) takes its text's
       first sentence, flagged `title_derived`; one without a link, or without any text, is
       counted as skipped with its reason.
    4. Enclosures and links in the entry's HTML that point to PDF/DOCX/ODT files become
       `attachment_links`; `fetch_article` and `attachments` are applied by the pipelines.
    """

    source_type = "feed"
    source: FeedSource

    def parse(self, response: Response):
        if is_zip(response.body):
            self.parse_error(response, UnreadableContent("a ZIP archive, not a feed"))
            return
        headers = {k.decode().lower(): v[0].decode("latin-1") for k, v in response.headers.items() if v}
        headers["content-location"] = response.url  # the base for relative links
        headers["content-type"] = f"application/xml; charset={feed_charset(response)}"
        feed = feedparser.parse(response.body, response_headers=headers)
        if feed.bozo and not feed.entries:
            self.parse_error(response, UnreadableContent(f"not a readable feed: {feed.bozo_exception}"))
            return
        for entry in feed.entries:
            item = self.entry_item(entry, response.url)
            if item:
                yield item

    def entry_item(self, entry, feed_url: str) -> dict | None:
        """The entry's item, or None when it has no link, or neither title nor text (counted)."""
        link = (entry.get("link") or entry.get("id") or "").strip()
        if not link:
            self.skip("no link")
            return None
        title = html_to_text(entry.get("title"))
        base = entry.get("title_detail", entry.get("summary_detail", {})).get("base") or feed_url
        summary = html_to_text(entry.get("summary"))
        contents = [html_to_text(c.get("value")) for c in entry.get("content", [])]
        body = max([summary, *contents], key=len)
        if not title and not body:
            self.skip("no title or text")
            return None
        return {
            "url": urljoin(base, link),
            "title": title or derived_title(body),
            "title_derived": not title,
            "summary": summary if summary != body else excerpt(body),
            "body": body,
            "published": _entry_date(entry, "published_parsed") or _entry_date(entry, "updated_parsed"),
            "updated": _entry_date(entry, "updated_parsed"),
            "organizations": [a for a in [entry.get("author")] if a],
            "categories": [t.get("term") for t in entry.get("tags", []) if t.get("term")],
            "attachment_links": self.attachment_links(entry, base),
        }

    def attachment_links(self, entry, base: str) -> list[dict]:
        rule = self.source.attachments
        links = [{"url": urljoin(base, e["href"]), "title": e.get("title", "")}
                 for e in entry.get("enclosures", [])
                 if e.get("href") and looks_like_document(e["href"], rule, e.get("type", ""))]
        html = "\n".join([entry.get("summary", ""), *(c.get("value", "") for c in entry.get("content", []))])
        known = {link["url"] for link in links}
        return links + [link for link in document_links(html, base, rule) if link["url"] not in known]


def feed_charset(response: Response) -> str:
    """The charset of a feed by its content (BOM, valid UTF-8, else the header's or the XML
    prolog's declaration): a declaration that contradicts the bytes is not believed."""
    declared = (http_content_type_encoding(header(response, "Content-Type"))
                or html_body_declared_encoding(response.body))
    return body_charset(response.body, declared)


def _entry_date(entry, key: str) -> datetime | None:
    parsed = entry.get(key)
    return datetime.fromtimestamp(calendar.timegm(parsed), UTC) if parsed else None
