"""OCDS in every packaging, both schema versions and a legacy encoding, paged by links.next."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from tests.crawlers.conftest import catalogue, crawl_twice, report, source

PACKAGES = {
    "fx_release_package": "/ocds/release_package.json",
    "fx_record_package": "/ocds/record_package.json",
    "fx_json_lines": "/ocds/packages.jsonl",
    "fx_package_array": "/ocds/package_array.json",
    "fx_bare_release": "/ocds/bare_release.json",
    "fx_schema_10_latin1": "/ocds/release_package_v10.json",
    "fx_paged": "/ocds/paged-1.json",
}


@pytest.fixture(scope="module")
def crawled(tmp_path_factory, site):
    folder = tmp_path_factory.mktemp("ocds")
    entries = [source(sid, "tender", "ocds", site.base + path,
                      "    attachments: true\n" if sid == "fx_record_package" else "")
               for sid, path in PACKAGES.items()]
    entries.append(source("fx_not_ocds", "tender", "ocds", f"{site.base}/html/index.html"))
    entries.append(source("fx_wrapped", "tender", "ocds", f"{site.base}/ocds/wrapped-1.json",
                          "    package: releasePackage\n    next: next\n"))
    sources = catalogue(folder / "sources.yaml", *entries)
    first, second, docs = crawl_twice(sources, folder / "data")
    return first, second, {d.id: d for d in docs}


def test_every_packaging_yields_one_tender_per_ocid(crawled):
    first, _, docs = crawled
    assert first.returncode == 0, first.stderr
    rows = report(first.stdout)
    found = {sid: int(row[1]) + int(row[3]) for sid, row in rows.items()}
    assert found == {"fx_release_package": 2, "fx_record_package": 1, "fx_json_lines": 2,
                     "fx_package_array": 2, "fx_bare_release": 1, "fx_schema_10_latin1": 1, "fx_paged": 2,
                     "fx_not_ocds": 0, "fx_wrapped": 2}, first.stdout
    assert rows["fx_not_ocds"][0] == "failed" and "not OCDS JSON" in first.stdout


def test_record_packages_use_the_compiled_record(crawled):
    doc = crawled[2]["ocds-fix02-REC-1"]
    assert doc.title == "Red de sensores IoT para monitoreo de cuencas"
    assert doc.url == "https://example.org/avisos/REC-1"  # the tenderNotice document
    assert doc.amount.value == 98000 and doc.amount.currency == "USD"
    assert doc.organizations[0] == "Instituto Costarricense de Acueductos y Alcantarillados"  # 1.1 parties
    assert doc.categories == ["Sensores de medición"]
    assert doc.deadline == datetime(2026, 4, 5, 18, tzinfo=UTC)
    assert "iot" in doc.topics


def test_record_documents_become_attachments_when_asked(crawled):
    doc = crawled[2]["ocds-fix02-REC-1"]
    assert [a.url.rsplit("/", 1)[-1] for a in doc.attachments] == ["cartel.odt"]
    assert "Cartel de licitación" in doc.attachments[0].text


def test_schema_10_in_latin1(crawled):
    doc = crawled[2]["ocds-fix06-V10-1"]
    assert doc.title == "Digitalización del archivo municipal"
    assert doc.organizations[0] == "Municipalidad de Corredores"  # tender.procuringEntity
    assert doc.deadline == datetime(2026, 4, 10, 16, tzinfo=UTC)


def test_the_newest_state_wins_across_pages(crawled):
    docs = crawled[2]
    paged = docs["ocds-fix07-PAGE-1"]
    assert paged.title == "Servicios de nube híbrida (enmienda)"  # page 1, newer than page 2's
    assert paged.amount.value == 70_000_000
    assert paged.published == datetime(2026, 3, 1, tzinfo=UTC)  # the first release, from page 2
    assert docs["ocds-fix07-PAGE-2"].deadline == datetime(2026, 4, 12, 23, 59, tzinfo=UTC)


def test_bare_releases_arrays_and_lines(crawled):
    docs = crawled[2]
    assert docs["ocds-fix05-BARE-1"].organizations == ["Colegio Técnico Profesional de Buenos Aires"]
    assert "ai" in docs["ocds-fix04-ARR-1"].topics
    assert docs["ocds-fix03-JL-2"].amount.currency == "USD"
    assert docs["ocds-fix04-ARR-2"].deadline.date() == date(2026, 4, 2)


def test_an_api_wrapping_its_packages(crawled):
    doc = crawled[2]["ocds-lcuori-HN-2"]  # on the second page, found through the wrapper's `next`
    assert doc.organizations == ["Banco Central de Honduras"] and doc.amount.currency == "HNL"


def test_a_second_run_finds_nothing_new(crawled):
    _, second, _ = crawled
    rows = report(second.stdout)
    assert all(row[1:3] == ["0", "0"] for row in rows.values()), second.stdout
    assert rows["fx_paged"][3] == "2"
