"""The backend contract, written once and run against every backend."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from core import clock
from search.backend import get_backend
from search.document import Document
from search.errors import BackendUnavailable
from search.query import SearchQuery

NOW = clock.now()  # pinned for the whole run (tests/conftest.py)


def doc(doc_id: str, title: str, **fields) -> Document:
    defaults = {"url": f"https://example.org/{doc_id}", "source": "demo_a", "kind": "news",
                "lang": "es", "published": NOW - timedelta(days=10)}
    return Document(id=doc_id, title=title, **{**defaults, **fields}).with_content_hash()


CORPUS = [
    doc("ai-call", "Convocatoria de inteligencia artificial para pymes", kind="funding_call",
        body="Fondos para proyectos de aprendizaje automático en la Zona Sur.",
        topics=["ai"], deadline=(NOW + timedelta(days=20)).date(), published=NOW - timedelta(days=2)),
    doc("cyber-tender", "Licitación de ciberseguridad para la municipalidad", kind="tender",
        body="Servicios de monitoreo de seguridad informática y respuesta a incidentes.",
        topics=["cybersecurity"], deadline=NOW + timedelta(days=5), source="demo_b",
        published=NOW - timedelta(days=3)),
    doc("closed-call", "Fondo de tecnología agrícola", kind="funding_call",
        body="Tecnologías para la agricultura de precisión y riego inteligente.",
        topics=["agritech", "iot"], deadline=(NOW - timedelta(days=3)).date(),
        published=NOW - timedelta(days=40)),
    doc("ai-news", "AI adoption grows among Costa Rican firms", lang="en",
        body="Artificial intelligence and inteligencia artificial pilots in the south.",
        topics=["ai", "data"], published=NOW - timedelta(days=1)),
    doc("blockchain-news", "Blockchain en la trazabilidad del café", body="Cadena de bloques.",
        topics=["blockchain"], published=NOW - timedelta(days=90)),
]


@pytest.fixture
def backend(empty_backend):
    empty_backend.upsert(CORPUS)
    return empty_backend


def ids(result) -> list[str]:
    return [hit.document.id for hit in result.hits]


def test_upsert_is_idempotent_and_get_returns_the_document(backend):
    assert backend.count() == len(CORPUS)
    backend.upsert(CORPUS[:2])
    assert backend.count() == len(CORPUS)
    assert backend.get("ai-call") == CORPUS[0]
    assert backend.get("missing") is None


def test_upsert_replaces_and_delete_removes(backend):
    changed = CORPUS[0].model_copy(update={"title": "Convocatoria de robótica", "topics": ["robotics"]})
    backend.upsert([changed])
    assert backend.get("ai-call").title == changed.title
    assert ids(backend.search(SearchQuery(q="robotica"))) == ["ai-call"]
    assert "ai-call" not in ids(backend.search(SearchQuery(topic=("ai",))))
    assert backend.delete("ai-call") and not backend.delete("ai-call")
    assert backend.count() == len(CORPUS) - 1
    assert backend.search(SearchQuery(q="robotica")).total == 0


def test_the_generation_moves_with_every_visible_write_and_only_then(backend):
    before = backend.generation()
    assert before and backend.generation() == before  # reading changes nothing
    backend.search(SearchQuery(q="ciberseguridad"))
    assert backend.generation() == before
    backend.upsert([CORPUS[0].model_copy(update={"title": "Convocatoria de robótica"})])
    after_write = backend.generation()
    assert after_write != before
    with backend.bulk_load():
        backend.upsert([doc("bulk", "Documento cargado en lote")])
    assert backend.generation() != after_write  # the load became visible: answers cached before are stale
    settled = backend.generation()
    backend.delete("bulk")
    assert backend.generation() != settled


def test_diacritics_fold_both_ways(backend):
    assert "closed-call" in ids(backend.search(SearchQuery(q="tecnologia agricola")))
    assert "ai-call" in ids(backend.search(SearchQuery(q="automático")))
    assert "ai-call" in ids(backend.search(SearchQuery(q="AUTOMATICO")))


def test_title_matches_rank_above_body_matches(backend):
    result = backend.search(SearchQuery(q="inteligencia artificial"))
    assert ids(result)[:2] == ["ai-call", "ai-news"]
    assert result.hits[0].score >= result.hits[1].score


def test_phrases_and_exclusions(backend):
    assert ids(backend.search(SearchQuery(q='"cadena de bloques"'))) == ["blockchain-news"]
    assert "ai-news" not in ids(backend.search(SearchQuery(q="inteligencia -pilots")))
    assert backend.search(SearchQuery(q="-blockchain")).total == len(CORPUS) - 1


def test_filters_combine(backend):
    assert ids(backend.search(SearchQuery(kind=("funding_call",), topic=("ai",)))) == ["ai-call"]
    assert set(ids(backend.search(SearchQuery(lang=("en",))))) == {"ai-news"}
    assert ids(backend.search(SearchQuery(source=("demo_b",)))) == ["cyber-tender"]
    assert backend.search(SearchQuery(topic=("agritech", "iot"))).total == 1
    assert backend.search(SearchQuery(topic=("agritech", "ai"))).total == 0


def test_open_means_deadline_still_ahead(backend):
    assert set(ids(backend.search(SearchQuery(open=True)))) == {"ai-call", "cyber-tender"}


def test_date_ranges(backend):
    recent = backend.search(SearchQuery(published_from=(NOW - timedelta(days=5)).date()))
    assert set(ids(recent)) == {"ai-call", "cyber-tender", "ai-news"}
    old = backend.search(SearchQuery(published_to=(NOW - timedelta(days=30)).date()))
    assert set(ids(old)) == {"closed-call", "blockchain-news"}
    in_ten_days = (NOW + timedelta(days=10)).date()
    soon = backend.search(SearchQuery(deadline_from=NOW.date(), deadline_to=in_ten_days))
    assert ids(soon) == ["cyber-tender"]


def test_sorts(backend):
    assert ids(backend.search(SearchQuery(sort="published")))[:3] == ["ai-news", "ai-call", "cyber-tender"]
    by_deadline = ids(backend.search(SearchQuery(sort="deadline")))
    assert by_deadline[:3] == ["closed-call", "cyber-tender", "ai-call"]
    assert ids(backend.search(SearchQuery(sort="deadline", open=True))) == ["cyber-tender", "ai-call"]


def test_facets_count_the_filtered_results(backend):
    facets = backend.search(SearchQuery()).facets
    assert facets["kind"] == {"news": 2, "funding_call": 2, "tender": 1}
    assert facets["topic"]["ai"] == 2
    assert facets["lang"] == {"es": 4, "en": 1}
    filtered = backend.search(SearchQuery(topic=("ai",))).facets
    assert filtered["kind"] == {"funding_call": 1, "news": 1}
    assert filtered["topic"] == {"ai": 2, "data": 1}


def test_pagination(backend):
    first = backend.search(SearchQuery(sort="published", size=2))
    second = backend.search(SearchQuery(sort="published", size=2, page=2))
    assert first.total == second.total == len(CORPUS)
    assert len(first.hits) == 2 and not set(ids(first)) & set(ids(second))


def test_highlights_are_escaped_and_marked(backend):
    backend.upsert([doc("xss", "<script>alert(1)</script> inteligencia",
                        body="<img src=x onerror=alert(1)> inteligencia")])
    hit = next(h for h in backend.search(SearchQuery(q="inteligencia")).hits if h.document.id == "xss")
    assert "<script>" not in hit.highlights["title"]
    assert "&lt;script&gt;" in hit.highlights["title"]
    assert "<mark>inteligencia</mark>" in hit.highlights["body"]
    assert "<img" not in hit.highlights["body"]


def test_fingerprints_and_iteration(backend):
    assert backend.fingerprints(["ai-call", "nope"]) == {"ai-call": CORPUS[0].content_hash}
    every = list(backend.iter_documents(SearchQuery(kind=("funding_call",), sort="deadline")))
    assert [d.id for d in every] == ["closed-call", "ai-call"]


def test_an_unknown_backend_is_a_clear_error():
    with pytest.raises(BackendUnavailable, match="could not load backend 'solr'"):
        get_backend("solr")


def test_sqlite_deadline_dates_and_datetimes_compare(data_dir):
    backend = get_backend("sqlite")
    backend.upsert([doc("d1", "Uno", deadline=date(2030, 1, 2)),
                    doc("d2", "Dos", deadline=datetime(2030, 1, 2, 10, tzinfo=UTC))])
    assert ids(backend.search(SearchQuery(sort="deadline"))) == ["d2", "d1"]


def test_weekly_histograms_by_topic_and_kind(backend):
    weeks = backend.histogram(by="topic")
    assert list(weeks) == sorted(weeks)
    assert all(week.weekday() == 0 for week in weeks)
    assert sum(counts.get("ai", 0) for counts in weeks.values()) == 2
    ai_news_day = (NOW - timedelta(days=1)).date()
    assert weeks[ai_news_day - timedelta(days=ai_news_day.weekday())]["ai"] >= 1
    by_kind = backend.histogram(SearchQuery(kind=("news",)), by="kind")
    assert sum(c.get("news", 0) for c in by_kind.values()) == 2
    assert all(set(c) == {"news"} for c in by_kind.values())


@pytest.mark.parametrize("hostile", ['a" OR "b', "NEAR(a b)", "title:x", "*", '"', "(((", "x~2 a|b",
                                     "\\", "\x00", "😀", "<script>", "-", "AND OR NOT", "a" * 500,
                                     # Lucene / query_string syntax: regexps, fields, boosts, JSON
                                     "/.*/", "_exists_:title", "*:*", "title:(a OR b)^10", "{!lucene}x",
                                     '{"match_all": {}}', "a~10", "source:demo_b", "[* TO *]"])
def test_no_user_input_breaks_a_search(backend, hostile):
    result = backend.search(SearchQuery(q=hostile))
    assert result.total == len(result.hits) == sum(result.facets["kind"].values())
    if not any(c.isalnum() for c in hostile):  # nothing to search for: everything is listed
        assert result.total == len(CORPUS)


@pytest.mark.parametrize("field_syntax", ["_exists_:title", "source:demo_b", "kind:tender", "*:*"])
def test_field_syntax_in_a_query_is_words_not_a_filter(backend, field_syntax):
    """No document holds these words: read as Lucene syntax they would match some or all."""
    expected = len(CORPUS) if field_syntax == "*:*" else 0  # no words at all: everything is listed
    assert backend.search(SearchQuery(q=field_syntax)).total == expected
