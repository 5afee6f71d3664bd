"""The matches through the CLI and the JSON API: one shape, the reasons, and privacy: a private
profile appears in no public API response, only with the admin session (and on the CLI)."""

import json
from datetime import timedelta

import pytest

import nlp
from core import clock
from firms.store import FirmStore
from firms.suggest import with_suggested_topics
from search.backend import get_backend
from tests.firms import cluster
from tests.helpers import run_cli
from web import create_app

SECRET = "sensores-cafe"  # made private below: the best firm for o01 and o02


@pytest.fixture
def seeded(data_dir):
    documents = cluster.documents(nlp.enrich(cluster.opportunity_records()))
    closed = documents[0].model_copy(update={"id": "closed", "deadline": clock.today() - timedelta(days=1)})
    backend = get_backend("sqlite", path=data_dir / "observatorio.db")
    backend.upsert([*documents, closed])
    backend.close()
    firms = [f.model_copy(update={"public": f.id != SECRET}) for f in with_suggested_topics(cluster.firms())]
    FirmStore().save(firms)
    return data_dir


@pytest.fixture
def client(seeded):
    return create_app({"TESTING": True, "DATA_DIR": str(seeded)}).test_client()


def _shape(body: dict, label: str) -> list[dict]:
    assert set(body) == {"items"}
    for item in body["items"]:
        assert set(item) == {"id", label, "score", "reasons"}
        assert 0 <= item["score"] <= 1 and item["reasons"]
        assert all(isinstance(reason, str) for reason in item["reasons"])
    return body["items"]


def test_the_cli_prints_the_api_json_and_sees_private_profiles(seeded):
    result = run_cli("match", "--item", "o02", "--json", "--size", "2")
    assert result.returncode == 0, result.stderr
    items = _shape(json.loads(result.stdout), "name")
    assert [i["id"] for i in items] == [SECRET, "acuicultura-iot"]
    firm = run_cli("match", "--firm", "brunca-ciber", "--json")
    assert [i["id"] for i in _shape(json.loads(firm.stdout), "title")][:2] in (["o05", "o06"], ["o06", "o05"])
    text = run_cli("match", "--firm", "brunca-ciber")
    assert "coincide con sus temas ciberseguridad" in text.stdout


@pytest.mark.parametrize(("args", "message"), [
    (["--firm", "nadie"], "no firm with id 'nadie'"),
    (["--item", "closed"], "no open funding call or tender with id 'closed'"),
    (["--item", "o01", "--size", "0"], "size: must be"),
    (["--item", "o01", "--firm", "brunca-ciber"], "not allowed with argument"),
])
def test_cli_usage_errors_exit_2_in_one_line(seeded, args, message):
    result = run_cli("match", *args)
    assert result.returncode == 2 and message in result.stderr and result.stderr.count("\n") == 1


def test_the_api_gives_the_same_items_as_the_cli(client):
    body = client.get("/api/items/o17/firms?size=3").get_json()
    assert _shape(body, "name")[0]["id"] == "sur-telecom"
    matches = _shape(client.get("/api/firms/sur-telecom/matches").get_json(), "title")
    assert {"o17", "o18"} <= {m["id"] for m in matches}
    assert all(m["id"] not in {"t04", "t05"} for m in matches)  # roads and care networks


def test_a_private_profile_is_in_no_public_response(client):
    for doc_id in ("o01", "o02"):
        response = client.get(f"/api/items/{doc_id}/firms?size=100")
        assert response.status_code == 200 and SECRET not in response.get_data(as_text=True)
        assert "Sensores del General" not in response.get_data(as_text=True)
    hidden = client.get(f"/api/firms/{SECRET}/matches")
    assert hidden.status_code == 404
    assert hidden.get_json()["error"]["message"] == f"no firm with id {SECRET!r}"
    with client.session_transaction() as session:
        session["admin"] = True
    assert client.get("/api/items/o02/firms").get_json()["items"][0]["id"] == SECRET
    assert client.get(f"/api/firms/{SECRET}/matches").status_code == 200


@pytest.mark.parametrize("url", ["/api/items/closed/firms", "/api/items/nothing/firms",
                                 "/api/firms/nadie/matches"])
def test_unknown_or_closed_is_a_404_in_the_api_error_shape(client, url):
    response = client.get(url)
    assert response.status_code == 404 and set(response.get_json()["error"]) == {"status", "message"}


def test_a_bad_size_is_a_400(client):
    response = client.get("/api/firms/sur-telecom/matches?size=1000")
    assert response.status_code == 400 and response.get_json()["error"]["field"] == "size"


def test_the_openapi_document_describes_both_endpoints(client):
    paths = client.get("/api/openapi.json").get_json()["paths"]
    for path, names in (("/api/firms/{id}/matches", ["id", "size", "token"]),
                        ("/api/items/{id}/firms", ["id", "size"])):
        assert [p["name"] for p in paths[path]["get"]["parameters"]] == names
