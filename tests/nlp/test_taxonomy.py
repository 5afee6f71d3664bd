"""The taxonomy file: what it must contain, and the errors an editor gets for a bad entry."""

import pytest

from nlp.taxonomy import ConfigError, load_taxonomy

REQUIRED = {"ai", "cybersecurity", "blockchain", "cloud", "iot", "data", "fintech", "agritech"}
TOPIC = """\
topics:
  - slug: ai
    label: {es: Inteligencia artificial, en: Artificial intelligence}
    description: {es: Sistemas que aprenden., en: Systems that learn.}
    keywords:
      es: [inteligencia artificial, aprendizaje automático]
      en: [machine learning]
    acronyms: [IA]
    exclude:
      es: [inseminación artificial]
    examples: [Un laboratorio de aprendizaje automático.]
"""


def test_the_shipped_taxonomy_has_the_topics_firms_need():
    taxonomy = load_taxonomy()
    assert len(taxonomy.topics) >= 15 and set(taxonomy.slugs) >= REQUIRED
    for topic in taxonomy.topics:
        assert topic.keywords.es and topic.keywords.en and topic.exclude.all() and topic.examples, topic.slug


def _load(tmp_path, text):
    path = tmp_path / "topics.yaml"
    path.write_text(text, encoding="utf-8")
    return load_taxonomy(path)


def test_a_valid_file_loads(tmp_path):
    assert _load(tmp_path, TOPIC).slugs == ["ai"]


@pytest.mark.parametrize(("old", "new", "where", "message"), [
    ("aprendizaje automático]", "aprendizaje automático, Aprendizajes Automaticos]",
     "topics.yaml:6: topics[0].keywords.es[2]", "repeats 'aprendizaje automático'"),
    ("[machine learning]", "[machine learning, data]",
     "topics.yaml:7: topics[0].keywords.en[1]", "'data' is too generic"),
    ("[inseminación artificial]", "[artificial]",
     "topics.yaml:10: topics[0].exclude.es[0]", "would also cancel keyword 'inteligencia artificial'"),
    ("[IA]", "[ia]", "topics.yaml:8: topics[0].acronyms[0]", "should match pattern"),
    ("slug: ai", "slug: AI", "topics.yaml:2: topics[0].slug", "should match pattern"),
    ("    examples:", "    sector: {technologies: [iot], es: [finca]}\n    examples:",
     "topics.yaml:11: topics[0].sector.technologies", "unknown topic 'iot'"),
    ("    acronyms: [IA]\n", "    acronyms: [IA]\n    colour: red\n", "topics[0].colour", "unknown key"),
])
def test_a_bad_entry_names_file_line_and_field(tmp_path, old, new, where, message):
    with pytest.raises(ConfigError) as error:
        _load(tmp_path, TOPIC.replace(old, new))
    assert where in str(error.value) and message in str(error.value)


def test_a_repeated_slug_is_an_error(tmp_path):
    with pytest.raises(ConfigError, match=r"topics\[1\]\.slug: topic slug 'ai' is used twice"):
        _load(tmp_path, TOPIC + TOPIC.removeprefix("topics:\n"))
