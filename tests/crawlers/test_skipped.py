"""Nothing dropped in silence: title-less entries indexed with derived titles, every skipped
record counted with its reason (report, health.db), bodies read by content (gzip, BOM, charset)."""

from __future__ import annotations

import json

import pytest

from crawlers.health import HealthStore
from search.document import document_id
from tests.crawlers.conftest import catalogue, report, source, stored_documents
from tests.helpers import run_cli
from web import create_app

ECLIPSE = "http://liftoff.msfc.nasa.gov/2003/05/30.html#item572"


@pytest.fixture(scope="module")
def crawled(tmp_path_factory, site):
    folder = tmp_path_factory.mktemp("skipped")
    sources = catalogue(
        folder / "sources.yaml",
        source("fx_real_rss2", "news", "feed", f"{site.base}/feeds/real/rss2sample.xml", language="en"),
        # UTF-8 with a BOM, served as ISO-8859-1
        source("fx_untitled", "news", "feed", f"{site.base}/charset/iso-8859-1/feeds/untitled.xml"),
        # gzip without Content-Encoding, served as application/xml
        source("fx_gzipped", "news", "feed", f"{site.base}/gzip/feeds/rss2.xml"),
        source("fx_gzip_bomb", "news", "feed", f"{site.base}/gzip/huge.xml"),  # 64 KiB once inflated
        source("fx_api_untitled", "funding_call", "api", f"{site.base}/json/untitled.json",
               extra="    items: records\n    fields: {url: link, title: name, body: text}\n"),
        source("fx_html_untitled", "tender", "html", f"{site.base}/html/sin-titulo/index.html",
               extra='    listing:\n      item_links: "ul.avisos a::attr(href)"\n'
                     '    fields:\n      body: "div.cuerpo"\n'),
    )
    data = folder / "data"
    result = run_cli("crawl", "--sources", str(sources), env={"OBSERVATORIO_DATA_DIR": str(data)})
    return data, result, {d.url: d for d in stored_documents(data)}


def test_the_report_counts_every_skipped_record_with_its_reason(crawled):
    _, result, _ = crawled
    assert result.returncode == 0, result.stderr
    header, *_ = result.stdout.splitlines()
    assert header.split()[:7] == ["source", "status", "new", "upd", "same", "fail", "skip"]
    rows = report(result.stdout)
    assert rows["fx_real_rss2"][:6] == ["ok", "4", "0", "0", "0", "0"], result.stdout
    assert rows["fx_untitled"][:6] == ["ok", "3", "0", "0", "0", "2"], result.stdout
    line = " ".join(rows["fx_untitled"])
    assert "[skipped: no link 1, no title or text 1]" in line
    assert result.stdout.splitlines()[-1].endswith(", 6 skipped")  # with the API and HTML sources'


def test_title_less_entries_are_indexed_with_a_derived_title(crawled):
    _, _, stored = crawled
    eclipse = stored[ECLIPSE]
    assert eclipse.title_derived
    assert eclipse.title == ("Sky watchers in Europe, Asia, and parts of Alaska and Canada will "
                             "experience a partial eclipse of…")
    assert "partial eclipse of the Sun on Saturday, May 31st." in eclipse.body
    titled = stored["http://liftoff.msfc.nasa.gov/news/2003/news-starcity.asp"]
    assert titled.title == "Star City" and not titled.title_derived
    taller = stored["https://muni.example.org/avisos/ciberseguridad"]
    assert taller.title == ("El Sr. Alcalde anuncia un taller de ciberseguridad para pymes "
                            "tecnológicas de la región Brunca.")  # not cut at "Sr."
    assert taller.title_derived and "cybersecurity" in taller.topics
    fondo = stored["https://muni.example.org/avisos/fondo-innovacion"]
    assert fondo.title_derived and fondo.title.endswith("…") and len(fondo.title) <= 101
    assert fondo.body.startswith(fondo.title[:-1])


def test_a_bom_wins_over_a_wrong_charset_header(crawled):
    _, _, stored = crawled
    assert stored["https://muni.example.org/avisos/nube"].title == (
        "Convocatoria a proveedores de servicios en la nube")
    assert "tecnológicas" in stored["https://muni.example.org/avisos/ciberseguridad"].body


def test_a_gzip_body_without_content_encoding_is_read(crawled, site):
    _, result, _ = crawled
    assert report(result.stdout)["fx_gzipped"][:2] == ["ok", "3"], result.stdout
    assert site.requests_for("/gzip/feeds/rss2.xml")


def test_skip_reasons_are_in_health_db(crawled):
    data, _, _ = crawled
    health = HealthStore(data / "health.db").health(["fx_untitled", "fx_real_rss2"])
    runs = {h.source: h.last_run for h in health}
    assert runs["fx_untitled"].skipped == {"no link": 1, "no title or text": 1}
    assert runs["fx_untitled"].status == "ok" and runs["fx_real_rss2"].skipped == {}


def test_derived_titles_show_in_search_and_on_the_item_page(crawled, monkeypatch):
    data, _, _ = crawled
    monkeypatch.setenv("OBSERVATORIO_DATA_DIR", str(data))
    found = run_cli("search", "eclipse", "--json", env={"OBSERVATORIO_DATA_DIR": str(data)})
    items = json.loads(found.stdout)["items"]
    assert [i["title"] for i in items] == [crawled[2][ECLIPSE].title], found.stderr
    client = create_app({"TESTING": True, "DATA_DIR": str(data)}).test_client()
    page = client.get(f"/items/{document_id(ECLIPSE)}")
    assert page.status_code == 200
    assert f"<h1>{crawled[2][ECLIPSE].title}</h1>" in page.get_data(as_text=True)


def test_a_gzip_body_is_inflated_only_up_to_the_size_limit(crawled):
    _, result, _ = crawled
    row = report(result.stdout)["fx_gzip_bomb"]
    assert row[0] == "failed" and "gzip body larger than download max size" in " ".join(row), row


def test_api_records_without_link_or_any_text_are_counted_and_a_missing_title_derived(crawled):
    _, result, stored = crawled
    row = report(result.stdout)["fx_api_untitled"]
    assert row[:6] == ["ok", "2", "0", "0", "0", "2"], result.stdout
    assert "[skipped: no link 1, no title or text 1]" in " ".join(row)
    agro = next(d for url, d in stored.items() if url.endswith("/convocatorias/ia-agro"))
    assert agro.title == "Apoyo a pymes que aplican inteligencia artificial al agro." and agro.title_derived


def test_html_notices_without_href_or_any_text_are_counted_and_a_missing_title_derived(crawled):
    _, result, stored = crawled
    row = report(result.stdout)["fx_html_untitled"]
    assert row[:6] == ["ok", "1", "0", "0", "0", "2"], result.stdout
    assert "[skipped: no link 1, no title or text 1]" in " ".join(row)
    notice = next(d for url, d in stored.items() if url.endswith("/aviso-sin-titulo.html"))
    assert notice.title_derived and notice.title == ("Se abre el concurso de innovación en servicios "
                                                     "digitales para gobiernos locales de la región Brunca.")
