"""Spanish by default, English by the switch; formats per locale; every string translated."""

from datetime import date, datetime, timedelta

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po

from core import clock
from search.document import Amount
from tests.helpers import ROOT
from tests.search.test_backend_contract import doc

TRANSLATIONS = ROOT / "web" / "translations" / "en" / "LC_MESSAGES"


def test_spanish_is_the_default_whatever_the_browser_says(client):
    page = client.get("/", headers={"Accept-Language": "en-US,en;q=0.9"}).get_data(as_text=True)
    assert '<html lang="es">' in page and ">Oportunidades<" in page
    assert 'href="/lang/en?next=/"' in page and 'lang="en"' in page  # the switch, visible on every page


def test_the_switch_remembers_english_and_returns_to_the_page(client):
    response = client.get("/lang/en?next=/opportunities?topic%3Dai")
    assert response.status_code == 302 and response.headers["Location"] == "/opportunities?topic=ai"
    assert "lang=en" in response.headers["Set-Cookie"]
    page = client.get("/opportunities").get_data(as_text=True)
    assert '<html lang="en">' in page and "<h1>Open opportunities</h1>" in page
    assert "Closes tomorrow" in page and "US$1,500.50" in page
    client.get("/lang/es")
    assert "<h1>Oportunidades abiertas</h1>" in client.get("/opportunities").get_data(as_text=True)


@pytest.mark.parametrize("target", ["https://evil.example/", "//evil.example/", "/\\evil.example",
                                    "javascript:x"])
def test_the_switch_never_redirects_off_site(client, target):
    response = client.get("/lang/en", query_string={"next": target})
    assert response.headers["Location"] == "/"


def test_an_unknown_language_is_ignored(client):
    response = client.get("/lang/xx")
    assert response.status_code == 302 and "Set-Cookie" not in response.headers


def test_dates_and_money_are_formatted_for_the_locale(client, english):
    spanish = client.application.test_client().get("/items/full-call").get_data(as_text=True)
    assert "₡25.000.000" in spanish and "15 de diciembre de 2099" in spanish
    page = english.get("/items/full-call").get_data(as_text=True)
    assert "₡25,000,000" in page and "December 15, 2099" in page and "Topics and why" in page
    assert ">Cybersecurity<" in page  # topic labels from the taxonomy in English


def test_formatting_helpers(app):
    from web.i18n import closes_in, days_left, language_name, long_date, money

    with app.test_request_context("/"):
        assert money(Amount(value=25_000_000, currency="CRC")) == "₡25.000.000"
        assert money(Amount(value=1500.5, currency="USD")) == "US$1.500,50"
        assert money(Amount(value=9000, currency="EUR")) == "€9.000"
        assert long_date(date(2026, 12, 15)) == "15 de diciembre de 2026"
        timed = datetime.fromisoformat("2026-12-15T16:00:00+00:00")
        assert long_date(timed) == "15 de diciembre de 2026, 10:00"  # Costa Rica time
        assert language_name("en") == "Inglés" and language_name("und") == "Sin determinar"
        today = clock.today()  # Costa Rica's date, not the UTC one (ahead at night)
        call = doc("x", "x", deadline=today + timedelta(days=400))
        assert days_left(call, today=today) == 400 and closes_in(call) == "Cierra en 400 días"
    with app.test_request_context("/", headers={"Cookie": "lang=en"}):
        assert money(Amount(value=25_000_000, currency="CRC")) == "₡25,000,000"
        assert long_date(date(2026, 12, 15)) == "December 15, 2026"


def catalogue():
    with (TRANSLATIONS / "messages.po").open("rb") as po:
        return read_po(po)


def test_every_ui_string_has_an_english_translation():
    translated = {m.id for m in catalogue() if m.id and all(m.string if isinstance(m.string, tuple)
                                                              else [m.string])}
    method_map = [("**.py", "python"), ("**.html", "jinja2")]
    found = {msg if isinstance(msg, str) else msg[0]
             for _, _, msg, *_ in extract_from_dir(ROOT / "web", method_map=method_map,
                                                   keywords={"_": None, "gettext": None,
                                                             "ngettext": (1, 2), "lazy_gettext": None})}
    translated_singulars = {m if isinstance(m, str) else m[0] for m in translated}
    assert sorted(found - translated_singulars) == [], "run scripts/translations update, then translate"


def test_the_compiled_catalogue_matches_the_po():
    def pairs(messages) -> dict:
        as_key = lambda value: tuple(value) if isinstance(value, list | tuple) else value  # noqa: E731
        return {as_key(m.id): as_key(m.string) for m in messages if m.id and not m.fuzzy}

    with (TRANSLATIONS / "messages.mo").open("rb") as mo:
        compiled = pairs(read_mo(mo))
    assert compiled == pairs(catalogue()), \
        "run scripts/translations compile"
