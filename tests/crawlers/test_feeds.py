"""Feeds of every dialect and flaw, articles and attachments, crawled twice through the CLI."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from search.backend import get_backend
from tests.crawlers.conftest import catalogue, report, source
from tests.helpers import run_cli

FEEDS = {
    "fx_rss091": "/feeds/rss091.xml",         # RSS 0.91, ISO-8859-1 declared in the prolog
    "fx_rss10": "/feeds/rss10.rdf",           # RSS 1.0 (RDF), dc:date
    "fx_atom03": "/feeds/atom03.xml",         # Atom 0.3, escaped HTML content
    "fx_bozo": "/feeds/bozo.xml",             # unescaped &, &nbsp;, unclosed tags and channel
    "fx_cp1252": "/feeds/cp1252.xml",         # Windows-1252 bytes, no declaration anywhere
    "fx_wrong_charset": "/charset/utf-8/feeds/latin1.xml",  # Latin-1 body, header says UTF-8
}


@pytest.fixture(scope="module")
def crawled(tmp_path_factory, site):
    """Crawl every feed, then crawl again; keep both reports and what the server saw."""
    folder = tmp_path_factory.mktemp("feeds")
    entries = [source(sid, "news", "feed", site.base + path) for sid, path in FEEDS.items()]
    entries.append(source("fx_articles", "funding_call", "feed", f"{site.base}/feeds/articles.xml",
                          "    fetch_article: true\n    attachments: true\n"))
    sources = catalogue(folder / "sources.yaml", *entries)
    env = {"OBSERVATORIO_DATA_DIR": str(folder / "data")}
    first = run_cli("crawl", "--sources", str(sources), env=env)
    mark = len(site.hits)
    second = run_cli("crawl", "--sources", str(sources), env=env)
    return folder / "data", first, second, site.hits[mark:]


@pytest.fixture(scope="module")
def stored(crawled):
    backend = get_backend("sqlite", path=crawled[0] / "observatorio.db")
    yield {d.url: d for d in backend.iter_documents()}
    backend.close()


def test_every_dialect_is_read(crawled):
    _, first, _, _ = crawled
    assert first.returncode == 0, first.stderr
    rows = report(first.stdout)
    expected = {"fx_rss091": 1, "fx_rss10": 1, "fx_atom03": 1, "fx_bozo": 2, "fx_cp1252": 1,
                "fx_wrong_charset": 1, "fx_articles": 2}
    assert {sid: int(row[1]) for sid, row in rows.items()} == expected, first.stdout
    assert all(row[0] in ("ok", "partial") for row in rows.values())


def test_encodings_entities_and_dates_survive(stored):
    latin = stored["https://www.procomer.com/convocatorias/servicios-tecnologicos"]
    assert latin.title == "Convocatoria de exportación de servicios tecnológicos"
    assert "acompañamiento" in latin.body
    cp1252 = stored["https://cp.example.org/transformacion"]
    assert cp1252.title == "“Transformación digital” en la región Brunca"
    assert "estrategia – con énfasis" in cp1252.body
    mislabelled = stored["https://www.sbdcr.com/credito-innovacion"]
    assert mislabelled.title == "Crédito para innovación en pymes tecnológicas"
    bozo = stored["https://mal.example.org/fondo-startups"]
    assert bozo.title == "I+D & innovación: nuevo fondo\xa0para startups".replace("\xa0", " ")
    assert bozo.published == datetime(2026, 3, 4, 10, tzinfo=UTC)
    rdf = stored["https://www.ucr.ac.cr/vinculacion/fondo-blockchain"]
    assert rdf.published == datetime(2026, 2, 20, 16, 30, tzinfo=UTC) and not rdf.published_estimated
    assert "blockchain" in rdf.topics
    atom03 = stored["https://news.example.org/2026/ransomware-utilities"]
    assert atom03.body == "A cybersecurity advisory warns utilities about ransomware."
    assert atom03.published == datetime(2026, 2, 24, 15, tzinfo=UTC)


def test_undated_items_take_last_modified_and_are_flagged(stored):
    doc = stored["https://www.procomer.com/convocatorias/servicios-tecnologicos"]
    assert doc.published_estimated
    assert doc.published == datetime(2026, 3, 2, 12, tzinfo=UTC)  # the server's Last-Modified


def test_fetch_article_replaces_the_summary_with_the_page_text(stored, site):
    doc = stored[f"{site.base}/html/articulo-1.html"]  # a relative <link>, resolved
    assert "comité técnico" in doc.body
    assert "Pie de página" not in doc.body and "Inicio" not in doc.body


def test_attachments_are_extracted_and_feed_the_extraction(stored, site):
    doc = stored[f"{site.base}/html/articulo-1.html"]
    files = {a.url.rsplit("/", 1)[-1]: a for a in doc.attachments}
    assert set(files) == {"terminos.docx", "bases.pdf", "protegido.pdf", "roto.pdf"}
    assert "Plazo de entrega" in files["terminos.docx"].text
    assert "Fecha límite de presentación" in files["bases.pdf"].text
    assert files["protegido.pdf"].error.startswith("encrypted PDF") and not files["protegido.pdf"].text
    assert files["roto.pdf"].error.startswith("corrupt PDF")
    assert doc.deadline == date(2026, 4, 30)  # only the PDF says so
    direct = stored[f"{site.base}/files/cartel.odt"]  # an entry that links straight to a file
    assert "sensores IoT" in direct.attachments[0].text


def test_problem_files_are_reported_not_fatal(crawled):
    _, first, _, _ = crawled
    row = report(first.stdout)["fx_articles"]
    assert row[0] == "partial" and "protegido.pdf: encrypted PDF" in " ".join(row)


def test_a_second_run_finds_nothing_new_and_fetches_no_article(crawled, site):
    _, _, second, hits = crawled
    assert second.returncode == 0, second.stderr
    rows = report(second.stdout)
    assert all(row[1:3] == ["0", "0"] for row in rows.values()), second.stdout
    assert rows["fx_articles"][3] == "2" and rows["fx_bozo"][3] == "2"
    feeds = [hit for hit in hits if hit.path.endswith((".xml", ".rdf"))]
    assert feeds and all(hit.status == 304 for hit in feeds)
    assert [hit.path for hit in hits if "/files/" in hit.path or "articulo" in hit.path] == []


def test_requests_name_the_observatory_and_a_contact(crawled, site):
    agents = {hit.headers.get("User-Agent") for hit in site.requests_for("/feeds/")}
    assert agents == {"ObservatorioTIC-tests/1.0 (+https://example.org/observatorio/contacto)"}
