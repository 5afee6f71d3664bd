"""Run one crawl of several sources in one Scrapy process and report on each source."""

from __future__ import annotations

import logging
from collections import defaultdict
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlsplit

from scrapy import signals
from scrapy.crawler import Crawler, CrawlerProcess
from scrapy.settings import Settings

from core.errors import DataDirError
from search.backend import SearchBackend

from . import settings as default_settings
from .config import CrawlerOptions, SourceBase
from .errors import HealthNotRecorded
from .health import HealthStore, SourceRun
from .spiders import SPIDERS
from .spiders.base import SKIP
from .state import CrawlState

logger = logging.getLogger(__name__)
STATUS = "downloader/response_status_count/"
INTERNAL_REQUESTS = "observatorio/internal_requests"  # data: requests that hand items to the pipelines


def crawl(sources: list[SourceBase], backend: SearchBackend, health: HealthStore,
          overrides: dict[str, Any] | None = None, options: CrawlerOptions | None = None,
          state: CrawlState | None = None) -> list[SourceRun]:
    """Crawl `sources`, one crawler each; one failing source never stops the others.

    Sources on different hosts crawl concurrently; sources on one host crawl one after another,
    so together they keep to the per-domain concurrency and delay (each crawler has its own
    downloader). Each crawler gets the `crawler:` options and its source's own keys as
    settings, then `overrides`. Every source's run is recorded in `health` and returned, in the
    order given; its crawl state is saved unless some of its documents failed to index (the
    next run then fetches them again rather than trusting validators for pages it never stored).
    A data directory that refuses a health row raises HealthNotRecorded, which carries the runs.
    """
    options = options or CrawlerOptions()
    state = state or CrawlState()
    process = CrawlerProcess(_settings(overrides))
    crawlers: list[tuple[SourceBase, Crawler]] = []
    by_host: dict[str, list] = defaultdict(list)
    for source in sources:
        crawler = process.create_crawler(SPIDERS[source.type])
        # Below the command side's overrides ("cmdline"), above the module defaults.
        crawler.settings.update(default_settings.source_settings(options, source), priority="spider")
        _count_failures(crawler)
        crawlers.append((source, crawler))
        by_host[urlsplit(source.url).hostname or ""].append(
            (crawler, {"source": source, "backend": backend, "state": state.load(source.id)}))
    for queue in by_host.values():
        _one_after_another(process, queue)
    process.start()
    runs = [_finish(source, crawler, state) for source, crawler in crawlers]
    _record(runs, health)
    return runs


def _finish(source: SourceBase, crawler: Crawler, state: CrawlState) -> SourceRun:
    """The source's run, its crawl state saved when it may be; a state the data directory
    refused is one more error of the run, and the next run fetches the source again."""
    run = _run(source, crawler)
    if crawler.spider is not None and not crawler.stats.get_value("observatorio/index_failed"):
        try:
            state.save(crawler.spider.state)
        except DataDirError as exc:
            run.errors.append(f"crawl state not saved, the next run fetches the source again: {exc}")
    return run


def _record(runs: list[SourceRun], health: HealthStore) -> None:
    """Record every run that the data directory takes, then raise HealthNotRecorded with all of
    `runs` if it refused some: the caller still reports what the crawl did."""
    refused: dict[str, DataDirError] = {}
    for run in runs:
        try:
            health.record(run)
        except DataDirError as exc:
            refused[run.source] = exc
    if refused:
        raise HealthNotRecorded(runs, list(refused), next(iter(refused.values())))


def _one_after_another(process: CrawlerProcess, queue: list[tuple[Crawler, dict]]) -> None:
    """Start the first crawl of `queue`, and each next one when the one before ends, however."""

    def start_next(result: Any = None) -> None:
        if hasattr(result, "getTraceback"):  # a Failure: the spider could not start or crashed
            logger.error("crawl failed: %s", result.getTraceback())
        if queue:
            crawler, arguments = queue.pop(0)
            process.crawl(crawler, **arguments).addBoth(start_next)

    start_next()


def _settings(overrides: dict[str, Any] | None) -> Settings:
    settings = Settings()
    settings.setmodule(default_settings, priority="project")
    settings.update(overrides or {}, priority="cmdline")
    return settings


def _count_failures(crawler: Crawler) -> None:
    """A callback or pipeline that raises loses one item or page, never the source."""

    def on_error(failure, response=None, spider=None, **_):
        spider.errors.append(f"{getattr(response, 'url', '?')}: {failure.getErrorMessage()}")
        crawler.stats.inc_value("observatorio/failed")

    def on_dropped(request, spider=None, **_):
        """The duplicate filter drops a redirect back to a URL of its own chain: a loop, not silence."""
        chain = request.meta.get("redirect_urls") or []
        if request.url in chain:
            spider.errors.append(f"{chain[0]}: redirect loop ({' -> '.join([*chain, request.url])})")

    crawler.signals.connect(on_dropped, signal=signals.request_dropped, weak=False)
    crawler.signals.connect(on_error, signal=signals.spider_error, weak=False)
    crawler.signals.connect(on_error, signal=signals.item_error, weak=False)


def _http_statuses(stats: dict[str, Any]) -> dict[str, int]:
    """Responses by status as DownloaderStats counts them, less the spider's own `data:` requests."""
    counts = {key.removeprefix(STATUS): n for key, n in stats.items() if key.startswith(STATUS)}
    internal = stats.get(INTERNAL_REQUESTS, 0)
    if internal:
        counts["200"] -= internal
        if not counts["200"]:
            del counts["200"]
    return counts


def _run(source: SourceBase, crawler: Crawler) -> SourceRun:
    stats = crawler.stats.get_stats()
    now = datetime.now(UTC)
    errors = list(getattr(crawler.spider, "errors", []))
    if crawler.spider is None:
        errors.append("the spider did not start (see the log)")
    return SourceRun(
        source=source.id,
        started=stats.get("start_time", now),
        finished=stats.get("finish_time", now),
        new=stats.get("observatorio/new", 0),
        updated=stats.get("observatorio/updated", 0),
        unchanged=stats.get("observatorio/unchanged", 0),
        failed=stats.get("observatorio/failed", 0) + stats.get("observatorio/invalid", 0),
        http_statuses=_http_statuses(stats),
        errors=errors,
        skipped={key.removeprefix(SKIP): n for key, n in sorted(stats.items()) if key.startswith(SKIP)},
    )
