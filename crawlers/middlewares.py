"""Downloader middlewares: retries that wait, bodies read by content (HTTP status counts are
Scrapy's DownloaderStats)."""

from __future__ import annotations

from datetime import UTC, datetime
from email.utils import parsedate_to_datetime

from scrapy.downloadermiddlewares.retry import RetryMiddleware
from scrapy.exceptions import IgnoreRequest
from scrapy.http import Request, Response, TextResponse
from scrapy.responsetypes import responsetypes
from scrapy.settings import BaseSettings
from scrapy.utils.asyncio import sleep
from scrapy.utils.gz import gunzip
from scrapy.utils.response import response_status_message

GZIP_MAGIC = b"\x1f\x8b"


class BackoffRetryMiddleware(RetryMiddleware):
    """Retry 5xx, 429 and network errors after a pause, not at once as Scrapy's own does.

    The pause is the server's `Retry-After` when it sends one, else `RETRY_BACKOFF` seconds
    doubled on each retry, at most `RETRY_MAX_WAIT`; a `Retry-After` beyond that gives up
    and says so, rather than hammering a server that asked us to stay away.
    """

    def __init__(self, settings: BaseSettings):
        super().__init__(settings)
        self.backoff = settings.getfloat("RETRY_BACKOFF")
        self.max_wait = settings.getfloat("RETRY_MAX_WAIT")

    async def process_response(self, request: Request, response: Response) -> Request | Response:
        if request.meta.get("dont_retry") or response.status not in self.retry_http_codes:
            return response
        asked = retry_after(response)
        if asked is not None and asked > self.max_wait:
            request.meta["gave_up"] = f"Retry-After {asked:.0f} s is beyond the {self.max_wait:.0f} s limit"
            return response
        retry = self._retry(request, response_status_message(response.status))
        if retry is None:
            return response
        await sleep(asked if asked is not None else self._backoff(retry))
        return retry

    async def process_exception(self, request: Request, exception: Exception) -> Request | None:
        if request.meta.get("dont_retry") or not isinstance(exception, self.exceptions_to_retry):
            return None
        retry = self._retry(request, exception)
        if retry is not None:
            await sleep(self._backoff(retry))
        return retry

    def _backoff(self, retry: Request) -> float:
        return min(self.backoff * 2 ** (retry.meta.get("retry_times", 1) - 1), self.max_wait)


def retry_after(response: Response, now: datetime | None = None) -> float | None:
    """Seconds the server asks us to wait (`Retry-After`: seconds or an HTTP date), if it does."""
    value = (response.headers.get("Retry-After") or b"").decode("latin-1").strip()
    if not value:
        return None
    if value.isdigit():
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - (now or datetime.now(UTC))).total_seconds())


class SniffedGzipMiddleware:
    """Decompress a body that is gzip by its magic bytes whatever the headers say.

    Servers send `feed.xml.gz` or a pre-compressed feed without `Content-Encoding` (or
    compressed twice); Scrapy's HttpCompressionMiddleware, which runs first, only reads the
    header. The response class is then chosen again from the decompressed body, and
    DOWNLOAD_MAXSIZE bounds what is decompressed (a gzip bomb stops there).
    """

    def __init__(self, max_size: int):
        self.max_size = max_size

    @classmethod
    def from_crawler(cls, crawler) -> SniffedGzipMiddleware:
        return cls(crawler.settings.getint("DOWNLOAD_MAXSIZE"))

    def process_response(self, request: Request, response: Response) -> Response:
        if request.method == "HEAD" or response.body[:2] != GZIP_MAGIC:
            return response
        max_size = request.meta.get("download_maxsize", self.max_size)
        try:
            body = gunzip(response.body, max_size=max_size)
        except ValueError as exc:  # beyond max_size
            raise IgnoreRequest(f"gzip body larger than download max size ({max_size} B) once "
                                f"decompressed") from exc
        except (OSError, EOFError) as exc:
            raise IgnoreRequest(f"gzip body that cannot be decompressed: {exc}") from exc
        kind = _response_class(response, body)
        if issubclass(kind, TextResponse):  # its charset is read again, from the new body too
            return response.replace(cls=kind, body=body, encoding=None)
        return response.replace(cls=kind, body=body)


def _response_class(response: Response, body: bytes) -> type[Response]:
    """By the headers, the URL and the body; a Content-Type that named the archive
    (application/gzip, octet-stream) gives way to what the body is."""
    kind = responsetypes.from_args(headers=response.headers, url=response.url, body=body)
    if issubclass(kind, TextResponse):
        return kind
    return responsetypes.from_args(url=response.url.removesuffix(".gz"), body=body)
