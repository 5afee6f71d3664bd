"""obs_normalizer alone: NORM is the folded lemma, plurals read as nouns, hyphens as spaces."""

import pytest
import spacy

import nlp.normalizer  # noqa: F401 - registers obs_normalizer
from nlp.normalizer import phrase_norms


@pytest.mark.parametrize(("lang", "text", "norms"), [
    ("es", "Redes Neuronales", ["red", "neuronal"]),
    ("es", "Tecnologías DRONES sensores", ["tecnologia", "dron", "sensor"]),
    ("es", "Ciudades Inteligentes", ["ciudad", "inteligente"]),
    ("en", "Neural networks and LLMs", ["neural", "network", "and", "llm"]),
])
def test_norms(lang, text, norms):
    pipeline = spacy.blank(lang)
    pipeline.add_pipe("obs_normalizer")
    assert [t.norm_ for t in pipeline(text)] == norms


def test_phrase_norms_drop_punctuation_and_read_hyphens_as_spaces():
    assert phrase_norms("e-commerce", "en") == phrase_norms("e commerce", "en")
    assert phrase_norms("ISO/IEC 27001", "es") == ("iso", "iec", "27001")


@pytest.mark.parametrize(("lang", "text", "norms"), [
    ("en", "AI-powered", ("ai", "power")),  # the lemma table reads "ai" (ain't) as "have"
    ("en", "the government's Power-to-X", ("the", "government", "'s", "power", "to", "x")),
    ("es", "la IA es", ("la", "ia", "es")),
])
def test_clitics_short_words_and_acronyms_keep_their_form(lang, text, norms):
    assert phrase_norms(text, lang) == norms
