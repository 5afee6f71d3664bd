"""The weekly digest's content, built from a real SQLite index."""

from datetime import UTC, date, datetime, time, timedelta

import pytest

from search.backend import get_backend
from search.errors import InvalidQuery
from tests.search.test_backend_contract import doc
from web.digest import build_digest, parse_week

MONDAY = date(2026, 11, 16)  # ISO week 2026-W47


def at(day: date) -> datetime:
    return datetime.combine(day, time(12), UTC)


@pytest.fixture
def backend(data_dir):
    docs = [
        # four quiet weeks of blockchain before a busy AI week
        *(doc(f"bc{i}", f"Blockchain {i}", topics=["blockchain"],
              published=at(MONDAY - timedelta(days=3 + 7 * (i % 4)))) for i in range(8)),
        doc("ai1", "Fondo de IA", kind="funding_call", topics=["ai"], published=at(MONDAY),
            deadline=MONDAY + timedelta(days=10)),
        doc("ai2", "Licitación de IA", kind="tender", topics=["ai"], published=at(MONDAY + timedelta(days=2)),
            deadline=MONDAY + timedelta(days=40)),
        doc("ai3", "Noticia de IA", topics=["ai", "data"], published=at(MONDAY + timedelta(days=3))),
        doc("old-open", "Convocatoria anterior", kind="funding_call", topics=["iot"],
            published=at(MONDAY - timedelta(days=30)), deadline=MONDAY + timedelta(days=12)),
        doc("closed", "Cerrada durante la semana", kind="tender", topics=["ai"],
            published=at(MONDAY + timedelta(days=1)), deadline=MONDAY + timedelta(days=4)),
    ]
    backend = get_backend("sqlite")
    backend.upsert(docs)
    yield backend
    backend.close()


def test_weeks_parse_and_default_to_the_last_complete_one():
    assert parse_week("2026-W47") == ("2026-W47", MONDAY)
    assert parse_week(None, today=date(2026, 11, 25)) == ("2026-W47", MONDAY)
    assert parse_week(None, today=date(2026, 11, 23)) == ("2026-W47", MONDAY)
    for bad in ("2026-47", "2026-W54", "last week", "2026-W00"):
        with pytest.raises(InvalidQuery, match="ISO week"):
            parse_week(bad)


def test_the_digest_counts_new_items_lists_open_ones_and_closing_soon(backend):
    digest = build_digest(backend, "2026-W47")
    assert digest.new_by_kind == {"funding_call": 1, "news": 1, "tender": 2}
    assert [d.id for d in digest.opportunities] == ["ai1", "ai2"]
    assert [d.id for d in digest.news] == ["ai3"]
    assert [d.id for d in digest.closing_soon] == ["ai1", "old-open"]


def test_rising_and_falling_topics(backend):
    digest = build_digest(backend, "2026-W47")
    assert [(t.slug, t.count) for t in digest.rising] == [("ai", 4)]
    assert [(t.slug, t.count, t.baseline) for t in digest.falling] == [("blockchain", 0, 2.0)]


def test_a_working_group_digest_covers_its_topics_only(backend):
    digest = build_digest(backend, "2026-W47", topics=("blockchain",))
    assert digest.new_by_kind == {} and digest.opportunities == [] and digest.rising == []
    assert [t.slug for t in digest.falling] == ["blockchain"]
