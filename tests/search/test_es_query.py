"""Offline checks of the Elasticsearch request bodies (no server needed)."""

from __future__ import annotations

import re
from datetime import date

import pytest

from search import es_query
from search.es_mapping import index_template
from search.query import SearchQuery


def test_words_phrases_prefixes_and_exclusions():
    include, exclude = es_query.text_clauses('inteligencia "big data" ia -blockchain -"cadena de"')
    assert include["simple_query_string"]["query"] == '(inteligencia | inteligencia*) "big data" "ia"'
    assert exclude["simple_query_string"]["query"] == 'blockchain* | "cadena de"'
    assert include["simple_query_string"]["default_operator"] == "and"
    assert "FUZZY" not in include["simple_query_string"]["flags"]
    assert es_query.text_clauses("") == (None, None)


@pytest.mark.parametrize("hostile", [
    'a" OR "b', "NEAR(a b)", "title:x", "*", "-", '"', "a AND", "(((", "^x", "x~2", "a|b", "a+b",
    "\\", "x'); DROP TABLE t; --", "\x00", "😀", "col:umn -\"", 'a"b"c', "<script>",
])
def test_user_input_reaches_elasticsearch_only_as_words(hostile):
    for clause in es_query.text_clauses(hostile):
        if clause:
            text = clause["simple_query_string"]["query"]
            assert re.fullmatch(r'[\w\s"|()*]*', text), text
            assert text.count('"') % 2 == 0 and text.count("(") == text.count(")")


def test_filters_and_sorts_mirror_the_sqlite_clauses():
    query = SearchQuery(q="nube", kind=("tender",), topic=("cloud", "data"), country=("CR",),
                        published_from=date(2026, 1, 1), deadline_to=date(2026, 2, 1), sort="deadline")
    body, ranked = es_query.bool_query(query)
    assert ranked is True and body["bool"]["must"][0]["simple_query_string"]
    assert {"terms": {"kind": ["tender"]}} in body["bool"]["filter"]
    assert {"term": {"topics": "cloud"}} in body["bool"]["filter"]
    assert {"term": {"topics": "data"}} in body["bool"]["filter"]
    assert {"range": {"published": {"gte": "2026-01-01T00:00:00.000Z"}}} in body["bool"]["filter"]
    assert {"range": {"deadline_at": {"lte": "2026-02-01T23:59:59.999Z"}}} in body["bool"]["filter"]
    assert es_query.sort(query, ranked)[0] == {"deadline_at": {"order": "asc", "missing": "_last"}}
    assert es_query.sort(SearchQuery(q="nube"), True)[0] == "_score"
    assert es_query.sort(SearchQuery(), False)[-1] == {"id": "asc"}


def test_words_or_ids_and_ids_alone():
    body, ranked = es_query.bool_query(SearchQuery(q="nube -lluvia"), ids=["a", "b"])
    either = body["bool"]["filter"][-1]["bool"]
    assert not ranked and either["minimum_should_match"] == 1
    assert either["should"][1] == {"ids": {"values": ["a", "b"]}}
    assert body["bool"]["must_not"][0]["simple_query_string"]["query"] == "lluvia*"
    nothing, _ = es_query.bool_query(SearchQuery(q="nube", duplicates=True), text=False)
    assert nothing["bool"]["filter"] == [{"match_none": {}}]


def test_copies_are_hidden_unless_asked_for():
    hidden = {"bool": {"must_not": {"exists": {"field": "duplicate_of"}}}}
    assert es_query.filters(SearchQuery()) == [hidden]
    assert es_query.filters(SearchQuery(duplicates=True)) == []
    assert es_query.filters(SearchQuery(duplicate_of=("a",))) == [{"terms": {"duplicate_of": ["a"]}}]


def test_knn_keeps_the_filters_and_the_exclusions():
    knn = es_query.knn(SearchQuery(q="nube -lluvia", lang=("es",)), [0.1, 0.2], k=10, min_similarity=0.3)
    assert knn["k"] == 10 and knn["num_candidates"] >= 10 and knn["similarity"] == 0.3
    assert {"terms": {"lang": ["es"]}} in knn["filter"]
    assert knn["filter"][-1]["bool"]["must_not"][0]["simple_query_string"]["query"] == "lluvia*"


def test_the_template_uses_the_standard_analysis_filters():
    template = index_template("obs")
    assert template["index_patterns"] == ["obs-v*"]
    analysis = template["template"]["settings"]["index"]["analysis"]
    assert analysis["filter"]["spanish_stemmer"] == {"type": "stemmer", "language": "light_spanish"}
    assert analysis["filter"]["english_stop"] == {"type": "stop", "stopwords": "_english_"}
    assert "asciifolding" in analysis["analyzer"]["spanish_folded"]["filter"]
    assert template["template"]["mappings"]["properties"]["embedding"]["similarity"] == "cosine"
