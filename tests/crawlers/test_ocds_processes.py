"""OCDS contracting processes: every stage indexed, releases merged by the OCDS rules (also
across runs), awards with their suppliers, never an empty title. Real publications served
locally (tests/fixtures/ocds/processes/README.md says where each comes from)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from crawlers.spiders.ocds import read_json, releases
from search.backend import get_backend
from search.query import SearchQuery
from tests.crawlers.conftest import catalogue, report, source, stored_documents
from tests.helpers import FIXTURES, run_cli

PLANNING = "AM-PPS-b726642b3c906f3bbb7f6c71107ba447"  # a planning release, no tender
CONTRACT = "AM-PPS-937908129d01624ccfc8879455f82ffc"  # award and contract, no tender
BARNET = "ocds-213czf-000-00001"  # a tender release, then an award release that leaves fields out
NSW = "ocds-43qwtd-PP-44A05FDA-FD66-F5B9-A73CE66496EE8BC3"  # a bare record, planned, no title


def crawl(sources, data):
    return run_cli("crawl", "--sources", str(sources), env={"OBSERVATORIO_DATA_DIR": str(data)})


@pytest.fixture(scope="module")
def crawled(tmp_path_factory, site):
    folder = tmp_path_factory.mktemp("processes")
    sources = catalogue(folder / "sources.yaml",
                        source("fx_armenia", "tender", "ocds", f"{site.base}/ocds/processes/armenia.json"),
                        source("fx_barnet", "tender", "ocds", f"{site.base}/ocds/processes/barnet-both.json",
                               language="en"),
                        source("fx_nsw", "tender", "ocds", f"{site.base}/ocds/processes/nsw-record.json",
                               language="en"))
    result = crawl(sources, folder / "data")
    assert result.returncode == 0, result.stderr
    return result, {d.id: d for d in stored_documents(folder / "data")}, folder / "data"


def test_every_process_is_indexed_or_skipped_with_a_reason(crawled):
    result, docs, _ = crawled
    rows = report(result.stdout)
    assert [int(rows[sid][1]) for sid in ("fx_armenia", "fx_barnet", "fx_nsw")] == [2, 1, 1], result.stdout
    assert set(docs) == {PLANNING, CONTRACT, BARNET, NSW}
    skipped: list[str] = []
    packages = read_json((FIXTURES / "ocds/processes/armenia.json").read_text(encoding="utf-8"))
    read = {release["ocid"] for release in releases(packages, skipped.append)}
    assert read == {PLANNING, CONTRACT} and skipped == ["release without an ocid"]  # 3 releases in the file


def test_a_planning_process_is_a_tender_in_planning(crawled):
    doc = crawled[1][PLANNING]
    assert doc.kind == "tender" and doc.stage == "planning" and doc.deadline is None
    assert doc.title == "ՀՀ առողջապահության նախար." and doc.title_derived  # planning.budget.project
    assert doc.amount.value == 2500 and doc.amount.currency == "AMD"
    assert doc.organizations == ["Republic of Armenia Ministry of health"]


def test_a_record_on_its_own_uses_its_compiled_release(crawled):
    doc = crawled[1][NSW]
    assert doc.kind == "tender" and doc.stage == "planning" and doc.status == "planned"
    assert doc.title == "L3 Investigation Services for SEQR" and doc.title_derived  # tender.description
    assert doc.organizations == ["Transport NSW - Corporate"] and doc.deadline is None


def test_an_award_only_process_keeps_its_suppliers(crawled):
    doc = crawled[1][CONTRACT]
    assert doc.kind == "award" and doc.stage == "contract"
    assert doc.title == "Տեղեկատվական ծառայություններ" and doc.title_derived  # budget line, no "- "
    assert [(s.name, s.id) for s in doc.suppliers] == [("Khacharam Kvonservatvoria SPY", "AM-TIN-01000825")]
    (award,) = doc.awards  # the contract names the award: one entry
    assert award.amount.value == 157080 and award.amount.currency == "AMD"
    assert award.date == datetime(2016, 6, 27, tzinfo=UTC)
    assert doc.amount.value == 157080


def test_releases_merge_and_a_later_release_keeps_what_it_leaves_out(crawled):
    doc = crawled[1][BARNET]
    assert doc.kind == "award" and doc.stage == "award" and doc.status == "complete"  # the award release's
    assert doc.title == "Planned cycle lane improvements" and not doc.title_derived
    # the award release has no tender documents, items or period: the tender release's are kept
    assert doc.url == "http://example.com/tender-notices/ocds-213czf-000-00001-01.html"
    assert "Construction work for highways" in doc.categories
    assert doc.deadline is None  # an award is past its deadline: never on the opportunities board
    assert [(s.name, s.id) for s in doc.suppliers] == [("AnyCorp Cycle Provision", "GB-COH-11111111.0")]
    assert doc.awards[0].title == "Award of contract to build new cycle lanes in the centre of town."
    assert doc.amount.value == 11_000_000 and doc.amount.currency == "GBP"
    assert doc.published == datetime(2010, 3, 15, 9, 30, tzinfo=UTC)  # the first release


def test_processes_are_found_by_supplier_and_stage(crawled):
    backend = get_backend("sqlite", path=crawled[2] / "observatorio.db")
    try:
        found = backend.search(SearchQuery(q="Khacharam"))
        assert [h.document.id for h in found.hits] == [CONTRACT]
        assert found.hits[0].document.stage == "contract"
        awards = backend.search(SearchQuery(kind=("award",)))
        assert {h.document.id for h in awards.hits} == {CONTRACT, BARNET}
        planned = backend.search(SearchQuery(q="առողջապահության"))
        assert [(h.document.id, h.document.stage) for h in planned.hits] == [(PLANNING, "planning")]
        board = backend.search(SearchQuery(kind=("funding_call", "tender"), open=True))
        assert all(h.document.kind != "award" for h in board.hits)
    finally:
        backend.close()


def test_a_release_of_a_later_run_merges_with_the_earlier_ones(tmp_path, site):
    path = "/ocds/processes/run.json"
    sources = catalogue(tmp_path / "sources.yaml", source("fx_runs", "tender", "ocds", site.base + path,
                                                          language="en"))
    try:
        site.replaced[path] = (FIXTURES / "ocds/processes/barnet-tender.json").read_bytes()
        first = crawl(sources, tmp_path / "data")
        (tender,) = stored_documents(tmp_path / "data")
        assert tender.kind == "tender" and tender.stage == "tender" and tender.amount.value == 1_100_000
        site.replaced[path] = (FIXTURES / "ocds/processes/barnet-award.json").read_bytes()
        second = crawl(sources, tmp_path / "data")
    finally:
        site.replaced.pop(path, None)
    assert first.returncode == 0 and second.returncode == 0, second.stderr
    assert report(second.stdout)["fx_runs"][1:3] == ["0", "1"], second.stdout  # updated, not new
    (doc,) = stored_documents(tmp_path / "data")
    assert doc.kind == "award" and doc.stage == "award" and doc.suppliers[0].name == "AnyCorp Cycle Provision"
    assert doc.url == "http://example.com/tender-notices/ocds-213czf-000-00001-01.html"  # from the first run
    assert "Construction work for highways" in doc.categories
    assert doc.body.startswith("Tenders solicited for work")
    assert doc.published == datetime(2010, 3, 15, 9, 30, tzinfo=UTC)
