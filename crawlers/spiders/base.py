"""What every source spider shares: configuration, incremental requests and the error record."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from datetime import UTC, datetime
from typing import Any

import scrapy
from scrapy.http import Response, TextResponse
from twisted.python.failure import Failure

from crawlers.archives import is_zip
from crawlers.config import SourceBase
from crawlers.state import PageState, SourceState
from crawlers.text import decode
from search.backend import SearchBackend

NOT_MODIFIED = 304
SKIP = "observatorio/skip/"  # stats prefix of records read and not indexed, by reason


class SourceSpider(scrapy.Spider):
    """A spider for one source of `sources.yaml`; subclasses handle one source *type*.

    1. The runner creates it with its validated `source` entry (the id is its name), the
       search `backend` the pipelines write to and the source's crawl `state`.
    2. `start()` asks for `source.url` with `index_request`: feeds, listings, API and package
       pages go out as conditional GETs; a 304 counts the items they gave last time as
       unchanged and replays the links they led to.
    3. `follow` asks for a detail page unless it was fetched within `source.recrawl_days`;
       an older one is asked conditionally, and a 304 counts it unchanged.
    4. A response whose declared charset garbles its text is re-decoded (`readable`).
    5. Subclasses implement `parse` and yield plain dicts with Document fields plus the hints
       the pipelines read (`crawlers/pipelines.py`); every item gets the response's
       Last-Modified as `http_last_modified`. Failed requests land in `self.errors`.
    """

    source_type = ""
    max_pages = 1_000  # listing or API pages followed in one run

    def __init__(self, source: SourceBase, backend: SearchBackend, state: SourceState, **kwargs: Any):
        super().__init__(name=source.id, **kwargs)
        self.source = source
        self.backend = backend
        self.state = state
        self.errors: list[str] = []

    async def start(self):
        yield self.index_request(self.source.url, self.parse)

    # -- requests ------------------------------------------------------------------------

    def request(self, url: str, callback: Callable, **kwargs: Any) -> scrapy.Request:
        return scrapy.Request(url, callback=callback, errback=self.record_failure, **kwargs)

    def index_request(self, url: str, parse: Callable, page: int = 1, **kwargs: Any) -> scrapy.Request:
        """A page that lists items (feed, listing, API or package page), asked conditionally."""
        method = kwargs.get("method", "GET")
        headers = {**kwargs.pop("headers", {}), **(self.state.validators(url) if method == "GET" else {})}
        return self.request(url, self._index_page, headers=headers, cb_kwargs={"parse": parse.__name__},
                            meta={"handle_httpstatus_list": [NOT_MODIFIED], "page": page}, **kwargs)

    def within_max_pages(self, response: Response) -> bool:
        """Whether one more listing page may be read in this run (`max_pages` is a configured
        limit, not an error)."""
        return response.meta.get("page", 1) < self.max_pages

    def next_page(self, response: Response, url: str, parse: Callable) -> Iterator[scrapy.Request]:
        """The listing's next page, within `max_pages`."""
        if self.within_max_pages(response):
            yield self.index_request(response.urljoin(url), parse, page=response.meta.get("page", 1) + 1)

    def follow(self, response: Response, url: str, parse: Callable) -> Iterator[scrapy.Request]:
        """A detail page linked from `response`, unless the stored copy is recent enough (then it
        counts as unchanged, and stays among the links the listing page led to)."""
        url = response.urljoin(url)
        if self.state.fresh(url, self.source.recrawl_days):
            self.crawler.stats.inc_value("observatorio/unchanged", self.state.pages[url].items or 1)
            response.meta.setdefault("skipped_links", []).append((f"detail:{parse.__name__}", url))
            return
        yield self.request(url, self._detail_page, headers=self.state.validators(url),
                           cb_kwargs={"parse": parse.__name__},
                           meta={"handle_httpstatus_list": [NOT_MODIFIED], "detail": True})

    # -- responses -----------------------------------------------------------------------

    def _index_page(self, response: Response, parse: str):
        url = origin_url(response)
        if response.status == NOT_MODIFIED and url in self.state.pages:
            yield from self._replay(response, self.state.pages[url])
            return
        links: list[tuple[str, str]] = []
        items = 0
        response = readable(response)
        for result in self._with_last_modified(response, getattr(self, parse)(response)):
            if isinstance(result, scrapy.Request):
                if result.method == "GET" and "parse" in result.cb_kwargs:
                    links.append((_link_kind(result), result.url))
            else:
                items += 1
            yield result
        links += response.meta.get("skipped_links", [])
        if response.request.method == "GET":
            self.state.remember(_page_state(response, url, links, items))

    def _replay(self, response: Response, page: PageState):
        """A 304: what the page gave last time is unchanged; what it linked to may not be."""
        self.state.touch(page.url)
        self.crawler.stats.inc_value("observatorio/unchanged", page.items)
        for kind, url in page.links:
            role, parse = kind.split(":")
            if role == "index":
                yield from self.replay_index(response, url, getattr(self, parse))
            else:
                yield from self.follow(response, url, getattr(self, parse))

    def replay_index(self, response: Response, url: str, parse: Callable) -> Iterator[scrapy.Request]:
        """Ask again for a page that a 304 page led to last time."""
        yield from self.next_page(response, url, parse)

    def _detail_page(self, response: Response, parse: str):
        url = origin_url(response)
        if response.status == NOT_MODIFIED and url in self.state.pages:
            self.state.touch(url)
            self.crawler.stats.inc_value("observatorio/unchanged", self.state.pages[url].items or 1)
            return
        items = 0
        response = readable(response)
        for result in self._with_last_modified(response, getattr(self, parse)(response)):
            items += not isinstance(result, scrapy.Request)
            yield result
        if items:
            self.state.remember(_page_state(response, url, [], items))

    @staticmethod
    def _with_last_modified(response: Response, results: Iterable[Any]) -> Iterator[Any]:
        last_modified = header(response, "Last-Modified")
        for result in results:
            if isinstance(result, dict) and last_modified:
                result.setdefault("http_last_modified", last_modified)
            yield result

    # -- errors --------------------------------------------------------------------------

    def record_failure(self, failure: Failure) -> None:
        """Keep a one-line reason per failed request; the run report and source health show it."""
        request = getattr(failure, "request", None)
        url = request.url if request is not None else self.source.url
        response = getattr(failure.value, "response", None)
        reason = f"HTTP {response.status}" if response is not None else failure.getErrorMessage()
        if request is not None and request.meta.get("gave_up"):
            reason += f" ({request.meta['gave_up']})"
        self.errors.append(f"{url}: {reason or failure.type.__name__}")
        if request is not None and request.meta.get("detail"):
            self.crawler.stats.inc_value("observatorio/failed")

    def skip(self, reason: str, count: int = 1) -> None:
        """Count records read and not indexed, by a short reason ("no link", "no text"): the
        crawl report and source health show every one, so nothing is dropped in silence."""
        self.crawler.stats.inc_value(f"{SKIP}{reason}", count)

    def parse_error(self, response: Response, exc: Exception) -> None:
        """Record content we fetched but could not read (bad JSON, not a feed, ...)."""
        self.errors.append(f"{response.url}: {exc}")


def origin_url(response: Response) -> str:
    """The URL we asked for, before any redirect: the key of the crawl state."""
    return response.meta.get("redirect_urls", [response.url])[0]


def readable(response: Response) -> Response:
    """The response, re-decoded when its declared charset garbles it (U+FFFD in the text):
    by BOM, strict UTF-8, else Windows-1252, as `crawlers.text.decode` does. A ZIP archive
    mislabelled as text is left as it came."""
    if isinstance(response, TextResponse) and not is_zip(response.body) and "\ufffd" in response.text:
        return response.replace(body=decode(response.body).encode(), encoding="utf-8")
    return response


def header(response: Response, name: str) -> str | None:
    value = response.headers.get(name)
    return value.decode("latin-1") if value else None


def _link_kind(request: scrapy.Request) -> str:
    role = "detail" if request.meta.get("detail") else "index"
    return f"{role}:{request.cb_kwargs['parse']}"


def _page_state(response: Response, url: str, links: list[tuple[str, str]], items: int) -> PageState:
    return PageState(url=url, fetched=datetime.now(UTC), etag=header(response, "ETag"),
                     last_modified=header(response, "Last-Modified"), links=links, items=items)
