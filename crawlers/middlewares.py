"""Downloader middlewares: retries that wait (HTTP status counts are Scrapy's DownloaderStats)."""

from __future__ import annotations

from datetime import UTC, datetime
from email.utils import parsedate_to_datetime

from scrapy.downloadermiddlewares.retry import RetryMiddleware
from scrapy.http import Request, Response
from scrapy.settings import BaseSettings
from scrapy.utils.asyncio import sleep
from scrapy.utils.response import response_status_message


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
