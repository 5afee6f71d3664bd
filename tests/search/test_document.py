from datetime import UTC, date, datetime

import pytest

from core import clock
from search.document import Document, ValidationError, document_id


def make(**fields) -> Document:
    return Document(**{"id": "x1", "url": "https://example.org/a", "source": "src",
                       "kind": "tender", "title": "Licitación", **fields})


def test_round_trip_keeps_every_field():
    doc = make(published=datetime(2026, 3, 1, 12, tzinfo=UTC), deadline=date(2026, 4, 15),
               amount={"value": 25_000_000, "currency": "CRC"}, topics=["ai"],
               topic_scores={"ai": 0.9}, embedding=[0.1, 0.2]).with_content_hash()
    assert Document.from_dict(doc.to_dict()) == doc
    assert doc.to_dict()["deadline"] == "2026-04-15"
    assert "embedding" not in doc.to_dict(embedding=False)


def test_naive_and_offset_datetimes_become_utc():
    doc = make(published=datetime.fromisoformat("2026-03-01T06:00:00-06:00"))
    assert doc.published == datetime(2026, 3, 1, 12, tzinfo=UTC)
    assert make(published=datetime(2026, 3, 1)).published.tzinfo is UTC


def test_a_bare_deadline_date_closes_at_the_end_of_the_costa_rican_day():
    doc = make(deadline=date(2026, 4, 15))
    assert doc.deadline_at == datetime(2026, 4, 16, 5, 59, 59, tzinfo=UTC)
    assert doc.is_open(datetime(2026, 4, 16, 5, 0, tzinfo=UTC))
    assert not doc.is_open(datetime(2026, 4, 16, 6, 0, tzinfo=UTC))


@pytest.mark.parametrize("bad", [
    {"kind": "poster"}, {"title": ""}, {"lang": "spanish"}, {"country": "cr"},
    {"amount": {"value": 10, "currency": "colones"}}, {"amount": {"value": -1, "currency": "CRC"}},
    {"unknown_field": 1},
])
def test_invalid_fields_are_refused(bad):
    with pytest.raises(ValidationError):
        make(**bad)


def test_content_hash_changes_with_the_text_and_not_with_fetch_time():
    a = make(body="uno").with_content_hash()
    assert a.content_hash == make(body="uno", fetched=clock.now()).with_content_hash().content_hash
    assert a.content_hash != make(body="dos").with_content_hash().content_hash


def test_id_is_the_ocid_or_a_stable_url_hash():
    assert document_id("https://a.org/x", "ocds-abc-1") == "ocds-abc-1"
    assert document_id("https://a.org/x") == document_id("https://a.org/x") != document_id("https://a.org/y")
