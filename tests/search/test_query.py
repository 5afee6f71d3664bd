import pytest

from search.errors import InvalidQuery
from search.query import SearchQuery


def test_parameters_parse_from_request_style_lists():
    query = SearchQuery.from_params({"q": ["ia"], "topic": ["ai,iot", "cloud"], "open": ["true"],
                                     "page": ["2"], "size": ["5"], "published_from": ["2026-01-01"]})
    assert query.topic == ("ai", "iot", "cloud")
    assert query.open is True
    assert query.offset == 5
    assert str(query.published_from) == "2026-01-01"


def test_empty_values_are_ignored():
    assert SearchQuery.from_params({"q": [""], "topic": [""], "page": [""]}) == SearchQuery()


def test_an_empty_query_sorted_by_relevance_lists_newest_first():
    assert SearchQuery().effective_sort == "published"
    assert SearchQuery(q="x").effective_sort == "relevance"


@pytest.mark.parametrize(("params", "field"), [
    ({"sort": "price"}, "sort"), ({"size": "1000"}, "size"), ({"size": "0"}, "size"),
    ({"page": "-1"}, "page"), ({"page": "abc"}, "page"), ({"page": "9999"}, "page"),
    ({"open": "maybe"}, "open"), ({"published_from": "yesterday"}, "published_from"),
    ({"kind": "poster"}, "kind"), ({"colour": "red"}, "colour"), ({"q": "x" * 501}, "q"),
])
def test_bad_parameters_name_the_field(params, field):
    with pytest.raises(InvalidQuery) as error:
        SearchQuery.from_params(params)
    assert error.value.field == field
