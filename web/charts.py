"""Weekly volume series and their geometry, for SVG charts drawn on the server."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

RECENT_WEEKS = 4  # rising / falling compares the last 4 weeks with the 4 before


def week_starts(weeks: int, today: date) -> list[date]:
    """The Mondays of the last `weeks` ISO weeks, this one included, oldest first."""
    monday = today - timedelta(days=today.weekday())
    return [monday - timedelta(weeks=n) for n in range(weeks - 1, -1, -1)]


def series(histogram: dict[date, dict[str, int]], weeks: list[date], key: str) -> list[int]:
    """One value's weekly counts, with zeros for the weeks it is absent."""
    return [histogram.get(week, {}).get(key, 0) for week in weeks]


@dataclass(frozen=True)
class Change:
    """How a topic's volume moved: the last RECENT_WEEKS against the RECENT_WEEKS before."""

    key: str
    recent: int
    previous: int

    @property
    def delta(self) -> int:
        return self.recent - self.previous

    @property
    def percent(self) -> int | None:
        """Rounded percentage change; None when there was nothing before (a new topic)."""
        return round(100 * self.delta / self.previous) if self.previous else None


def changes(counts: dict[str, list[int]]) -> tuple[list[Change], list[Change]]:
    """Rising and falling topics, biggest moves first; a topic that did not move is neither."""
    moves = [Change(key, sum(v[-RECENT_WEEKS:]), sum(v[-2 * RECENT_WEEKS:-RECENT_WEEKS]))
             for key, v in counts.items()]
    rising = sorted((c for c in moves if c.delta > 0), key=lambda c: (-c.delta, c.key))
    falling = sorted((c for c in moves if c.delta < 0), key=lambda c: (c.delta, c.key))
    return rising, falling


@dataclass(frozen=True)
class Bar:
    x: float
    y: float
    width: float
    height: float
    week: date
    count: int


def bars(values: list[int], weeks: list[date], width: float, height: float, gap: float = 2.0) -> list[Bar]:
    """Bar rectangles filling `width` × `height`, scaled to the largest value."""
    top = max(values, default=0) or 1
    step = width / max(len(values), 1)
    return [Bar(x=round(i * step + gap / 2, 2), y=round(height - height * v / top, 2),
                width=round(max(step - gap, 1), 2), height=round(height * v / top, 2), week=w, count=v)
            for i, (v, w) in enumerate(zip(values, weeks, strict=True))]
