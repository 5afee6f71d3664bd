"""JSON APIs: records mapped to documents with JMESPath, page after page."""

from __future__ import annotations

import json
from typing import Any

import jmespath
from scrapy.http import Request, Response
from w3lib.encoding import http_content_type_encoding
from w3lib.url import add_or_replace_parameter

from crawlers.config import ApiSource
from crawlers.errors import UnreadableContent
from crawlers.text import decode, derived_title, excerpt, html_to_text

from .base import SourceSpider, header


class ApiSpider(SourceSpider):
    """Page through a JSON endpoint and map each record's fields with JMESPath.

    1. Ask `source.url` with `method` and `headers`; a POST sends `body` as JSON, a GET is
       conditional. Pagination parameters go in the query string (GET) or the JSON body
       (POST), unless `pagination.location` says otherwise.
    2. `items` selects the page's records; `fields.<name>` maps each record (a dotted path is
       a JMESPath expression); `url` is required (a record without one is counted as
       skipped), a missing `title` is derived from the body's first sentence; relative URLs
       resolve against the page, an `amount` with a `currency` is structured, other amounts
       are parsed as text.
    3. Turn the page by `pagination.style`: `page` counts `param` from `start`; `offset`
       advances `param` by `size`; `cursor` sends the value found at `next`; `next_link`
       follows the URL found at `next`. Stop at an empty or short page, a missing cursor or
       link, or after `max_pages` pages.
    4. `fetch_article` and `attachments` are applied by the pipelines.
    """

    source_type = "api"
    source: ApiSource

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.records = jmespath.compile(self.source.items)
        self.fields = {name: jmespath.compile(expression)
                       for name, expression in self.source.fields.model_dump().items() if expression}

    @property
    def max_pages(self) -> int:
        return self.source.pagination.max_pages

    async def start(self):
        pagination = self.source.pagination
        first = pagination.start if pagination.style in ("page", "offset") else None
        yield self.page_request(self.source.url, first, page=1)

    def page_request(self, url: str, value: Any, page: int) -> Request:
        """A page of the API: `value` is the page number, offset or cursor, if any."""
        pagination, source = self.source.pagination, self.source
        params = {pagination.param: value} if value is not None and pagination.param else {}
        if pagination.size and pagination.size_param:
            params[pagination.size_param] = pagination.size
        in_body = (pagination.location or ("body" if source.method == "POST" else "query")) == "body"
        if not in_body:
            for name, param in params.items():
                url = add_or_replace_parameter(url, name, str(param))
        headers = {"Accept": "application/json", **source.headers}
        if source.method == "POST":
            body = json.dumps({**(source.body or {}), **(params if in_body else {})})
            return self.index_request(url, self.parse, page=page, method="POST", body=body,
                                      headers={**headers, "Content-Type": "application/json"})
        return self.index_request(url, self.parse, page=page, headers=headers)

    def replay_index(self, response: Response, url: str, parse):
        if self.within_max_pages(response):
            yield self.page_request(url, None, response.meta.get("page", 1) + 1)

    def parse(self, response: Response):
        try:
            charset = http_content_type_encoding(header(response, "Content-Type"))
            data = json.loads(decode(response.body, charset))
        except ValueError as exc:
            self.parse_error(response, UnreadableContent(f"not JSON: {exc}"))
            return
        records = self.records.search(data)
        if not isinstance(records, list):
            self.parse_error(response, UnreadableContent(f"items {self.source.items!r} selects no list here"))
            return
        for record in records:
            item = self.record_item(record, response)
            if item:
                yield item
        yield from self.following_page(response, data, len(records))

    def following_page(self, response: Response, data: Any, count: int):
        pagination, page = self.source.pagination, response.meta.get("page", 1)
        short = pagination.size is not None and count < pagination.size
        if pagination.style == "none" or count == 0 or (short and pagination.style in ("page", "offset")):
            return
        if pagination.style == "next_link":
            url = jmespath.search(pagination.next, data)
            value = None
        else:
            url = response.url if self.source.method == "GET" else self.source.url
            value = (pagination.start + page if pagination.style == "page"
                     else pagination.start + page * (pagination.size or 0) if pagination.style == "offset"
                     else jmespath.search(pagination.next, data))
        if url and (value is not None or pagination.style == "next_link") and self.within_max_pages(response):
            yield self.page_request(response.urljoin(str(url)), value, page + 1)

    def record_item(self, record: Any, response: Response) -> dict | None:
        values = {name: expression.search(record) for name, expression in self.fields.items()}
        if not _text(values.get("url")).strip():
            self.skip("no link")
            return None
        title = html_to_text(_text(values.get("title")))
        body = html_to_text(_text(values.get("body")))
        summary = html_to_text(_text(values.get("summary")))
        if not title and not (body or summary):
            self.skip("no title or text")
            return None
        amount, currency = values.get("amount"), _text(values.get("currency")).upper()
        structured = isinstance(amount, int | float) and len(currency) == 3
        return {
            "url": response.urljoin(str(values["url"]).strip()),
            "title": title or derived_title(body or summary),
            "title_derived": not title,
            "summary": summary or excerpt(body),
            "body": body or summary,
            "published": values.get("published"),
            "updated": values.get("updated"),
            "deadline": values.get("deadline"),
            "amount": {"value": amount, "currency": currency} if structured else None,
            "amount_text": None if structured or amount is None else f"{currency} {amount}".strip(),
            "organizations": _strings(values.get("organizations")),
            "categories": _strings(values.get("categories")),
            "attachment_links": [{"url": response.urljoin(link["url"]), "title": link["title"]}
                                 for link in _links(values.get("attachments"))],
        }


def _text(value: Any) -> str:
    return "" if value is None else str(value)


def _strings(value: Any) -> list[str]:
    values = value if isinstance(value, list) else [value]
    return [str(v).strip() for v in values if v is not None and str(v).strip()]


def _links(value: Any) -> list[dict]:
    """Attachment links given as URLs or as objects with `url` (and `title` or `name`)."""
    links = []
    for entry in value if isinstance(value, list) else [value]:
        if isinstance(entry, str) and entry.strip():
            links.append({"url": entry.strip(), "title": ""})
        elif isinstance(entry, dict) and entry.get("url"):
            title = entry.get("title") or entry.get("name") or ""
            links.append({"url": str(entry["url"]), "title": str(title)})
    return links
