"""The capability map on a seeded index: firms per topic, calls and amounts of the last 12 weeks
per currency, the gaps, the awarded suppliers and the outside-supplier leads; the page, its CSV
(escaped against formulas) and GET /api/capabilities; private profiles only for the admin."""

import csv
import io
from datetime import timedelta

import pytest

from core import clock
from firms.profiles import Firm
from firms.store import FirmStore
from search.backend import get_backend
from search.document import Amount, Award, Document, Supplier
from web import create_app

FORMULA = '=HYPERLINK("http://evil.example","x")'


def firm(firm_id: str, name: str, topics: list[str], public: bool = True) -> Firm:
    return Firm(id=firm_id, name=name, description="Servicios de tecnología para la Zona Sur y más allá.",
                topics=tuple(topics), canton="Osa", size="small", interests=("tender",),
                email=f"info@{firm_id}.example", public=public)


def doc(doc_id: str, kind: str, topics: list[str], days_ago: int = 7, amount=None, awards=()) -> Document:
    return Document(id=doc_id, url=f"https://example.org/{doc_id}", source="seeded", kind=kind,
                    title=f"Documento {doc_id}", body="texto", topics=topics,
                    published=clock.now() - timedelta(days=days_ago),
                    amount=Amount(value=amount[0], currency=amount[1]) if amount else None,
                    awards=[Award(suppliers=[Supplier(name=n)], amount=Amount(value=v, currency=c))
                            for n, v, c in awards],
                    suppliers=[Supplier(name=n) for n, *_ in awards])


DOCUMENTS = [
    doc("c1", "tender", ["telecom"], amount=(1_000_000, "CRC")),
    doc("c2", "funding_call", ["telecom"], amount=(500, "USD")),
    doc("c-old", "tender", ["telecom"], days_ago=100, amount=(9_999, "CRC")),  # before the 12 weeks
    doc("n1", "news", ["telecom"]),
    *(doc(f"k{i}", "tender", ["cloud"], amount=(100, "CRC")) for i in range(3)),
    doc("a1", "award", ["telecom"], awards=[("Gran Telco Internacional", 5_000_000, "CRC")]),
    doc("a2", "award", ["telecom"], awards=[("SUR TELECOM, S.A.", 1000, "USD")]),
    doc("a3", "award", ["telecom"], awards=[("Gran Telco Internacional", 2_000_000, "CRC")]),
    doc("a4", "award", ["cybersecurity"], awards=[(FORMULA, 10, "USD")]),
    doc("a5", "award", ["cloud"], awards=[("Nubes del Norte", 10, "USD")]),
]
SECRET = ("nube-secreta", "Nube Secreta")


@pytest.fixture
def client(data_dir):
    backend = get_backend("sqlite", path=data_dir / "observatorio.db")
    backend.upsert(DOCUMENTS)
    backend.close()
    FirmStore().save([firm("sur-telecom", "Sur Telecom", ["telecom"]),
                      firm("brunca-ciber", "Brunca Ciberdefensa", ["cybersecurity"]),
                      firm(SECRET[0], SECRET[1], ["cloud", "cybersecurity"], public=False)])
    return create_app({"TESTING": True, "DATA_DIR": str(data_dir)}).test_client()


def by_topic(body: dict) -> dict:
    return {row["topic"]: row for row in body["topics"]}


def test_the_figures_per_topic(client):
    body = client.get("/api/capabilities").get_json()
    assert body["weeks"] == 12 and body["until"] == clock.today().isoformat()
    rows = by_topic(body)
    telecom = rows["telecom"]
    assert [f["id"] for f in telecom["firms"]] == ["sur-telecom"]
    assert telecom["calls"] == 2  # the old call and the news are not counted
    assert telecom["amounts"] == [{"currency": "CRC", "value": 1_000_000}, {"currency": "USD", "value": 500}]
    assert telecom["gap"] is False
    [outside, member] = telecom["suppliers"]
    assert outside == {"name": "Gran Telco Internacional", "contracts": 2,
                       "amounts": [{"currency": "CRC", "value": 7_000_000}], "member": False, "lead": True}
    assert member["name"] == "SUR TELECOM, S.A." and member["member"] and not member["lead"]
    cloud = rows["cloud"]
    assert cloud["calls"] == 3 and cloud["firms"] == [] and cloud["gap"] is True
    assert cloud["suppliers"][0]["lead"] is False  # no cluster firm there: not a lead
    assert body["gaps"] == ["cloud"]
    assert rows["cybersecurity"]["suppliers"][0]["lead"] is True


def test_private_profiles_only_for_the_admin(client):
    for url in ("/cluster", "/cluster.csv", "/api/capabilities"):
        text = client.get(url).get_data(as_text=True)
        assert SECRET[0] not in text and SECRET[1] not in text, url
    assert by_topic(client.get("/api/capabilities").get_json())["cloud"]["firms"] == []
    with client.session_transaction() as session:
        session["admin"] = True
    rows = by_topic(client.get("/api/capabilities").get_json())
    assert rows["cloud"]["firms"] == [{"id": SECRET[0], "name": SECRET[1], "public": False}]
    assert [f["id"] for f in rows["cybersecurity"]["firms"]] == ["brunca-ciber", SECRET[0]]
    assert SECRET[1] in client.get("/cluster").get_data(as_text=True)
    assert SECRET[1] in client.get("/cluster.csv").get_data(as_text=True)


def test_the_csv_escapes_formulas_and_has_a_column_per_currency(client):
    response = client.get("/cluster.csv")
    assert response.mimetype == "text/csv" and "attachment" in response.headers["Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))
    telecom = next(r for r in rows if r["topic"] == "telecom")
    assert [telecom[k] for k in ("calls", "calls_amount_CRC", "calls_amount_USD")] == ["2", "1000000", "500"]
    assert telecom["leads"] == "Gran Telco Internacional" and telecom["awards"] == "3"
    cyber = next(r for r in rows if r["topic"] == "cybersecurity")
    assert cyber["leads"] == "'" + FORMULA and cyber["suppliers"].startswith("'=")
    assert next(r for r in rows if r["topic"] == "cloud")["gap"] == "yes"


def test_the_page_has_the_table_the_chart_and_the_gaps(client):
    page = client.get("/cluster").get_data(as_text=True)
    assert "Mapa de capacidades del clúster" in page and "<svg" in page and 'class="gap"' in page
    assert "pista: proveedor externo" in page and "₡7.000.000" in page
    client.get("/lang/en")
    english = client.get("/cluster").get_data(as_text=True)
    assert "capability map" in english.lower()


def test_the_openapi_document_describes_the_map(client):
    paths = client.get("/api/openapi.json").get_json()["paths"]
    assert "/api/capabilities" in paths and "/cluster.csv" in paths


def test_a_profile_change_is_a_new_answer_not_a_304(client):
    first = client.get("/cluster")
    etag = first.headers["ETag"]
    assert client.get("/cluster", headers={"If-None-Match": etag}).status_code == 304
    FirmStore().save([firm("nubes-sur", "Nubes del Sur", ["cloud"])])
    again = client.get("/cluster", headers={"If-None-Match": etag})
    assert again.status_code == 200 and "Nubes del Sur" in again.get_data(as_text=True)
