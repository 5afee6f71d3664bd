"""Every spider type against fixture files served over real local HTTP, through the CLI."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from crawlers.health import HealthStore
from search.backend import get_backend
from tests.crawlers.conftest import catalogue, source
from tests.helpers import run_cli

HTML_SELECTORS = """    listing:
      item_links: "ul.avisos a::attr(href)"
      next_page: "a[rel=next]::attr(href)"
    fields:
      title: "h1::text"
      body: "article .contenido"
      published: "time.publicado::attr(datetime)"
      deadline: "time.cierre::attr(datetime)"
      organization: ".entidad::text"
"""


@pytest.fixture(scope="module")
def crawled(tmp_path_factory, fixture_server):
    """One crawl of every fixture source into a fresh data directory, then a second run."""
    folder = tmp_path_factory.mktemp("crawl")
    sources = catalogue(
        folder / "sources.yaml",
        source("fix_rss", "funding_call", "feed", f"{fixture_server}/feeds/rss2.xml"),
        source("fix_atom", "funding_call", "feed", f"{fixture_server}/feeds/atom.xml"),
        source("fix_ocds", "tender", "ocds", f"{fixture_server}/ocds/release_package.json"),
        source("fix_html", "funding_call", "html", f"{fixture_server}/html/index.html", HTML_SELECTORS),
        source("fix_missing", "news", "feed", f"{fixture_server}/feeds/missing.xml"),
    )
    env = {"OBSERVATORIO_DATA_DIR": str(folder / "data")}
    first = run_cli("crawl", "--sources", str(sources), env=env)
    second = run_cli("crawl", "--sources", str(sources), env=env)
    return folder / "data", first, second


@pytest.fixture
def stored(crawled, monkeypatch):
    monkeypatch.setenv("OBSERVATORIO_DATA_DIR", str(crawled[0]))
    backend = get_backend("sqlite")
    yield {d.url: d for d in backend.iter_documents()}
    backend.close()


def test_the_run_completes_and_reports_each_source(crawled):
    _, first, _ = crawled
    assert first.returncode == 0, first.stderr
    lines = {line.split()[0]: line.split() for line in first.stdout.splitlines()[1:-1]}
    assert lines["fix_rss"][1:3] == ["ok", "3"]
    assert lines["fix_ocds"][1:3] == ["ok", "2"]
    assert lines["fix_missing"][1] == "failed"
    assert "HTTP 404" in first.stdout


def test_a_second_run_finds_nothing_new(crawled):
    _, _, second = crawled
    assert second.returncode == 0, second.stderr
    rows = [line.split() for line in second.stdout.splitlines()[1:-1]]
    assert all(row[2] == "0" and row[3] == "0" for row in rows), second.stdout
    assert next(r for r in rows if r[0] == "fix_rss")[4] == "3"


def test_feed_items_are_plain_text_with_resolved_links(stored, fixture_server):
    doc = stored[f"{fixture_server}/convocatorias/fondo-ia"]
    assert doc.kind.value == "funding_call" and doc.source == "fix_rss" and doc.country == "CR"
    assert "<p>" not in doc.body and "MICITT abre el fondo" in doc.body
    assert doc.published == datetime(2026, 3, 2, 20, tzinfo=UTC)
    assert doc.deadline == date(2026, 4, 15)
    assert doc.amount.value == 25_000_000 and doc.amount.currency == "CRC"
    assert "ai" in doc.topics
    escaped = stored["https://example.org/cursos/ciber"]
    assert escaped.title == "Ciberseguridad & nube: curso gratuito"


def test_items_without_a_date_get_last_modified_and_a_flag(stored, fixture_server):
    doc = stored["https://example.org/sin-fecha"]
    assert doc.published_estimated
    assert doc.published < doc.fetched  # the feed file's Last-Modified, not the fetch time


def test_atom_links_resolve_against_xml_base(stored):
    doc = stored["https://grants.example.org/calls/blockchain-coffee"]
    assert doc.lang == "en"
    assert doc.amount.value == 50_000 and doc.amount.currency == "USD"
    assert doc.deadline == date(2026, 4, 30)
    assert "blockchain" in doc.topics


def test_ocds_keeps_the_newest_release_per_ocid(stored):
    tenders = {d.id: d for d in stored.values() if d.source == "fix_ocds"}
    cloud = tenders["ocds-fix01-2026LA-000001"]
    assert cloud.deadline == datetime(2026, 3, 27, 16, tzinfo=UTC)
    assert cloud.published == datetime(2026, 3, 1, 14, tzinfo=UTC)
    assert "Se amplía el plazo" in cloud.body
    assert cloud.amount.value == 45_000_000
    assert cloud.organizations[0] == "Municipalidad de Pérez Zeledón"
    assert cloud.categories == ["Servicios de datos en línea"]
    assert "cloud" in cloud.topics
    assert tenders["ocds-fix01-2026LA-000002"].topics == []


def test_html_follows_listing_pages_and_obeys_robots(stored):
    html = {d.url.rsplit("/", 1)[-1]: d for d in stored.values() if d.source == "fix_html"}
    assert set(html) == {"aviso-1.html", "aviso-2.html", "aviso-3.html"}
    first = html["aviso-1.html"]
    assert first.title == "Capacitación en internet de las cosas para productores"
    assert first.body == "Curso de sensores IoT para fincas.\nCupo limitado."
    assert first.deadline == date(2026, 4, 10)
    assert first.organizations[0] == "Instituto Nacional de Aprendizaje"


def test_html_without_selectors_uses_page_metadata_and_main_text(tmp_path, fixture_server):
    sources = catalogue(tmp_path / "sources.yaml", source(
        "fix_html_bare", "news", "html", f"{fixture_server}/html/page-2.html",
        '    listing:\n      item_links: "ul.avisos a::attr(href)"\n'))
    env = {"OBSERVATORIO_DATA_DIR": str(tmp_path / "data")}
    result = run_cli("crawl", "--sources", str(sources), env=env)
    assert result.returncode == 0, result.stderr
    backend = get_backend("sqlite", path=tmp_path / "data" / "observatorio.db")
    (doc,) = backend.iter_documents()
    assert doc.title == "Aviso tres desde metadatos"
    assert "transformación digital" in doc.body
    assert "Pie de página" not in doc.body and "Inicio" not in doc.body
    backend.close()


def test_health_is_recorded_per_source(crawled, monkeypatch):
    monkeypatch.setenv("OBSERVATORIO_DATA_DIR", str(crawled[0]))
    health = {h.source: h for h in HealthStore().health(["fix_rss", "fix_missing", "never"])}
    assert health["fix_rss"].state == "ok"
    assert health["fix_missing"].consecutive_failures == 2
    assert health["never"].state == "never_run"
