"""Partner suggestions on the constructed cluster: an opportunity needing two topics no firm
covers alone gets teams covering both, with the reason; one a single firm covers gets none. The
same through the API, the CLI and the item page, private profiles only for the admin."""

import json

import pytest

from firms.partners import teams
from firms.reasons import Explainer
from firms.store import FirmStore
from firms.suggest import with_suggested_topics
from nlp.taxonomy import load_taxonomy
from search.backend import get_backend
from search.document import Kind
from tests.firms import cluster
from tests.helpers import run_cli
from web import create_app

# id, kind, title, topics: the texts do not matter here, the tagger's topics do
NEEDS = [
    ("p-iot-ciber", "tender", "Sensores IoT seguros para la red de agua", ["iot", "cybersecurity"]),
    ("p-three", "funding_call", "Nube, pagos y ciberseguridad para cooperativas",
     ["cloud", "fintech", "cybersecurity"]),
    ("p-single", "tender", "Sensores para fincas de café", ["iot", "agritech"]),
    ("p-nobody", "tender", "Satélites y biotecnología", ["iot", "space_unknown"]),
]
PRIVATE = "brunca-ciber"


def documents():
    [template] = cluster.documents([{"id": "x", "kind": "tender", "title": "x", "text": "x", "lang": "es",
                                     "topics": [], "topic_scores": {}}])
    return [template.model_copy(update={"id": i, "kind": Kind(k), "title": t, "body": t, "topics": topics,
                                        "topic_scores": dict.fromkeys(topics, 1.0)})
            for i, k, t, topics in NEEDS]


def suggest(doc_id: str, firms=None):
    firms = firms if firms is not None else with_suggested_topics(cluster.firms())
    document = next(d for d in documents() if d.id == doc_id)
    scores = {f.id: 0.1 for f in firms} | {"sensores-cafe": 0.3}
    return teams(document, firms, scores, Explainer(load_taxonomy()).labels)


def test_two_topics_no_firm_covers_alone_get_a_team_covering_both():
    found = suggest("p-iot-ciber")
    assert 1 <= len(found) <= 3
    best = found[0]
    assert [m.firm.id for m in best.members] == ["sensores-cafe", PRIVATE]  # the better scored IoT firm
    assert best.covers == ("iot", "cybersecurity") and best.missing == ()
    assert best.reason == ("juntas cubren internet de las cosas (Sensores del General) y ciberseguridad "
                           "(Brunca Ciberdefensa)")
    for team in found:
        assert team.missing == () and len(team.members) == 2  # no triple containing a covering pair
        assert all(m.brings for m in team.members)


def test_three_topics_take_a_team_of_three_and_each_member_brings_one():
    found = suggest("p-three")
    assert found and found[0].missing == ()
    assert {m.firm.id for m in found[0].members} == {"osa-cloud", "frontera-pagos", PRIVATE}
    assert "nube (Osa Cloud Works)" in found[0].reason


def test_when_no_team_covers_all_the_best_coverage_comes_with_what_is_missing():
    firms = [f for f in with_suggested_topics(cluster.firms()) if "cybersecurity" not in f.topics]
    [team] = suggest("p-three", firms)
    assert {m.firm.id for m in team.members} == {"osa-cloud", "frontera-pagos"}
    assert team.missing == ("cybersecurity",) and team.reason.endswith("; falta ciberseguridad")


def test_firms_not_interested_in_the_kind_are_left_out():
    firms = [f.model_copy(update={"interests": ("funding_call",)}) if f.id == "brunca-ciber" else f
             for f in with_suggested_topics(cluster.firms())]
    assert suggest("p-iot-ciber", firms) == []  # the only cybersecurity firm does not bid for tenders


def test_a_firm_covering_everything_alone_means_no_team():
    assert suggest("p-single") == []


def test_a_topic_no_firm_has_makes_no_team_of_firms_bringing_the_same():
    assert suggest("p-nobody") == []  # the IoT firms together cover no more than one of them


@pytest.fixture
def seeded(data_dir):
    backend = get_backend("sqlite", path=data_dir / "observatorio.db")
    backend.upsert(documents())
    backend.close()
    firms = [f.model_copy(update={"public": f.id != PRIVATE}) for f in with_suggested_topics(cluster.firms())]
    FirmStore().save(firms)
    return data_dir


@pytest.fixture
def client(seeded):
    return create_app({"TESTING": True, "DATA_DIR": str(seeded)}).test_client()


def test_the_api_gives_teams_of_public_profiles_and_the_admin_sees_private_ones(client):
    public = client.get("/api/items/p-iot-ciber/partners")
    assert public.status_code == 200 and public.get_json() == {"items": []}  # the only ciber firm is private
    with client.session_transaction() as session:
        session["admin"] = True
    items = client.get("/api/items/p-iot-ciber/partners").get_json()["items"]
    assert items and all(PRIVATE in [f["id"] for f in item["firms"]] for item in items)
    assert set(items[0]) == {"firms", "covers", "missing", "score", "reason"}
    assert items[0]["covers"] == ["iot", "cybersecurity"]
    with client.session_transaction() as session:
        session.clear()  # the admin's answer was neither kept nor shared
    assert client.get("/api/items/p-iot-ciber/partners").get_json() == {"items": []}


def test_the_item_page_shows_public_teams_only(client, seeded):
    FirmStore().save([f.model_copy(update={"public": True}) for f in FirmStore().all(private=True)])
    page = client.get("/items/p-iot-ciber").get_data(as_text=True)
    assert "juntas cubren internet de las cosas" in page and "Brunca Ciberdefensa" in page
    assert "juntas cubren" not in client.get("/items/p-single").get_data(as_text=True)


@pytest.mark.parametrize("url", ["/api/items/nothing/partners", "/api/items/p-single/partners?size=2"])
def test_unknown_items_and_parameters_are_errors(client, url):
    assert client.get(url).status_code in (400, 404)


def test_the_cli_prints_the_teams_with_private_profiles(seeded):
    result = run_cli("match", "--item", "p-iot-ciber", "--partners", "--json")
    assert result.returncode == 0, result.stderr
    assert PRIVATE in [f["id"] for f in json.loads(result.stdout)["items"][0]["firms"]]
    wrong = run_cli("match", "--firm", "osa-cloud", "--partners")
    assert wrong.returncode == 2 and "partners: needs --item" in wrong.stderr
