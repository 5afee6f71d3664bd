"""What every source spider shares: its source configuration and its error record."""

from __future__ import annotations

from typing import Any

import scrapy
from scrapy.http import Response
from twisted.python.failure import Failure

from crawlers.config import SourceBase
from search.backend import SearchBackend


class SourceSpider(scrapy.Spider):
    """A spider for one source of `sources.yaml`; subclasses handle one source *type*.

    1. The runner creates it with its validated `source` entry (the id is its name) and the
       search `backend` the pipelines write to.
    2. `start()` requests `source.url`; failures of any request land in `self.errors`.
    3. Subclasses yield plain dicts with Document fields (url, title, body, published, ...);
       the pipelines add id, source, kind and country, then validate, enrich and index.
    """

    source_type = ""

    def __init__(self, source: SourceBase, backend: SearchBackend, **kwargs: Any):
        super().__init__(name=source.id, **kwargs)
        self.source = source
        self.backend = backend
        self.errors: list[str] = []

    async def start(self):
        yield self.request(self.source.url, self.parse)

    def request(self, url: str, callback, **kwargs: Any) -> scrapy.Request:
        return scrapy.Request(url, callback=callback, errback=self.record_failure, **kwargs)

    def record_failure(self, failure: Failure) -> None:
        """Keep a one-line reason per failed request; the run report and source health show it."""
        request = getattr(failure, "request", None)
        url = request.url if request is not None else self.source.url
        response = getattr(failure.value, "response", None)
        reason = f"HTTP {response.status}" if response is not None else failure.getErrorMessage()
        self.errors.append(f"{url}: {reason or failure.type.__name__}")

    def parse_error(self, response: Response, exc: Exception) -> None:
        """Record content we fetched but could not read (bad JSON, not a feed, ...)."""
        self.errors.append(f"{response.url}: {exc}")
