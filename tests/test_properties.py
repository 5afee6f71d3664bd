"""Any input, no surprise: property-based tests (hypothesis) of the functions that read untrusted text.

Each function takes any string and returns its documented types, or raises only its documented
error; the number of examples per test is hypothesis's default (100) unless set below.
"""

from __future__ import annotations

from datetime import date, datetime

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from core.errors import ConfigError
from crawlers.config import load_sources
from nlp.dates import find_dates, parse_date
from nlp.deadline import find_deadline
from nlp.language import detect_language
from nlp.money import Money, find_amounts, parse_amount
from nlp.taxonomy import load_taxonomy
from search.errors import InvalidQuery
from search.fts import fts_match, parse_terms
from tests.nlp.conftest import blank, make_doc

# Text that reaches the interesting branches: words and signs the parsers look for, among anything.
WORDS = st.sampled_from([
    "plazo", "hasta", "el", "de", "enero", "febrero", "29", "31", "2026", "12/31/2026", "1.000.000,50",
    "US$", "USD", "€", "₡", "colones", "millones", "mil", "a las", "18:00", "h", "deadline", "March",
    "until", "before", "-", "–", "/", ".", ",", "\n", "AND", "OR", "NOT", '"', "*", "(", ")", ":", "NEAR",
    "ciberseguridad", "5G", "inteligencia artificial", "próximo", "lunes", "ayer", "mañana", "0",
    "99999999999"])
TEXT = st.one_of(st.text(), st.lists(st.one_of(WORDS, st.text(max_size=5)), max_size=30).map(" ".join))
LANGS = st.sampled_from(["es", "en", "pt", "fr", "xx", ""])
# No timing assertions (the first call loads models): no deadline; fixtures are module-scoped.
RELAXED = settings(deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
REFERENCE = st.one_of(st.none(), st.dates(date(1900, 1, 1), date(2200, 12, 31)))


@RELAXED
@given(TEXT, LANGS, REFERENCE)
def test_dates(text, lang, reference):
    for mention in find_dates(text, lang, reference):
        assert isinstance(mention.value, date)
        assert 0 <= mention.start <= mention.end <= len(text)
    assert parse_date(text, lang) is None or isinstance(parse_date(text, lang), date)


@RELAXED
@given(TEXT, LANGS, REFERENCE, st.sampled_from([None, "funding_call", "tender", "news", "event"]))
def test_deadline(text, lang, reference, kind):
    assert find_deadline(text, lang, reference, kind) is None or isinstance(
        find_deadline(text, lang, reference, kind), (date, datetime))


@RELAXED
@given(TEXT, LANGS)
def test_amounts(text, lang):
    for money in find_amounts(text, lang):
        assert isinstance(money, Money) and isinstance(money.value, float) and money.value >= 0
        assert isinstance(money.currency, str) and len(money.currency) == 3
    assert parse_amount(text, lang) is None or isinstance(parse_amount(text, lang), Money)


@RELAXED
@given(TEXT, st.one_of(st.none(), LANGS))
def test_language(text, hint):
    code = detect_language(text, hint)
    assert isinstance(code, str) and code


@pytest.fixture(scope="module")
def tagger():
    return blank("es", "obs_topics")


@RELAXED
@given(title=TEXT, body=TEXT)
def test_topics(tagger, title, body):
    slugs = {topic.slug for topic in load_taxonomy().topics}
    doc = make_doc(tagger, title, body)
    assert set(doc._.topics or []) <= slugs


@RELAXED
@given(TEXT)
def test_query_parsing(text):
    try:
        terms = parse_terms(text)
        fts_match(text)
    except InvalidQuery:
        return
    assert all(isinstance(word, str) and word for term in terms for word in term.words)


YAML_VALUES = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False), st.text(max_size=20)),
    lambda children: st.one_of(st.lists(children, max_size=4),
                               st.dictionaries(st.text(max_size=10), children, max_size=4)),
    max_leaves=20)
SOURCE_KEYS = st.sampled_from(["id", "kind", "type", "url", "language", "country", "enabled", "listing",
                               "fields", "attachments", "allow_private", "recrawl_days", "download_delay"])
SOURCES = st.dictionaries(SOURCE_KEYS, YAML_VALUES, max_size=8).map(lambda entry: {"sources": [entry]})


@RELAXED
@given(st.one_of(SOURCES, YAML_VALUES.map(lambda v: {"sources": v}), YAML_VALUES, st.text().map(str)))
def test_yaml_loaders(tmp_path, content):
    path = tmp_path / "sources.yaml"
    text = content if isinstance(content, str) else yaml.safe_dump(content, allow_unicode=True)
    path.write_text(text, encoding="utf-8")
    try:
        sources = load_sources(path)
    except ConfigError:
        return
    assert isinstance(sources, list)
