import pytest


def test_search_returns_items_and_facets(client):
    body = client.get("/api/search?q=inteligencia&kind=funding_call").get_json()
    assert body["total"] == 1
    (item,) = body["items"]
    assert item["id"] == "ai-call" and "embedding" not in item
    assert set(body["facets"]) == {"topic", "kind", "source", "lang"}
    assert body["facets"]["kind"] == {"funding_call": 1}


def test_an_empty_query_lists_everything_newest_first(client):
    body = client.get("/api/search").get_json()
    assert body["total"] == 6
    dates = [i["published"] for i in body["items"]]
    assert dates == sorted(dates, reverse=True)


@pytest.mark.parametrize("query", [
    "size=1000", "page=0", "page=x", "sort=random", "open=perhaps", "published_from=ayer",
    "kind=poster", "bogus=1", "q=" + "x" * 600,
])
def test_bad_parameters_are_400_with_one_error_shape(client, query):
    response = client.get(f"/api/search?{query}")
    assert response.status_code == 400
    error = response.get_json()["error"]
    assert set(error) == {"status", "message", "field"} and error["status"] == 400


@pytest.mark.parametrize("q", ['"', "a OR", "NEAR(", "*", "-", "title:x", "'; DROP TABLE x; --", "%00"])
def test_hostile_queries_never_500(client, q):
    assert client.get("/api/search", query_string={"q": q}).status_code == 200


def test_item_and_404_share_the_error_shape(client):
    item = client.get("/api/items/ai-call").get_json()
    assert item["title"].startswith("Convocatoria") and item["similar"] == []
    missing = client.get("/api/items/nope")
    assert missing.status_code == 404
    assert missing.get_json()["error"]["status"] == 404


def test_healthz(client):
    assert client.get("/healthz").get_json() == {"status": "ok", "backend": "sqlite", "documents": 6}
