"""Near-duplicates on the demo site's two marked pairs and on traps that are not duplicates."""

import time
from datetime import date

import pytest

from nlp import embeddings
from nlp.dedup import find_duplicates
from web.demo_site import DemoSite


def _records(with_embeddings: bool) -> list[dict]:
    """The demo items as a crawl would see them: OCDS tenders keep their ocid as id."""
    site = DemoSite(today=date(2026, 3, 2))
    items = [site._item(raw, site.today, "http://demo.test") for raw in site.items]
    crawl_id = {i["id"]: i["ocds"]["ocid"] if "ocds" in i else i["id"] for i in items}
    records = [{"id": crawl_id[i["id"]], "title": i["title"], "text": i["body"], "kind": i["kind"],
                "published": i["published"], "amount": i.get("amount"), "deadline": i["deadline"],
                "marked_duplicate_of": crawl_id.get(i.get("duplicate_of"))} for i in items]
    if with_embeddings:
        vectors = embeddings.embed([f"{r['title']}\n{r['text']}" for r in records])
        for record, vector in zip(records, vectors, strict=True):
            record["embedding"] = vector
    return records


@pytest.fixture(scope="module")
def records():
    return _records(with_embeddings=False)


def test_the_demo_pairs_are_found_and_nothing_else(records):
    marked = {r["id"]: r["marked_duplicate_of"] for r in records if r["marked_duplicate_of"]}
    assert len(marked) == 2
    assert find_duplicates(records) == marked


def test_with_embeddings_too(monkeypatch):
    monkeypatch.delenv("OBSERVATORIO_EMBEDDING_MODEL")
    assert find_duplicates(_records(with_embeddings=True)) == find_duplicates(_records(with_embeddings=False))


def test_stored_candidates_are_the_originals(records):
    story = next(r for r in records if r["id"] == "techwire-laboratorio-ia-san-isidro")
    copy = next(r for r in records if r["id"] == "surdigital-laboratorio-ia-uned")
    assert find_duplicates([story], candidates=[copy]) == {story["id"]: copy["id"]}
    assert find_duplicates([story], candidates=[story]) == {}  # a record is not its own duplicate


def test_exact_copies_by_content_hash():
    a = {"id": "a", "title": "Uno", "text": "x", "content_hash": "h1", "kind": "news",
         "published": "2026-03-01"}
    b = {**a, "id": "b", "title": "Otro título", "published": "2026-02-01"}
    assert find_duplicates([a, b]) == {"a": "b"}  # the earlier one is the original


def test_reworded_is_not_enough_when_amounts_deadlines_kind_or_dates_differ(records):
    tender = next(r for r in records if r["id"] == "ocds-demo01-000103")
    page = next(r for r in records if r["id"] == "licitacion-pz-tramites-asistente-virtual")
    assert find_duplicates([{**page, "amount": {"value": 1.0, "currency": "CRC"}}], [tender]) == {}
    assert find_duplicates([{**page, "deadline": date(2030, 1, 1)}], [tender]) == {}
    assert find_duplicates([{**page, "kind": "news"}], [tender]) == {}
    assert find_duplicates([{**page, "published": date(2030, 1, 1)}], [tender]) == {}


def test_dates_without_a_zone_are_utc_whatever_the_machine_zone(monkeypatch):
    """30 days and an hour apart in UTC: outside the window, also on a machine at UTC-12."""
    text = "Convocatoria de innovación para pymes de la Región Brunca con apoyo del MICITT."
    a = {"id": "a", "title": "Fondo pyme", "text": text, "kind": "news", "published": "2026-03-01T12:00"}
    b = {**a, "id": "b", "published": "2026-03-31T13:00:00+00:00"}
    monkeypatch.setenv("TZ", "Etc/GMT+12")
    time.tzset()
    try:
        assert find_duplicates([a, b]) == {}
    finally:
        monkeypatch.undo()
        time.tzset()


ADIF = "Anuncio de formalización de contratos de: ADIF - Presidencia. Objeto: {}. Expediente: {}."
BOE = "V. Anuncios. - A. Contratación del Sector Público - MINISTERIO DE TRANSPORTES - Referencia: {}"


def _notice(id_: str, obj: str, file: str, ref: str, source: str = "boe") -> dict:
    return {"id": id_, "source": source, "title": ADIF.format(obj, file), "text": BOE.format(ref),
            "kind": "tender", "published": "2024-01-17"}


def test_templated_notices_of_one_buyer_are_distinct_even_alone():
    """Real BOE entries of 17 January 2024: same buyer and boilerplate, another object."""
    a = _notice("a", "Desarrollo e implantación de un modelo de gestión de la seguridad en proveedores y "
                "terceros para ADIF y ADIF-Alta Velocidad", "3.22/09110.0224", "BOE-B-2024-1334")
    b = _notice("b", "Servicios de asistencia técnica para el seguimiento y control de los trabajos de "
                "ejecución de las obras del proyecto constructivo de accesibilidad en la estación de "
                "Villabona (Asturias)", "3.23/27507.0136", "BOE-B-2024-1335")
    assert find_duplicates([a, b]) == {}


def test_identifiers_that_disagree_keep_notices_apart():
    """Two lots of one cleaning contract: the same words, other file numbers."""
    a = _notice("a", "Servicio de limpieza en centros de Sevilla", "LOT6/24", "BOE-B-2024-1348", "agregador")
    b = {**a, "id": "b", "title": a["title"].replace("LOT6/24", "LOT7/24"), "source": "otro"}
    assert find_duplicates([a, b]) == {}
    assert find_duplicates([a, {**b, "title": a["title"]}]) == {"b": "a"}  # a re-post elsewhere


def test_one_source_with_another_title_is_another_item():
    a = _notice("a", "Servicio de limpieza del Museo Nacional de Arte Romano", "J230041", "BOE-B-2024-1342")
    renamed = {**a, "id": "b", "title": a["title"].replace("Servicio de limpieza", "Limpieza")}
    assert find_duplicates([a, renamed]) == {}
    assert find_duplicates([a, {**renamed, "source": "agregador"}]) == {"b": "a"}
    assert find_duplicates([a, {**a, "id": "b"}]) == {"b": "a"}  # the same entry under a new address
