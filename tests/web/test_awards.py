"""OCDS processes in the UI: the award kind and its facet, the planning badge, the awards on
the item page and the supplier facet; the opportunities board never lists an award."""

import csv
import io
from datetime import UTC, datetime, timedelta

import pytest

from search.document import Amount, Award, Supplier
from tests.search.test_backend_contract import NOW, doc
from tests.web.conftest import SEEDED, seed
from web import create_app

SUPPLIER = Supplier(name="Soluciones Brunca S.A.", id="CR-CJ-3101123456")
AWARD = doc("ocds-award", "Servicios de nube para el hospital regional", kind="award", stage="award",
            status="complete", deadline=NOW + timedelta(days=30),  # even a stray deadline: not on the board
            suppliers=[SUPPLIER], amount=Amount(value=120_000, currency="USD"),
            awards=[Award(title="Adjudicación de servicios de nube", status="active",
                          date=datetime(2026, 2, 1, tzinfo=UTC), amount=Amount(value=120_000, currency="USD"),
                          suppliers=[SUPPLIER])])
PLANNED = doc("ocds-planned", "Plan de compras de equipo de cómputo", kind="tender", stage="planning",
              status="planned")


@pytest.fixture
def client(data_dir):
    seed(data_dir, [*SEEDED, AWARD, PLANNED])
    return create_app({"TESTING": True, "DATA_DIR": str(data_dir)}).test_client()


def text(response) -> str:
    return response.get_data(as_text=True)


def test_awards_have_their_kind_facet_and_supplier_facet(client):
    page = text(client.get("/?kind=award"))
    assert 'class="kind award">Adjudicación<' in page and "/items/ocds-award" in page
    assert "Proveedor adjudicado" in page and "Soluciones Brunca S.A." in page
    assert "/items/ocds-planned" not in page
    found = text(client.get("/?supplier=Soluciones+Brunca+S.A."))
    assert "/items/ocds-award" in found and "/items/ai-call" not in found
    assert "/items/ocds-award" in text(client.get("/?q=Brunca+Soluciones"))  # suppliers are searched


def test_the_csv_export_has_stage_and_suppliers(client):
    rows = {r["id"]: r for r in csv.DictReader(io.StringIO(
        text(client.get("/search.csv?kind=award,tender")).lstrip("\ufeff")))}
    assert rows["ocds-award"]["stage"] == "award" and rows["ocds-award"]["suppliers"] == SUPPLIER.name
    assert rows["ocds-planned"]["stage"] == "planning" and rows["timed-tender"]["stage"] == ""


def test_the_item_page_shows_the_awards(client):
    page = text(client.get("/items/ocds-award"))
    assert "Adjudicación de servicios de nube" in page and "CR-CJ-3101123456" in page
    assert "Adjudicada" in page and "estado de la licitación:" in page


def test_planning_shows_in_planning_not_a_deadline(client):
    assert "en planificación" in text(client.get("/?q=cómputo"))
    by_stage = text(client.get("/?stage=planning"))
    assert "/items/ocds-planned" in by_stage and "/items/ocds-award" not in by_stage
    assert ">En planificación" in by_stage  # the stage facet, by its label
    client.get("/lang/en")
    page = text(client.get("/items/ocds-planned"))
    assert "in planning" in page and "Stage" in page and ">Award<" in text(client.get("/?kind=award"))


def test_the_opportunities_board_never_lists_an_award(client):
    assert "/items/ocds-award" not in text(client.get("/opportunities"))
    assert client.get("/opportunities?kind=award").status_code == 400
