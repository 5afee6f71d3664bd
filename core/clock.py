"""The one place that says what "now" and "today" are, and in which time zone.

The audience is in Costa Rica (UTC-6 all year): a bare deadline date closes at the end of that
day there, weeks and "today" are counted there. OBSERVATORIO_CLOCK pins "now" to an ISO 8601
instant: the tests pin it, so that no result depends on the hour they run at (and a crawl they
start in another process sees the same day); it also replays a past week.
"""

from __future__ import annotations

import os
from datetime import UTC, date, datetime
from functools import lru_cache
from zoneinfo import ZoneInfo

from .errors import ConfigError

TIMEZONE = "America/Costa_Rica"
LOCAL_TZ = ZoneInfo(TIMEZONE)


def now() -> datetime:
    """The current instant, in UTC (or the pinned one)."""
    pinned = os.environ.get("OBSERVATORIO_CLOCK")
    return _pinned(pinned) if pinned else datetime.now(UTC)


def today() -> date:
    """Today's date in Costa Rica (ahead of the UTC date never, behind it after 18:00)."""
    return now().astimezone(LOCAL_TZ).date()


@lru_cache(maxsize=4)
def _pinned(text: str) -> datetime:
    try:
        value = datetime.fromisoformat(text)
    except ValueError:
        raise ConfigError("OBSERVATORIO_CLOCK", None, f"{text!r} is not an ISO 8601 instant") from None
    return (value if value.tzinfo else value.replace(tzinfo=UTC)).astimezone(UTC)
