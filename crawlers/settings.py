"""Scrapy settings for every source; grouped, each with Scrapy's default and why it changed.

The values a publisher may care about are the defaults of the `crawler:` block of sources.yaml
(`CrawlerOptions`), written once there; the block and each source's own keys override them per
run (see `source_settings`); tests and the demo override them again from the command side.
"""

from __future__ import annotations

import os
from typing import Any

from . import addresses
from .config import CrawlerOptions

_OPTIONS = CrawlerOptions()

BOT_NAME = "observatorio"
SPIDER_MODULES = ["crawlers.spiders"]

# -- Politeness --------------------------------------------------------------------------
# Default "Scrapy/VERSION (+https://scrapy.org)": publishers should see who crawls them.
USER_AGENT = _OPTIONS.user_agent
# Default False in Scrapy itself (True in the project template): we always obey robots.txt.
ROBOTSTXT_OBEY = True
# Default 8: public bodies run small servers.
CONCURRENT_REQUESTS_PER_DOMAIN = _OPTIONS.concurrent_per_domain
# Default False: adapt the delay to how fast each server answers.
AUTOTHROTTLE_ENABLED = _OPTIONS.autothrottle
AUTOTHROTTLE_START_DELAY = 1.0
AUTOTHROTTLE_TARGET_CONCURRENCY = 1.0

# -- Robustness --------------------------------------------------------------------------
# Default 180 s: a source that does not answer in 30 s is failing for this run.
DOWNLOAD_TIMEOUT = _OPTIONS.timeout
# Default 1 GiB / warn at 32 MiB: a notice page or feed beyond 20 MiB is a mistake.
DOWNLOAD_MAXSIZE = int(_OPTIONS.max_response_mb * 1024 * 1024)
DOWNLOAD_WARNSIZE = 5 * 1024 * 1024
# Default 2 retries, at once; 429 added to the default codes. Ours wait between tries
# (Retry-After, else RETRY_BACKOFF seconds doubling, at most RETRY_MAX_WAIT).
RETRY_TIMES = _OPTIONS.retries
RETRY_HTTP_CODES = [500, 502, 503, 504, 522, 524, 408, 429]
RETRY_BACKOFF = _OPTIONS.retry_backoff
RETRY_MAX_WAIT = _OPTIONS.max_retry_wait
# Default: Scrapy's HTTP/1.1 handler, which connects anywhere. Ours refuses connections that reach
# private, loopback or link-local addresses unless allowed (crawlers/addresses.py).
DOWNLOAD_HANDLERS = addresses.DOWNLOAD_HANDLERS
DOWNLOADER_MIDDLEWARES = {
    "scrapy.downloadermiddlewares.retry.RetryMiddleware": None,
    "crawlers.middlewares.BackoffRetryMiddleware": 550,
    # After Scrapy's HttpCompressionMiddleware (590): gzip bodies without Content-Encoding.
    "crawlers.middlewares.SniffedGzipMiddleware": 580,
}
# Scrapy's DownloaderStats (on by default, next to the downloader) counts every response by
# status, retried ones included: the source health's HTTP statuses.
DOWNLOADER_STATS = True

# -- Output ------------------------------------------------------------------------------
ITEM_PIPELINES = {
    "crawlers.pipelines.FollowLinksPipeline": 100,
    "crawlers.pipelines.NormalisePipeline": 200,
    "crawlers.pipelines.IndexPipeline": 300,
}
# Default 100: Scrapy starts this many tasks for every response's output; ours yield one item
# (a notice page) or a few dozen (a feed), and their pipelines wait on at most 2 requests per domain.
CONCURRENT_ITEMS = 8
# Documents are enriched (NLP, embeddings) and indexed in batches of this size, in a thread.
INDEX_BATCH_SIZE = 64
# False indexes without NLP: only for measuring the crawl itself (bench/crawl.py).
INDEX_ENRICH = True

# -- Runtime -----------------------------------------------------------------------------
# Default INFO: the run prints its own per-source report; Scrapy's log goes to stderr.
LOG_LEVEL = "WARNING"
TELNETCONSOLE_ENABLED = False


def source_settings(options, source) -> dict[str, Any]:
    """The settings one source's crawler runs with: the `crawler:` block, then the source's keys."""
    delay = options.download_delay if source.download_delay is None else source.download_delay
    maxsize = int(options.max_response_mb * 1024 * 1024)
    return {
        "USER_AGENT": options.user_agent,
        "CONCURRENT_REQUESTS_PER_DOMAIN": options.concurrent_per_domain,
        "AUTOTHROTTLE_ENABLED": options.autothrottle,
        "AUTOTHROTTLE_START_DELAY": max(delay, AUTOTHROTTLE_START_DELAY),
        "DOWNLOAD_DELAY": delay,
        "DOWNLOAD_TIMEOUT": options.timeout,
        "RETRY_TIMES": options.retries,
        "RETRY_BACKOFF": options.retry_backoff,
        "RETRY_MAX_WAIT": options.max_retry_wait,
        "DOWNLOAD_MAXSIZE": maxsize,
        "DOWNLOAD_WARNSIZE": min(DOWNLOAD_WARNSIZE, maxsize),
        addresses.SETTING: source.allow_private,
        **browser_settings(options, source),
    }


# -- Browser (only crawls of a `browser` source) -----------------------------------------
# scrapy-playwright's handler renders requests marked `playwright` in chromium and passes the
# rest to the guarded HTTP handler (crawlers/browser.py). Set per crawler, so only a crawl with
# a browser source starts Playwright and a browser; it needs Scrapy's default asyncio reactor.
BROWSER_HANDLER = "crawlers.browser.BrowserDownloadHandler"


def browser_settings(options, source) -> dict[str, Any]:
    """What a `browser` source's crawler adds: the handler and how chromium is launched."""
    if source.type != "browser":
        return {}
    # Chromium's sandbox cannot start as root (containers); elsewhere it stays on.
    sandbox = [] if os.geteuid() else ["--no-sandbox"]
    return {
        "DOWNLOAD_HANDLERS": {"http": BROWSER_HANDLER, "https": BROWSER_HANDLER},
        "PLAYWRIGHT_BROWSER_TYPE": "chromium",
        "PLAYWRIGHT_LAUNCH_OPTIONS": {"executable_path": options.browser_path, "headless": True,
                                      "args": [*sandbox, "--disable-background-networking"]},
        "PLAYWRIGHT_DEFAULT_NAVIGATION_TIMEOUT": options.timeout * 1000,
        "PLAYWRIGHT_MAX_CONTEXTS": 1,
        "PLAYWRIGHT_MAX_PAGES_PER_CONTEXT": options.concurrent_per_domain,
    }
