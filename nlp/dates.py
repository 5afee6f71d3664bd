"""Find and parse the date expressions of a Spanish or English text.

One compiled grammar finds the candidates ("viernes 4 de diciembre a las 10:00 horas",
"hasta las 23:59 del 31 de agosto", "5:00 p.m. on July 17, 2026", "16.10.2026", "this Friday")
and reads their fields directly, so a document costs a few regex scans; dateparser is kept for
free-form values in structured fields, where any format may turn up.
"""

from __future__ import annotations

import re
from contextlib import suppress
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

import dateparser

from core.clock import LOCAL_TZ, now, today

MONTHS = {
    "enero": 1, "ene": 1, "febrero": 2, "feb": 2, "marzo": 3, "mar": 3, "abril": 4, "abr": 4,
    "mayo": 5, "may": 5, "junio": 6, "jun": 6, "julio": 7, "jul": 7, "agosto": 8, "ago": 8,
    "setiembre": 9, "septiembre": 9, "set": 9, "sept": 9, "sep": 9, "octubre": 10, "oct": 10,
    "noviembre": 11, "nov": 11, "diciembre": 12, "dic": 12, "january": 1, "jan": 1,
    "february": 2, "march": 3, "april": 4, "apr": 4, "june": 6, "july": 7, "august": 8,
    "aug": 8, "september": 9, "october": 10, "november": 11, "december": 12, "dec": 12,
}
WEEKDAYS = {
    "lunes": 0, "martes": 1, "miercoles": 2, "miércoles": 2, "jueves": 3, "viernes": 4,
    "sabado": 5, "sábado": 5, "domingo": 6, "monday": 0, "tuesday": 1, "wednesday": 2,
    "thursday": 3, "friday": 4, "saturday": 5, "sunday": 6,
}
_MONTH = "|".join(sorted(MONTHS, key=len, reverse=True))
_WEEKDAY = "|".join(sorted(WEEKDAYS, key=len, reverse=True))
_DAY = r"(?:0?[1-9]|[12]\d|3[01])(?:\s?\.?\s?[º°]|ro|er|st|nd|rd|th)?"
_YEAR = r"(?:19|20)\d\d"

DATE = re.compile(
    rf"\b(?:(?:{_WEEKDAY}),?\s+(?:el\s+)?)?(?:"
    rf"(?P<iso>{_YEAR})-(?P<iso_m>[01]\d)-(?P<iso_d>[0-3]\d)(?:[T ](?P<iso_hh>[0-2]\d):(?P<iso_mm>\d\d))?"
    rf"|(?P<n1>\d{{1,2}})(?P<sep>[/.\-])(?P<n2>\d{{1,2}})(?P=sep)(?P<ny>{_YEAR}|\d\d)(?![\d]|[.,]\d)"
    rf"|(?P<dm_d>{_DAY})\s+(?:de\s+|of\s+)?(?P<dm_m>{_MONTH})\b\.?(?:,?\s*(?:de|del)?\s*(?P<dm_y>{_YEAR}))?"
    rf"|(?P<md_m>{_MONTH})\.?\s+(?P<md_d>{_DAY})\b(?:,?\s+(?P<md_y>{_YEAR}))?"
    rf"|(?P<rel>this|next|este|el\s+pr[oó]ximo|pr[oó]ximo)\s+(?P<rel_wd>{_WEEKDAY})(?!,?\s+\d)"
    rf")(?![\w/])",
    re.IGNORECASE,
)
_CLOCK = (r"(?P<hh>2[0-3]|[01]?\d)(?!\d)(?:(?P<colon>[:.h])(?P<mm>[0-5]\d)(?::[0-5]\d)?)?\s*"
          r"(?P<mer>[ap]\.?\s?m\b\.?|noon|mediod[ií]a|horas\b|hours?\b|hrs?\b\.?|h\b)?")
TIME_AFTER = re.compile(
    rf"\s*,?\s*(?:-|–|(?P<intro>a\s+las|at|hasta\s+las))?\s*{_CLOCK}", re.IGNORECASE)
NOON_AFTER = re.compile(r"\s*,?\s*(?:al?\s+medio\s?d[ií]a|at\s+(?:noon|midday))\b", re.IGNORECASE)
_ZONE = (r"\(?(?:local\s+time|hora\s+local|hora\s+de\s+[^\W\d]+(?:\s+[^\W\d]+){0,2}|[^\W\d]+\s+time"
         r"|(?:ET|EST|EDT|CT|CST|CDT|PT|PST|GMT|UTC|CET|CEST)(?:\s?[+-]\d{1,2})?)\)?")
_LINK_BEFORE = r"(?:,\s*(?:(?:del|de|el|on)\s+)?|(?:del|de|el|on)\s+)$"  # "14:00 hrs, 9 July"
TIME_BEFORE = re.compile(rf"{_CLOCK}\s*(?:{_ZONE}\s*)?{_LINK_BEFORE}", re.IGNORECASE)
NOON_BEFORE = re.compile(rf"\b(?:noon|midday|mediod[ií]a)\s*(?:{_ZONE}\s*)?{_LINK_BEFORE}", re.IGNORECASE)
LOOKBEHIND = 40  # characters before a date where a leading time may sit


@dataclass(frozen=True)
class DateMention:
    value: date | datetime
    start: int  # where the expression starts, a leading time included
    end: int
    text: str


def find_dates(text: str, lang: str = "es", reference: date | datetime | None = None) -> list[DateMention]:
    """Every date expression in `text`, with its time when one is written next to it.

    Numeric dates are day-first except in English text; a date without a year is its next
    occurrence on or after `reference` (the publication date, else today in Costa Rica).
    """
    ref = _as_date(reference) or today()
    mentions = []
    for match in DATE.finditer(text):
        day = _day(match, lang, ref)
        if day is None:
            continue
        start, clock = _time_before(text, match.start())
        end = match.end()
        if clock is None and match.group("iso_hh"):
            clock = time(int(match.group("iso_hh")), int(match.group("iso_mm")))
        if clock is None:
            clock, end = _time_after(text, end)
        value = datetime.combine(day, clock) if clock else day
        mentions.append(DateMention(value, start, end, text[start:end]))
    return mentions


def _day(match: re.Match, lang: str, ref: date) -> date | None:
    """The calendar day of a DATE match, or None if it is not a real date."""
    g = match.groupdict()
    try:
        if g["iso"]:
            return date(int(g["iso"]), int(g["iso_m"]), int(g["iso_d"]))
        if g["n1"]:
            return _numeric(int(g["n1"]), int(g["n2"]), _full_year(g["ny"]), day_first=lang != "en")
        if g["rel"]:
            return _weekday(g["rel"], WEEKDAYS[g["rel_wd"].lower()], ref)
        day, month, year = ((g["dm_d"], g["dm_m"], g["dm_y"]) if g["dm_d"]
                            else (g["md_d"], g["md_m"], g["md_y"]))
        day_number, month_number = int(re.match(r"\d+", day).group()), MONTHS[month.lower()]
        if year:
            return date(int(year), month_number, day_number)
        return _next_occurrence(month_number, day_number, ref)
    except ValueError:  # 31 de febrero
        return None


def _numeric(first: int, second: int, year: int, day_first: bool) -> date:
    """"06/30/2026" is month-first even in Spanish text, "25/09/2026" day-first in English."""
    day, month = (first, second) if day_first else (second, first)
    if month > 12 >= day:
        day, month = month, day
    return date(year, month, day)


def _full_year(text: str) -> int:
    return int(text) + 2000 if len(text) == 2 else int(text)


def _next_occurrence(month: int, day: int, ref: date) -> date:
    """The first such day on or after `ref`: 29 February waits for the next leap year; a day no
    month has (31 June) raises ValueError."""
    for year in range(ref.year, ref.year + 9):  # leap years are at most 8 years apart
        with suppress(ValueError):
            if (candidate := date(year, month, day)) >= ref:
                return candidate
    raise ValueError(f"no day {day} in month {month}")


def _weekday(which: str, weekday: int, ref: date) -> date:
    """"this Friday" is the coming Friday (today if it is Friday); "next Friday" at least a day on."""
    ahead = (weekday - ref.weekday()) % 7
    if ahead == 0 and not which.lower().startswith("th") and not which.lower().startswith("est"):
        ahead = 7
    return ref + timedelta(days=ahead)


def _time_after(text: str, end: int) -> tuple[time | None, int]:
    """A time written after its date ("a las 10:00 horas", ", 3:00 p.m.", "al mediodía")."""
    if noon := NOON_AFTER.match(text, end):
        return time(12, 0), noon.end()
    after = TIME_AFTER.match(text, end)
    clock = _clock(after) if after else None
    return clock, (after.end() if clock else end)


def _time_before(text: str, start: int) -> tuple[int, time | None]:
    """A time written before its date ("hasta las 23:59 del 31 de agosto", "noon on 4 May")."""
    window = text[max(0, start - LOOKBEHIND):start]
    if noon := NOON_BEFORE.search(window):  # "by noon on Thursday, 22 October"
        return start - len(window) + noon.start(), time(12, 0)
    match = TIME_BEFORE.search(window)
    clock = _clock(match) if match else None
    if clock is None or not (match.group("colon") or match.group("mer")):
        return start, None
    return start - len(window) + match.start(), clock


def _clock(match: re.Match) -> time | None:
    """The time of a _CLOCK match, or None when the digits are not a time ("2026 10")."""
    hour, minutes = int(match.group("hh")), int(match.group("mm") or 0)
    meridiem = (match.group("mer") or "").lower()
    intro = match.groupdict().get("intro")
    if not (match.group("mm") or meridiem or intro):
        return None
    if match.group("colon") == "." and not meridiem:  # "16.10" after a date is more likely a number
        return None
    if meridiem.startswith("p") and hour < 12:
        hour += 12
    elif meridiem.startswith("a") and hour == 12:
        hour = 0
    return time(hour, minutes)


def _as_date(value: date | datetime | None) -> date | None:
    return value.date() if isinstance(value, datetime) else value


def parse_date(text: str | None, lang: str = "es") -> date | datetime | None:
    """One date written in a field of its own ("15/12/2026", "2026-12-15T10:00Z", "Dec 15, 2026")."""
    if not text or not text.strip():
        return None
    text = text.strip()
    try:
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
            return date.fromisoformat(text)
        return datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        pass
    mentions = find_dates(text, lang)
    if mentions:
        return mentions[0].value
    parsed = dateparser.parse(text, languages=["es", "en"], settings={
        "DATE_ORDER": "MDY" if lang == "en" else "DMY",
        "RELATIVE_BASE": now().astimezone(LOCAL_TZ).replace(tzinfo=None)})  # "ayer", "in 3 days"
    return parsed
