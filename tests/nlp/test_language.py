"""Language detection on titles alone, and the source's hint when the text says too little."""

import pytest

from nlp.language import detect_language
from tests.nlp.quality import load_devset


@pytest.mark.parametrize(("title", "lang"), [
    ("Hackathon de IA", "es"),
    ("Startup de agtech", "es"),
    ("Data center en Guanacaste", "es"),
    ("Becas TIC", "es"),
    ("Ataque de ransomware paraliza plataformas de la Municipalidad de Corredores", "es"),
    ("5G rollout reaches Pérez Zeledón", "en"),
    ("Open call: AI for agriculture", "en"),
    ("Fintech challenge 2026", "en"),
    ("Open Call For Proposals On Digital Public Goods", "en"),
    ("Chamada pública para startups de tecnologia", "pt"),
    ("Appel à projets pour l'innovation numérique", "fr"),
])
def test_short_titles(title, lang):
    assert detect_language(title) == lang


def test_portuguese_with_spanish_looking_words_stays_portuguese():
    text = "Chamada pública para startups de tecnologia\nInscrições até 30 de abril de 2026."
    assert detect_language(text) == "pt"


def test_every_devset_title_alone():
    wrong = [(i["id"], i["title"]) for i in load_devset() if detect_language(i["title"]) != i["lang"]]
    assert wrong == []


def test_the_hint_decides_when_the_text_says_too_little():
    assert detect_language("Golfito", "es") == "es"
    assert detect_language("", "en") == "en" and detect_language("") == "und"
