"""The JSON API: search, items, trends, topics, OpenAPI; every bad parameter is a 400 in one shape."""

import pytest
from openapi_spec_validator import validate

from search.query import MAX_SIZE
from tests.web.conftest import SEEDED


def test_search_returns_items_and_facets(client):
    body = client.get("/api/search?q=inteligencia&kind=funding_call").get_json()
    assert {item["id"] for item in body["items"]} == {"ai-call", "hostile"}
    assert all("embedding" not in item for item in body["items"])
    assert set(body["facets"]) == {"topic", "kind", "source", "lang", "stage", "supplier"}
    assert body["facets"]["kind"] == {"funding_call": 2}


def test_an_empty_query_lists_everything_newest_first(client):
    body = client.get("/api/search?size=100").get_json()
    assert body["total"] == len(SEEDED) - 1  # full-call-copy shows up as full-call only
    dates = [i["published"] for i in body["items"]]
    assert dates == sorted(dates, reverse=True)
    with_copies = client.get("/api/search?size=100&duplicates=true").get_json()
    assert with_copies["total"] == len(SEEDED)
    copies = client.get("/api/search?duplicate_of=full-call").get_json()["items"]
    assert [i["id"] for i in copies] == ["full-call-copy"]


def test_filters_sort_and_pages(client):
    body = client.get("/api/search?open=true&sort=deadline&size=2&page=2").get_json()
    assert body["total"] == 5
    first_page = client.get("/api/search?open=true&sort=deadline&size=2").get_json()["items"]
    assert [i["id"] for i in first_page] == ["timed-tender", "cyber-tender"]
    assert len(body["items"]) == 2 and body["items"][0]["id"] not in {i["id"] for i in first_page}


BAD_SEARCHES = [
    f"size={MAX_SIZE + 1}", "size=0", "page=0", "page=x", "page=1000&size=100", "sort=random",
    "open=perhaps", "published_from=ayer", "published_to=2026-13-01", "deadline_from=x", "kind=poster",
    "bogus=1", "q=" + "x" * 600, "topic=AI%20Robots",
]


@pytest.mark.parametrize("url", [f"/api/search?{q}" for q in BAD_SEARCHES] + [
    "/api/trends?weeks=0", "/api/trends?weeks=105", "/api/trends?weeks=x", "/api/trends?topic=nope",
    "/api/trends?bogus=1", "/api/items/ai-call?bogus=1", "/api/topics?x=1", "/api/openapi.json?x=1",
    "/healthz?x=1",
])
def test_bad_parameters_are_400_with_one_error_shape(client, url):
    response = client.get(url)
    assert response.status_code == 400, url
    assert response.mimetype == "application/json"
    error = response.get_json()["error"]
    assert set(error) == {"status", "message", "field"} and error["status"] == 400
    assert error["message"] and error["field"]


@pytest.mark.parametrize("url", ["/api/items/nope", "/api/nothing-here", "/api/search/extra"])
def test_not_found_is_json_in_the_same_shape(client, url):
    response = client.get(url)
    assert response.status_code == 404
    assert set(response.get_json()) == {"error"} and response.get_json()["error"]["status"] == 404


def test_a_wrong_method_is_405_in_the_same_shape(client):
    response = client.post("/api/search")
    assert response.status_code in (400, 405)  # CSRF may answer first; never a page or a 500
    assert response.get_json()["error"]["status"] == response.status_code


@pytest.mark.parametrize("q", ['"', "a OR", "NEAR(", "*", "-", "title:x", "'; DROP TABLE x; --", "%00",
                               "\x00"])
def test_hostile_queries_never_500(client, q):
    assert client.get("/api/search", query_string={"q": q}).status_code == 200


def test_item_has_similar_and_the_error_shape_for_404(client):
    item = client.get("/api/items/full-call").get_json()
    assert item["title"].startswith("Fondo PROPYME") and item["amount"] == {"value": 25e6, "currency": "CRC"}
    assert item["similar"] == []  # the SQLite backend cannot find similar documents yet
    assert "embedding" not in item


def test_trends_counts_weeks_per_topic(client):
    body = client.get("/api/trends?weeks=12&topic=ai&topic=cybersecurity").get_json()
    assert len(body["weeks"]) == 12 and body["weeks"] == sorted(body["weeks"])
    topics = {t["slug"]: t for t in body["topics"]}
    assert set(topics) == {"ai", "cybersecurity"}
    assert sum(topics["ai"]["weekly"]) == 4  # ai-call, ai-news, hostile, full-call: all within 12 weeks
    assert topics["ai"]["count"] == 4 and topics["ai"]["baseline_mean"] == 0
    assert topics["ai"]["trend"] in {"rising", "steady"} and 0 <= topics["ai"]["p_value"] <= 1
    assert isinstance(body["emerging_terms"], list)
    assert sum(body["total"]) == len(SEEDED) - 2  # blockchain-news is 90 days old; one copy
    assert {c["topic"] for c in body["rising"]} >= {"ai", "cybersecurity"}
    assert body["falling"] == []


def test_trends_default_to_every_topic_over_12_weeks(client):
    body = client.get("/api/trends").get_json()
    assert len(body["weeks"]) == 12 and len(body["topics"]) >= 15


def test_topics_lists_the_taxonomy(client):
    topics = client.get("/api/topics").get_json()
    assert {"ai", "cybersecurity", "blockchain"} <= {t["slug"] for t in topics}
    assert all(set(t["label"]) == {"es", "en"} for t in topics)


def test_openapi_document_is_valid_and_covers_every_route(app, client):
    spec = client.get("/api/openapi.json").get_json()
    validate(spec)
    documented = set(spec["paths"])
    rules = {rule.rule.replace("<doc_id>", "{id}").replace("<firm_id>", "{id}").replace("<slug>", "{slug}")
             for rule in app.url_map.iter_rules()
             if rule.endpoint.startswith(("api.", "feeds.", "firms.", "partners."))
             or rule.endpoint in ("cluster.api", "cluster.export")}
    assert rules - {"/api/openapi.json"} == documented
    search_params = {p["name"] for p in spec["paths"]["/api/search"]["get"]["parameters"]}
    assert {"q", "topic", "kind", "lang", "source", "open", "published_from", "published_to", "sort",
            "page", "size"} <= search_params
    size = next(p for p in spec["paths"]["/api/search"]["get"]["parameters"] if p["name"] == "size")
    assert size["schema"]["maximum"] == MAX_SIZE


def test_healthz(client):
    body = client.get("/healthz").get_json()
    assert body == {"status": "ok", "backend": "sqlite", "documents": len(SEEDED)}


def test_an_unreachable_backend_is_503_not_500(data_dir):
    from web import create_app

    app = create_app({"TESTING": True, "DATA_DIR": str(data_dir), "SEARCH_BACKEND": "nosuch"})
    response = app.test_client().get("/api/search")
    assert response.status_code == 503 and "could not load backend" in response.get_json()["error"]["message"]


def test_an_index_the_data_directory_cannot_open_is_503_and_keeps_its_path_in_the_log(tmp_path, caplog):
    from web import create_app

    (tmp_path / "observatorio.db").mkdir()  # SQLite cannot open it: SQLITE_CANTOPEN, as on a full disk
    app = create_app({"TESTING": True, "DATA_DIR": str(tmp_path), "SEARCH_BACKEND": "sqlite"})
    response = app.test_client().get("/api/search")
    assert response.status_code == 503
    assert response.get_json()["error"]["message"] == (
        "the data directory cannot be written (full or read-only); see the log")
    index = tmp_path / "observatorio.db"
    assert f"cannot write {index} (OBSERVATORIO_DATA_DIR): unable to open database file" in caplog.text
