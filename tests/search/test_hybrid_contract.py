"""The contract, continued: semantic and hybrid search, similar items, trends, reindexing.

Vectors here are small and hand-made so that the expected neighbours are obvious: AI documents
point along the first axis, security along the second, farming along the third.
"""

from __future__ import annotations

from datetime import timedelta

import pytest

from search.document import Document
from search.errors import InvalidQuery
from search.hybrid import reciprocal_rank_fusion
from search.query import SearchQuery
from tests.search.test_backend_contract import CORPUS, NOW, doc, ids

VECTORS = {
    "ai-call": [1.0, 0.1, 0.0, 0.0], "ai-news": [0.9, 0.0, 0.3, 0.0],
    "cyber-tender": [0.1, 1.0, 0.0, 0.0], "closed-call": [0.0, 0.1, 1.0, 0.2],
    "blockchain-news": [0.0, 0.0, 0.1, 1.0],
}
KEYPHRASES = {"ai-call": ["aprendizaje automático", "pymes"], "ai-news": ["aprendizaje automático"],
              "cyber-tender": ["respuesta a incidentes", "pymes"]}
AI = (1.0, 0.0, 0.0, 0.0)


def with_vectors(doc: Document, **fields) -> Document:
    """The document with its hand-made vector, validated (so stored as float32)."""
    return Document.model_validate(doc.model_dump() | {"embedding": VECTORS[doc.id], **fields})


@pytest.fixture
def backend(empty_backend):
    empty_backend.upsert(with_vectors(d, keyphrases=KEYPHRASES.get(d.id, [])) for d in CORPUS)
    return empty_backend


def test_semantic_search_finds_by_meaning_alone(backend):
    result = backend.search(SearchQuery(q="machine learning", mode="semantic", vector=AI))
    assert ids(result) == ["ai-call", "ai-news"]
    assert result.total == 2 and result.facets["kind"] == {"funding_call": 1, "news": 1}
    assert 0.9 < result.hits[0].score <= 1.0 and result.hits[0].score > result.hits[1].score


def test_hybrid_fuses_keyword_and_semantic_ranks(backend):
    result = backend.search(SearchQuery(q="municipalidad", vector=AI))  # hybrid: a vector came along
    # keyword: [cyber-tender]; neighbours: [ai-call, ai-news]; equal fused scores tie by id
    assert ids(result) == ["ai-call", "cyber-tender", "ai-news"]
    assert result.total == 3 and result.facets["topic"] == {"ai": 2, "cybersecurity": 1, "data": 1}
    expected = dict(reciprocal_rank_fusion([["cyber-tender"], ["ai-call", "ai-news"]]))
    assert [round(h.score, 9) for h in result.hits] == [round(expected[i], 9) for i in ids(result)]
    assert "<mark>municipalidad</mark>" in result.hits[1].highlights["title"]


def test_modes_are_explicit_or_follow_the_vector(backend):
    keyword = backend.search(SearchQuery(q="municipalidad", mode="keyword", vector=AI))
    assert ids(keyword) == ids(backend.search(SearchQuery(q="municipalidad"))) == ["cyber-tender"]
    with pytest.raises(InvalidQuery, match="needs a query embedding"):
        backend.search(SearchQuery(q="municipalidad", mode="hybrid"))
    assert backend.search(SearchQuery(mode="semantic", vector=AI)).total == len(CORPUS)  # no words: a listing


def test_hybrid_keeps_filters_exclusions_and_sorts(backend):
    assert ids(backend.search(SearchQuery(q="municipalidad", vector=AI, kind=("news",)))) == ["ai-news"]
    excluded = backend.search(SearchQuery(q="municipalidad -pilots", vector=AI))
    assert ids(excluded) == ["ai-call", "cyber-tender"] and excluded.total == 2
    by_deadline = backend.search(SearchQuery(q="municipalidad", vector=AI, sort="deadline"))
    assert ids(by_deadline) == ["cyber-tender", "ai-call", "ai-news"]


def test_hybrid_pages_cover_the_results_once(backend):
    pages = [backend.search(SearchQuery(q="municipalidad", vector=AI, size=2, page=p)) for p in (1, 2)]
    assert [ids(p) for p in pages] == [["ai-call", "cyber-tender"], ["ai-news"]]
    assert pages[0].total == pages[1].total == 3


def test_similar_documents_by_embedding(backend):
    similar = backend.similar("ai-call", k=3)
    assert [h.document.id for h in similar] == ["ai-news"]  # the others are below MIN_SIMILARITY
    assert similar[0].document == backend.get("ai-news")
    assert backend.similar("missing") == []
    backend.upsert([doc("plain", "Sin vector")])
    assert backend.similar("plain") == []


def test_a_query_vector_of_another_size_finds_no_neighbours(backend):
    result = backend.search(SearchQuery(q="municipalidad", vector=(1.0, 0.0)))
    assert ids(result) == ["cyber-tender"]


def test_weekly_term_counts(backend):
    weeks = backend.term_counts()
    week_of = {d.id: (d.published - timedelta(days=d.published.weekday())).date() for d in CORPUS}
    assert weeks[week_of["ai-news"]]["aprendizaje automático"] >= 1
    total = {}
    for counts in weeks.values():
        for phrase, n in counts.items():
            total[phrase] = total.get(phrase, 0) + n
    assert total == {"aprendizaje automático": 2, "pymes": 2, "respuesta a incidentes": 1}
    top = backend.term_counts(size=1)
    assert all(len(counts) == 1 for counts in top.values())
    assert backend.term_counts(SearchQuery(kind=("tender",))) == {
        week_of["cyber-tender"]: {"pymes": 1, "respuesta a incidentes": 1}}


def test_every_field_round_trips(backend):
    rich = doc("rich", "Licitación con todo", kind="tender", summary="Resumen", body="Cuerpo",
               deadline=NOW + timedelta(days=9), amount={"value": 25_000_000, "currency": "CRC"},
               organizations=["MICITT"], country="CR", categories=["72000000"], topics=["cloud"],
               topic_scores={"cloud": 0.8}, topic_evidence={"cloud": {"terms": ["nube"], "score": 0.8}},
               keyphrases=["nube"], attachments=[{"url": "https://example.org/cartel.pdf", "text": "Anexo"}],
               embedding=[0.5, 0.5, 0.5, 0.5], published_estimated=True, fetched=NOW,
               duplicate_of="ai-call")
    backend.upsert([rich])
    assert backend.get("rich") == rich
    assert [d for d in backend.iter_documents() if d.id == "rich"] == [rich]
    assert ids(backend.search(SearchQuery(q="anexo", country=("CR",), duplicates=True))) == ["rich"]


def test_copies_show_up_once_unless_asked_for(backend):
    copy = doc("ai-call-copy", "Convocatoria de inteligencia artificial para pymes (copia)",
               kind="funding_call", duplicate_of="ai-call", topics=["ai"])
    backend.upsert([copy])
    assert "ai-call-copy" not in ids(backend.search(SearchQuery(q="inteligencia")))
    assert backend.search(SearchQuery()).total == len(CORPUS)
    assert backend.search(SearchQuery(duplicates=True)).total == len(CORPUS) + 1
    assert ids(backend.search(SearchQuery(duplicate_of=("ai-call",)))) == ["ai-call-copy"]
    assert backend.search(SearchQuery(topic=("ai",))).facets["topic"]["ai"] == 2
    assert "ai-call-copy" in {d.id for d in backend.iter_documents()}


def test_copies_are_collapsed_under_their_original_never_hidden_without_a_trace(backend):
    """The original lists its copies; what a search leaves out is counted, also when the
    original itself does not match (another source, words only the copy has)."""
    backend.upsert([doc("ai-call-copy", "Convocatoria de inteligencia artificial para pymes, otra fuente",
                        kind="funding_call", duplicate_of="ai-call", source="otra-fuente")])
    result = backend.search(SearchQuery(q="inteligencia"))
    hit = next(h for h in result.hits if h.document.id == "ai-call")
    assert [c.id for c in hit.copies] == ["ai-call-copy"] and result.hidden_copies == 1
    assert result.to_dict()["items"][ids(result).index("ai-call")]["copies"][0]["source"] == "otra-fuente"
    elsewhere = backend.search(SearchQuery(source=("otra-fuente",)))
    assert elsewhere.total == 0 and elsewhere.hidden_copies == 1
    assert backend.search(SearchQuery(duplicates=True, q="inteligencia")).hidden_copies == 0


def test_reindex_keeps_every_document_searchable(backend):
    before = {d.id: d for d in backend.iter_documents()}
    assert backend.reindex() == len(CORPUS)
    assert {d.id: d for d in backend.iter_documents()} == before
    assert ids(backend.search(SearchQuery(q="tecnologia agricola"))) == ["closed-call"]
    assert ids(backend.search(SearchQuery(q="machine learning", mode="semantic", vector=AI)))[0] == "ai-call"
