"""nlp.enrich on plain records, and the `observatorio enrich` JSON-lines contract."""

import json

import pytest

from nlp import enrich
from tests.helpers import run_cli

RECORDS = [
    {"title": "Convocatoria de inteligencia artificial para pymes",
     "text": "El MICITT abre fondos para aprendizaje automático. Publicado el 2 de noviembre de 2026. "
             "Fecha límite: 15 de diciembre de 2026. Monto máximo ₡25.000.000 por proyecto.",
     "published": "2026-11-02"},
    {"title": "Road safety campaign in Osa", "text": "Seguridad vial para conductores.", "lang": "en"},
]


@pytest.fixture(scope="module")
def enriched():
    return enrich(RECORDS)


def test_language_topics_deadline_amount_and_organizations(enriched):
    call = enriched[0]
    assert call["lang"] == "es"
    assert call["topics"][0] == "ai"
    assert "inteligencia artificial" in call["topic_evidence"]["ai"]["phrases"]
    assert call["deadline"] == "2026-12-15"
    assert call["amount"] == {"value": 25_000_000, "currency": "CRC"}
    assert any("MICITT" in org for org in call["organizations"])
    assert call["topic_evidence"]["ai"]["similarity"] is None  # keyword-only mode
    assert "inteligencia artificial" in call["keyphrases"]


def test_phrases_match_across_the_line_breaks_of_a_source():
    (out,) = enrich([{"title": "Licitación", "text": "Solución de pagos que incluye tokenización de\n"
                      "tarjetas y banca\ndigital.", "kind": "tender"}])
    assert out["topics"] == ["fintech"]


def test_with_the_embedding_model_topics_carry_their_similarity(monkeypatch):
    monkeypatch.delenv("OBSERVATORIO_EMBEDDING_MODEL")
    (call, _) = enrich(RECORDS)
    assert len(call["embedding"]) == 384
    assert 0 < call["topic_evidence"]["ai"]["similarity"] < 1
    assert call["topic_scores"]["ai"] >= enrich(RECORDS, embed=False)[0]["topic_scores"]["ai"]


def test_no_topic_without_evidence(enriched):
    assert enriched[1]["topics"] == [] and enriched[1]["deadline"] is None


def test_structured_fields_win_over_the_text():
    (out,) = enrich([{**RECORDS[0], "deadline": "2026-12-20", "amount": {"value": 1, "currency": "USD"}}])
    assert out["deadline"] == "2026-12-20"
    assert out["amount"] == {"value": 1, "currency": "USD"}


def test_keyword_only_mode_has_no_embedding(enriched):
    assert enriched[0]["embedding"] is None


def test_cli_honours_the_json_lines_contract():
    lines = "\n".join(json.dumps(r, ensure_ascii=False) for r in RECORDS) + "\nnot json\n[1]\n"
    result = run_cli("enrich", input=lines)
    assert result.returncode == 1
    assert result.stderr.splitlines() == [
        "stdin:3: skipped: Expecting value: line 1 column 1 (char 0)",
        "stdin:4: skipped: expected an object with a string 'title'",
    ]
    out = [json.loads(line) for line in result.stdout.splitlines()]
    assert [o["title"] for o in out] == [r["title"] for r in RECORDS]
    for key in ("lang", "topics", "topic_scores", "deadline", "amount", "organizations"):
        assert key in out[0]
    assert "embedding" not in out[0]
    assert out[0]["deadline"] == "2026-12-15"
