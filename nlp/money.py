"""Find the budget, grant or contract amount in a text, as {value, currency}."""

from __future__ import annotations

import re
from dataclasses import dataclass

from price_parser import Price

from .text import cue_distance, fold

SYMBOLS = {"₡": "CRC", "¢": "CRC", "crc": "CRC", "colones": "CRC", "colon": "CRC",
           "us$": "USD", "usd": "USD", "$": "USD", "dolares": "USD", "dollars": "USD",
           "€": "EUR", "eur": "EUR", "euros": "EUR"}
NUMBER = r"\d{1,3}(?:[.,\s]\d{3})+(?:[.,]\d{1,2})?|\d+(?:[.,]\d+)?"
SCALE = r"millones|millon|million|millions|mil|thousand|k|m|bn|billion"
PREFIX = re.compile(
    rf"(us\$|usd|crc|eur|[₡¢$€])\s?({NUMBER})(?:\s*({SCALE})\b)?", re.IGNORECASE)
SUFFIX = re.compile(
    rf"({NUMBER})(?:\s*({SCALE})\b)?\s*(?:de\s+)?"
    r"(colones|colon|dolares|dollars|euros|usd|crc|eur)\b",
    re.IGNORECASE)
MULTIPLIERS = {"millones": 1e6, "millon": 1e6, "million": 1e6, "millions": 1e6, "m": 1e6,
               "mil": 1e3, "thousand": 1e3, "k": 1e3, "bn": 1e9, "billion": 1e9}
BUDGET_CUES = re.compile(
    r"monto|presupuesto|financiamiento|financia|aporte|fondo|hasta|maximo|valor|adjudica"
    r"|budget|grant|funding|award|up\s+to|value|worth|contract|total")
OTHER_CUES = re.compile(
    r"garantia|guarantee|multa|penalty|fianza|bond|salario|salary|costo\s+de\s+inscripcion")
CONTEXT = 60


@dataclass(frozen=True)
class Money:
    value: float
    currency: str
    start: int


def find_amounts(text: str) -> list[Money]:
    """Every currency-marked amount in `text`, in order of appearance."""
    text = fold(text)
    found = []
    for match in PREFIX.finditer(text):
        symbol, number, scale = match.groups()
        found.append(_money(number, scale, symbol, match.start()))
    for match in SUFFIX.finditer(text):
        number, scale, word = match.groups()
        found.append(_money(number, scale, word, match.start()))
    return sorted((m for m in found if m and m.value > 0), key=lambda m: m.start)


def find_amount(text: str) -> Money | None:
    """The amount a firm cares about: one introduced as a budget or grant, never a guarantee."""
    candidates, cued = [], []
    for money in find_amounts(text):
        before = text[max(0, money.start - CONTEXT):money.start]
        if _competing(before):
            continue
        candidates.append(money)
        if cue_distance(before, BUDGET_CUES, OTHER_CUES) is not None:
            cued.append(money)
    return (cued or candidates or [None])[0]


def _competing(before: str) -> bool:
    """A guarantee or fee named after the last budget cue."""
    return cue_distance(before, OTHER_CUES, BUDGET_CUES) is not None


def parse_amount(text: str | None) -> Money | None:
    """One amount written in a field of its own ("₡25.000.000", "US$ 1,5 millones")."""
    if not text:
        return None
    amounts = find_amounts(text)
    return amounts[0] if amounts else None


def _money(number: str, scale: str | None, marker: str, start: int) -> Money | None:
    currency = SYMBOLS.get(fold(marker))
    price = Price.fromstring(number.replace(" ", ""), decimal_separator=_decimal_separator(number, scale))
    if currency is None or price.amount is None:
        return None
    value = float(price.amount) * MULTIPLIERS.get((scale or "").lower(), 1)
    return Money(round(value, 2), currency, start)


def _decimal_separator(number: str, scale: str | None) -> str | None:
    """"1,5 millones" and "1.5 million" are decimals; "25.000.000" and "250,000" are thousands."""
    groups = re.split(r"[.,]", number)
    if len(groups) == 2 and (len(groups[1]) != 3 or scale):
        return number[len(groups[0])]
    return None
