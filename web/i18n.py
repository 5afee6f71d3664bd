"""Language: Spanish by default, English by choice; dates, numbers and money for the locale."""

from __future__ import annotations

from datetime import date, datetime
from urllib.parse import urlsplit

from babel import Locale
from babel.numbers import format_decimal, get_currency_symbol
from flask import Flask, redirect, request
from flask_babel import Babel, format_date, format_time, get_locale, gettext, ngettext

from core import clock
from core.money import SYMBOLS
from search.document import Amount, Document

LANGUAGES = ("es", "en")
DEFAULT_LANGUAGE = "es"
LANG_COOKIE = "lang"


def select_locale() -> str:
    """The language chosen with the switch (a cookie), else Spanish."""
    chosen = request.cookies.get(LANG_COOKIE)
    return chosen if chosen in LANGUAGES else DEFAULT_LANGUAGE


def switch_language(code: str):
    """Remember the language and go back to the page the switch was on."""
    target = request.args.get("next", "/")
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or "\\" in target:
        target = "/"  # only paths on this site: no open redirect
    response = redirect(target)
    if code in LANGUAGES:
        response.set_cookie(LANG_COOKIE, code, max_age=365 * 86400, httponly=True, samesite="Lax")
    return response


def money(amount: Amount | None) -> str:
    """"₡25.000.000" in Spanish, "₡25,000,000" in English; cents only when there are some."""
    if amount is None:
        return ""
    locale = str(get_locale())
    symbol = SYMBOLS.get(amount.currency) or get_currency_symbol(amount.currency, locale)
    pattern = "#,##0" if float(amount.value).is_integer() else "#,##0.00"
    return symbol + format_decimal(amount.value, format=pattern, locale=locale)


def number(value: float | int) -> str:
    return format_decimal(value, locale=str(get_locale()))


def long_date(value: date | datetime | None) -> str:
    """"15 de diciembre de 2026"; a datetime adds its Costa Rica time: "…, 10:00"."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        day, hour = format_date(value, "long"), format_time(value, "short")
        return gettext("%(date)s, %(time)s", date=day, time=hour)
    return format_date(value, "long")


def short_date(value: date | datetime | None) -> str:
    return format_date(value, "medium") if value else ""


def week_label(value: date) -> str:
    """A week's Monday as an axis label: "15 dic"."""
    return format_date(value, "d MMM")


def days_left(doc: Document, today: date | None = None) -> int | None:
    """Whole days from today (Costa Rica) to the deadline's day; negative once closed."""
    if doc.deadline is None:
        return None
    today = today or clock.today()
    deadline = doc.deadline
    closing = deadline.astimezone(clock.LOCAL_TZ).date() if isinstance(deadline, datetime) else deadline
    return (closing - today).days


def closes_in(doc: Document) -> str:
    """"Cierra hoy", "Cierra mañana", "Cierra en 5 días", "Cerrada"."""
    days = days_left(doc)
    if days is None:
        return ""
    if days < 0 or not doc.is_open():
        return gettext("Cerrada")
    if days == 0:
        return gettext("Cierra hoy")
    if days == 1:
        return gettext("Cierra mañana")
    return ngettext("Cierra en %(num)d día", "Cierra en %(num)d días", days)


def urgency(doc: Document) -> str:
    """A CSS class: closed, urgent (≤ 2 days), soon (≤ 7 days) or later."""
    days = days_left(doc)
    if days is None or days < 0 or not doc.is_open():
        return "closed"
    return "urgent" if days <= 2 else "soon" if days <= 7 else "later"


def language_name(code: str) -> str:
    """"es" → "Español" in Spanish, "Spanish" in English."""
    if code == "und":
        return gettext("Sin determinar")
    try:
        name = Locale.parse(code).get_display_name(str(get_locale()))
    except (ValueError, TypeError):
        return code
    return name[:1].upper() + name[1:] if name else code


def init_app(app: Flask) -> None:
    app.config.setdefault("BABEL_DEFAULT_LOCALE", DEFAULT_LANGUAGE)
    app.config.setdefault("BABEL_DEFAULT_TIMEZONE", clock.TIMEZONE)
    Babel(app, locale_selector=select_locale)
    app.add_url_rule("/lang/<code>", "switch_language", switch_language)
    for name, function in (("money", money), ("number", number), ("long_date", long_date),
                           ("short_date", short_date), ("week_label", week_label), ("closes_in", closes_in),
                           ("urgency", urgency), ("language_name", language_name)):
        app.add_template_filter(function, name)
    app.add_template_global(lambda: str(get_locale()), "current_language")
