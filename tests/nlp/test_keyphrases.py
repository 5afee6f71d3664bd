"""obs_keyphrases alone on blank pipelines."""

from tests.nlp.conftest import blank, make_doc


def test_spanish_phrases_join_content_words_with_one_link():
    es = blank("es", "obs_keyphrases")
    doc = make_doc(es, "Gemelo digital para plantas empacadoras",
                   "La cooperativa lanzó un gemelo digital. El gemelo digital usa internet de las cosas "
                   "y computación en la nube. Consultas al 2222-3333 hasta el 5 de marzo.")
    assert doc._.keyphrases[0] == "gemelo digital"
    assert "internet de las cosas" in doc._.keyphrases and "computación en la nube" in doc._.keyphrases
    assert not any("marzo" in p or "lanzó" in p for p in doc._.keyphrases)


def test_english_phrases_and_lone_words_need_a_second_mention():
    en = blank("en", "obs_keyphrases", top_n=3)
    doc = make_doc(en, "Green hydrogen pilot", "The company invites partners. Green hydrogen plants "
                   "need electrolysers; electrolysers are costly. Weather was fine.")
    assert doc._.keyphrases == ["green hydrogen", "green hydrogen pilot", "electrolysers"]
