"""RSS and Atom feeds."""

from __future__ import annotations

import calendar
from datetime import UTC, datetime
from urllib.parse import urljoin

import feedparser
from scrapy.http import Response

from crawlers.text import excerpt, html_to_text

from .base import SourceSpider


class FeedSpider(SourceSpider):
    """Read an RSS 0.9x/1.0/2.0 or Atom feed with feedparser.

    1. Fetch `source.url` and hand the raw bytes and headers to feedparser, which sniffs the
       encoding and reads ill-formed ("bozo") feeds where it can.
    2. Refuse a response that yields no feed at all, with feedparser's reason.
    3. One item per entry: link resolved against the entry's base, title and summary as plain
       text, the longest content as body, the published (or updated) date in UTC.
    """

    source_type = "feed"

    def parse(self, response: Response):
        feed = feedparser.parse(
            response.body,
            response_headers={k.decode().lower(): v[0].decode("latin-1")
                              for k, v in response.headers.items() if v},
        )
        if feed.bozo and not feed.entries:
            self.parse_error(response, ValueError(f"not a readable feed: {feed.bozo_exception}"))
            return
        for entry in feed.entries:
            item = self.entry_item(entry, response.url)
            if item:
                yield item

    def entry_item(self, entry, feed_url: str) -> dict | None:
        link = entry.get("link") or entry.get("id")
        title = html_to_text(entry.get("title"))
        if not link or not title:
            return None
        base = entry.get("title_detail", {}).get("base") or feed_url
        summary = html_to_text(entry.get("summary"))
        contents = [html_to_text(c.get("value")) for c in entry.get("content", [])]
        body = max([summary, *contents], key=len)
        return {
            "url": urljoin(base, link.strip()),
            "title": title,
            "summary": summary if summary != body else excerpt(body),
            "body": body,
            "published": _entry_date(entry),
            "organizations": [a for a in [entry.get("author")] if a],
            "categories": [t.get("term") for t in entry.get("tags", []) if t.get("term")],
        }


def _entry_date(entry) -> datetime | None:
    parsed = entry.get("published_parsed") or entry.get("updated_parsed")
    return datetime.fromtimestamp(calendar.timegm(parsed), UTC) if parsed else None

