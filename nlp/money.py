"""Find the budget, grant or contract amount in a text, as {value, currency}.

Only currency-marked numbers are amounts, so phone numbers, years, counts and percentages
never are. Among them the one a firm can obtain or bid for wins: the maximum per project
(the upper end of a range), else the total budget or estimated value; guarantees, fees and
an approximation in another currency in parentheses are left out.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from price_parser import Price

from core.text import fold

CURRENCIES = {"₡": "CRC", "¢": "CRC", "crc": "CRC", "colones": "CRC", "colon": "CRC",
              "ca$": "CAD", "cad": "CAD", "dolares canadienses": "CAD", "canadian dollars": "CAD",
              "£": "GBP", "gbp": "GBP", "libras esterlinas": "GBP", "pounds": "GBP", "mxn": "MXN",
              "us$": "USD", "usd": "USD", "u$s": "USD", "$": "USD", "dolares": "USD",
              "dolar": "USD", "dollars": "USD", "dollar": "USD", "€": "EUR", "eur": "EUR",
              "euros": "EUR", "euro": "EUR"}
SCALES = {"mil millones": 1e9, "millones": 1e6, "millon": 1e6, "million": 1e6, "millions": 1e6,
          "mm": 1e6, "m": 1e6, "mil": 1e3, "thousand": 1e3, "k": 1e3, "bn": 1e9, "billion": 1e9}
SPANISH_SCALES = {"mil millones", "millones", "millon", "mil", "mm"}
ENGLISH_SCALES = {"million", "millions", "thousand", "billion", "bn"}
_NUMBER = r"\d{1,3}(?:[.,\s]\d{3})+(?:[.,]\d{1,2})?(?!\d)|\d+(?:[.,]\d+)?"
_SCALE = r"mil\s+millones|millones|millon|millions?|thousand|billion|bn|mil|mm|m|k"
_SYMBOL = r"\b(?:ca\$|us\s?\$|u\$s|usd|crc|eur|cad|gbp|mxn)|[₡¢$€£]"
_WORD = (r"colones|colon|dolares\s+canadienses|canadian\s+dollars|libras\s+esterlinas|pounds"
         r"|dolares|dolar|dollars?|euros?|usd|crc|eur|cad|gbp|mxn")
AMOUNT = re.compile(
    rf"(?:(?P<symbol>{_SYMBOL})\s?(?P<number>{_NUMBER})(?:\s*(?P<scale>{_SCALE})\b)?"
    rf"(?:\s+(?:de\s+)?(?:{_WORD})\b)?"
    rf"|(?<![\w.,])(?P<number2>{_NUMBER})(?:\s*(?P<scale2>{_SCALE})\b)?\s*(?:de\s+)?(?P<word>{_WORD})\b)",
    re.IGNORECASE)
EXCLUDED = re.compile(
    r"garantia|guarantee|bid\s+security|security\s+of|fianza|\bbond|multa|penalt|cuota\s+de\s+inscrip"
    r"|costo\s+de\s+inscrip|inscripcion\s*:|entry\s+fee|registration\s+fee|\bfee\b|\bcuota\b|tarifa"
    r"|salario|salary|tipo\s+de\s+cambio|exchange\s+rate")
# "₡503 por dólar": an exchange rate, not an amount.
RATE_AFTER = re.compile(
    r"^\s*(?:por|per|each|a|=)\s+(?:cada\s+|one\s+|un\s+)?(?:dolar|dollar|euro|colon|us\$|usd|eur)")
PER_UNIT_BEFORE = re.compile(
    r"\bcada\b|\beach\b|\bindividual|\bmaxim[oa]\b|\btope\b|\bmaximum\b|\bceiling\b|\bcap\b"
    r"|\bper\s+(?:project|grant|award|proposal|applicant|company|firm|pilot)"
    r"|\bpor\s+(?:proyecto|empresa|propuesta|beneficiario|postulacion|iniciativa)")
PER_UNIT_AFTER = re.compile(
    r"^\W{0,3}(?:en\s+\w+\s+)?(?:por|per|para\s+cada|each|cada)\s+(?!ano|anual|mes|dia|hora|semana|year|month"
    r"|day|hour|week|ciento|cent)\w+")
TOTAL = re.compile(r"\btotal|\bbolsa|fondo\s+(?:disponible|total)|overall|in\s+total")
SENTENCE_END = re.compile(r"[.;!?](?:\s|$)")
RANGE_LINK = re.compile(r"^\s*(?:y|a|al|hasta|to|and|-|–)\s*$")
# Words after an amount describe it only up to the next clause: "₡640,000,000 and a bid security".
CLAUSE_LINK = re.compile(r",\s|\s(?:y|e|and|but|pero|while|mientras|whereas)\s")
CONTEXT = 80


@dataclass(frozen=True)
class Money:
    value: float
    currency: str
    start: int
    end: int = 0


def find_amounts(text: str, lang: str = "es") -> list[Money]:
    """Every currency-marked amount in `text`, in order of appearance."""
    folded = fold(text)
    found = []
    for match in AMOUNT.finditer(folded):
        money = _money(match, lang)
        if money and money.value > 0:
            found.append(money)
    return found


def find_amount(text: str, lang: str = "es") -> Money | None:
    """The amount a firm cares about: per project if stated, else the budget; never a guarantee."""
    folded = fold(text)
    amounts = find_amounts(text, lang)
    ranked = []
    for index, money in enumerate(amounts):
        previous = amounts[index - 1] if index else None
        following = amounts[index + 1] if index + 1 < len(amounts) else None
        before_previous = amounts[index - 2] if index > 1 else None
        rank = _rank(folded, money, previous, following, before_previous)
        if rank is not None:
            ranked.append((rank, money.start, money))
    return min(ranked, key=lambda r: r[:2])[2] if ranked else None


def parse_amount(text: str | None, lang: str = "es") -> Money | None:
    """One amount written in a field of its own ("₡25.000.000", "US$ 1,5 millones")."""
    amounts = find_amounts(text, lang) if text else []
    return amounts[0] if amounts else None


def _rank(folded: str, money: Money, previous: Money | None, following: Money | None,
          before_previous: Money | None = None) -> int | None:
    """0 per project, 1 a budget or value, None when the amount is not what a firm can obtain."""
    clause = folded[_clause_start(folded, money, previous):money.start]
    if previous and _links_range(folded, previous, money):  # the top of a range reads its start's clause
        clause = folded[_clause_start(folded, previous, before_previous):money.start]
    after = SENTENCE_END.split(folded[money.end:money.end + 40])[0]
    own_words = CLAUSE_LINK.split(after, maxsplit=1)[0]
    if EXCLUDED.search(clause) or EXCLUDED.search(own_words[:30]) or RATE_AFTER.match(after) \
            or _approximation(folded, money, previous):
        return None
    if following and _links_range(folded, money, following):
        return None  # the lower end of "entre US$150.000 y US$500.000"
    if PER_UNIT_AFTER.match(after) or (PER_UNIT_BEFORE.search(clause) and not TOTAL.search(clause)):
        return 0
    return 1


def _clause_start(folded: str, money: Money, previous: Money | None) -> int:
    """Where the clause that introduces `money` starts: a sentence, the window or the last amount."""
    window_start = max(0, money.start - CONTEXT)
    sentence_ends = [m.end() for m in SENTENCE_END.finditer(folded, window_start, money.start)]
    return max([window_start, previous.end if previous else 0, *sentence_ends])


def _links_range(folded: str, low: Money, high: Money) -> bool:
    return low.currency == high.currency and bool(RANGE_LINK.match(folded[low.end:high.start]))


def _approximation(folded: str, money: Money, previous: Money | None) -> bool:
    """"₡10 millones (unos US$19.000)": the figure in parentheses only restates the first."""
    return previous is not None and "(" in folded[previous.end:money.start] \
        and ")" not in folded[previous.end:money.start]


def _money(match: re.Match, lang: str) -> Money | None:
    number = match.group("number") or match.group("number2")
    scale = (match.group("scale") or match.group("scale2") or "").lower()
    scale = re.sub(r"\s+", " ", scale)
    marker = re.sub(r"\s+", " ", (match.group("symbol") or match.group("word") or "").lower())
    marker = marker.replace("us $", "us$")
    currency = CURRENCIES.get(marker)
    if currency is None:
        return None
    separator = _decimal_separator(number, scale, lang)
    price = Price.fromstring(re.sub(r"\s", "", number), decimal_separator=separator)
    if price.amount is None:
        return None
    value = float(price.amount) * SCALES.get(scale, 1)
    return Money(round(value, 2), currency, match.start(), match.end())


def _decimal_separator(number: str, scale: str, lang: str) -> str | None:
    """Which mark separates decimals in `number`, by the writing conventions of its language.

    "25.000.000" and "250,000" have none; "3.200.000,00" has ",". With one mark, three digits
    after it are a thousands group ("₡1.200 millones") unless the text is English and a
    scale word follows ("EUR 1.250 million"); fewer digits are decimals ("1,5 millones").
    """
    marks = re.findall(r"[.,]", number)
    if not marks:
        return None
    if len(set(marks)) == 2:
        return marks[-1]
    groups = re.split(r"[.,]", number)
    if len(marks) > 1:
        return None
    english = scale in ENGLISH_SCALES or (lang == "en" and scale not in SPANISH_SCALES)
    if len(groups[-1]) == 3 and not (english and scale and marks[0] == "."):
        return None
    return marks[0]
