"""Find the deadline in a text: the date in a deadline context, never a publication date."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime

import dateparser

from .text import cue_distance

MONTHS_ES = ("enero|febrero|marzo|abril|mayo|junio|julio|agosto|setiembre|septiembre|octubre|noviembre"
             "|diciembre")
MONTHS_EN = ("january|february|march|april|may|june|july|august|september|october|november|december"
             "|jan|feb|mar|apr|jun|jul|aug|sept|sep|oct|nov|dec")
WEEKDAYS = ("lunes|martes|miercoles|jueves|viernes|sabado|domingo"
            "|monday|tuesday|wednesday|thursday|friday|saturday|sunday")
TIME = r"(?:\s*(?:,|a\s+las|at|hasta\s+las)?\s*\d{1,2}(?::\d{2})\s*(?:horas|hrs|h|a\.?m\.?|p\.?m\.?)?)?"
DATE = re.compile(
    rf"(?:(?:{WEEKDAYS}),?\s+)?(?:"
    rf"\d{{4}}-\d{{2}}-\d{{2}}(?:[T ]\d{{2}}:\d{{2}})?"
    rf"|\d{{1,2}}[/.-]\d{{1,2}}[/.-]\d{{2,4}}"
    rf"|\d{{1,2}}\s+(?:de\s+)?(?:{MONTHS_ES})(?:\s+(?:de|del)\s+\d{{4}})?"
    rf"|\d{{1,2}}\s+(?:{MONTHS_EN})\.?,?(?:\s+\d{{4}})?"
    rf"|(?:{MONTHS_EN})\.?\s+\d{{1,2}}(?:st|nd|rd|th)?(?:,?\s+\d{{4}})?"
    rf"){TIME}",
    re.IGNORECASE,
)
DEADLINE_CUES = re.compile(
    r"fecha\s+limite|cierre|cierra|vence|vencimiento|hasta\s+el|a\s+mas\s+tardar|plazo"
    r"|recepcion\s+de\s+(?:ofertas|propuestas|postulaciones|solicitudes)|apertura\s+de\s+ofertas"
    r"|deadline|closing\s+date|closes?\s+on|close|due|submit(?:ted)?\s+by|no\s+later\s+than|until",
)
OTHER_CUES = re.compile(
    r"publicad|publicacion|inicio|inicia|a\s+partir\s+del?|desde\s+el|taller|sesion\s+informativa"
    r"|evento|se\s+realizara|resultados|published|posted|starts?|opens?\s+on|webinar|event"
    r"|information\s+session|results",
)
CONTEXT = 90  # characters before a date that may say what it is


@dataclass(frozen=True)
class DateMention:
    value: date | datetime
    start: int
    text: str


def find_dates(text: str, lang: str, reference: datetime | None = None) -> list[DateMention]:
    """Every date expression in `text`, parsed; numeric dates are day-first except in English."""
    settings = {
        "DATE_ORDER": "MDY" if lang == "en" else "DMY",
        "PREFER_DATES_FROM": "future",
        "RETURN_AS_TIMEZONE_AWARE": False,
    }
    if reference:
        settings["RELATIVE_BASE"] = reference.replace(tzinfo=None)
    mentions = []
    for match in DATE.finditer(text):
        raw = match.group(0).strip(" ,")
        parsed = dateparser.parse(_plain(raw), languages=["es", "en"], settings=settings)
        if parsed is None:
            continue
        has_time = bool(re.search(r"\d:\d\d", raw))
        mentions.append(DateMention(parsed if has_time else parsed.date(), match.start(), raw))
    return mentions


def find_deadline(text: str, lang: str, reference: datetime | None = None) -> date | datetime | None:
    """The date whose preceding words are a deadline cue rather than another kind of date."""
    best, best_distance = None, CONTEXT + 1
    for mention in find_dates(text, lang, reference):
        before = text[max(0, mention.start - CONTEXT):mention.start]
        distance = cue_distance(before, DEADLINE_CUES, OTHER_CUES)
        if distance is not None and distance < best_distance:
            best, best_distance = mention.value, distance
    return best


def _plain(raw: str) -> str:
    """Drop the words dateparser stumbles on: "a las", "horas", "del"."""
    text = re.sub(r"\s+(?:a\s+las|hasta\s+las|at)\s+", " ", raw, flags=re.IGNORECASE)
    text = re.sub(r"\s*(?:horas|hrs|h)\b\.?", "", text, flags=re.IGNORECASE)
    return re.sub(r"\bdel\b", "de", text, flags=re.IGNORECASE)


def parse_date(text: str | None, lang: str = "es") -> date | datetime | None:
    """One date written by a person or a machine ("15/12/2026", "2026-12-15T10:00Z")."""
    if not text:
        return None
    text = text.strip()
    try:
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
            return date.fromisoformat(text)
        return datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        mentions = find_dates(text, lang)
        return mentions[0].value if mentions else None
