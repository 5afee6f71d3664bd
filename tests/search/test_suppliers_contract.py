"""OCDS processes in both backends: suppliers found by name, filtered and counted; stages
filtered and counted."""

from search.document import Amount, Award, Supplier
from search.query import SearchQuery
from tests.search.test_backend_contract import CORPUS, doc

ANDES = Supplier(name="Soluciones Tecnológicas del Sur S.A.", id="CR-CJ-3101123456")
BRUNCA = Supplier(name="Brunca Redes Ltda.", id=None)
AWARDS = [
    doc("award-1", "Servicios de nube para el hospital", kind="award", stage="award", status="complete",
        suppliers=[ANDES],
        awards=[Award(title="Nube", amount=Amount(value=5, currency="USD"), suppliers=[ANDES])]),
    doc("award-2", "Red de fibra óptica municipal", kind="award", stage="contract",
        suppliers=[ANDES, BRUNCA], awards=[Award(suppliers=[ANDES, BRUNCA])]),
]


def test_suppliers_and_stages_are_searched_filtered_and_facets(empty_backend):
    empty_backend.upsert([*CORPUS, *AWARDS])
    found = empty_backend.search(SearchQuery(q="tecnologicas sur"))  # folded, like every text
    assert {h.document.id for h in found.hits} == {"award-1", "award-2"}
    by_supplier = empty_backend.search(SearchQuery(supplier=(BRUNCA.name,)))
    assert [h.document.id for h in by_supplier.hits] == ["award-2"]
    facets = empty_backend.search(SearchQuery()).facets
    assert facets["supplier"] == {ANDES.name: 2, BRUNCA.name: 1}
    assert facets["kind"]["award"] == 2 and facets["stage"] == {"award": 1, "contract": 1}
    assert [h.document.id for h in empty_backend.search(SearchQuery(stage=("contract",))).hits] == ["award-2"]
    assert empty_backend.get("award-2").suppliers == [ANDES, BRUNCA]
