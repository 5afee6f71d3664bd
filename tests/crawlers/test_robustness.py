"""Publishers misbehave: errors, rate limits, timeouts, huge responses, robots.txt, edits."""

from __future__ import annotations

import pytest

from crawlers.health import HealthStore
from crawlers.state import CrawlState
from search.backend import get_backend
from tests.crawlers.conftest import catalogue, report, source
from tests.helpers import FIXTURES, run_cli

ITEM = ("<item><title>{title}</title><link>https://cambia.example.org/{slug}</link>"
        "<description>{text}</description></item>")
LISTING = '<html><body><ul class="avisos">{links}</ul></body></html>'
NOTICE = ("<html><head><title>{title}</title></head>"
          "<body><h1>{title}</h1><article>{text}</article></body></html>")
HTML_SELECTORS = """    listing:
      item_links: "ul.avisos a::attr(href)"
    fields:
      title: "h1::text"
      body: "article"
"""


def feed(*items: tuple[str, str, str]) -> bytes:
    entries = "".join(ITEM.format(title=t, slug=s, text=x) for t, s, x in items)
    channel = f"<channel><title>Cambia</title>{entries}</channel>"
    return f'<?xml version="1.0"?><rss version="2.0">{channel}</rss>'.encode()


@pytest.fixture(scope="module")
def crawled(tmp_path_factory, site):
    """Run one catalogue of misbehaving sources, edit some content, run it again."""
    site.replaced.update({
        "/feeds/cambia.xml": feed(("Fondo A", "a", "Primera versión."), ("Fondo B", "b", "Sin cambios.")),
        "/html/cambia/index.html": LISTING.format(links='<a href="a.html">A</a> <a href="b.html">B</a>')
        .encode(),
        "/html/cambia/a.html": NOTICE.format(title="Aviso A", text="Texto original.").encode(),
        "/html/cambia/b.html": NOTICE.format(title="Aviso B", text="Nunca cambia.").encode(),
    })
    folder = tmp_path_factory.mktemp("robust")
    base = site.base
    sources = catalogue(
        folder / "sources.yaml",
        source("fx_flaky", "news", "feed", f"{base}/flaky/feeds/rss2.xml"),
        source("fx_busy", "news", "feed", f"{base}/busy/feeds/atom.xml"),
        source("fx_slow", "news", "feed", f"{base}/slow/feeds/rss10.rdf"),
        source("fx_closed", "news", "feed", f"{base}/closed/feeds/rss10.rdf"),
        source("fx_huge", "news", "feed", f"{base}/huge.xml"),
        source("fx_forbidden", "news", "feed", f"{base}/private/feed.xml"),
        source("fx_missing", "news", "feed", f"{base}/feeds/nowhere.xml"),
        source("fx_changing_feed", "news", "feed", f"{base}/feeds/cambia.xml"),
        source("fx_changing_html", "news", "html", f"{base}/html/cambia/index.html",
               "    recrawl_days: 0\n" + HTML_SELECTORS),
        source("fx_mislabelled_html", "news", "html", f"{base}/charset/utf-8/html/latin1/index.html",
               "    listing:\n      item_links: \"//ul[@class='avisos']//a/@href\"\n"
               "    fields:\n      title: \"//h1/text()\"\n"),  # XPath; body by trafilatura
        source("fx_attachments", "tender", "html", f"{base}/html/anexos/index.html",
               '    listing:\n      item_links: "table.licitaciones a::attr(href)"\n'
               "    attachments: {max_files: 10, max_mb: 1}\n"),
    )
    env = {"OBSERVATORIO_DATA_DIR": str(folder / "data")}
    first = run_cli("crawl", "--sources", str(sources), env=env)
    site.replaced["/feeds/cambia.xml"] = feed(("Fondo A", "a", "Segunda versión, con otro plazo."),
                                              ("Fondo B", "b", "Sin cambios."), ("Fondo C", "c", "Nuevo."))
    site.replaced["/html/cambia/a.html"] = NOTICE.format(title="Aviso A", text="Texto corregido.").encode()
    listing = (FIXTURES / "html" / "anexos" / "index.html").read_bytes()
    site.replaced["/html/anexos/index.html"] = listing + b"\n"  # changed listing, same notices
    mark = len(site.hits)
    second = run_cli("crawl", "--sources", str(sources), env=env)
    backend = get_backend("sqlite", path=folder / "data" / "observatorio.db")
    docs = {d.url: d for d in backend.iter_documents()}
    backend.close()
    state = CrawlState(folder / "data" / "crawl_state.db").load("fx_attachments")
    health = HealthStore(folder / "data" / "health.db")
    return report(first.stdout), report(second.stdout), site.hits[mark:], docs, first, state, health


def test_the_run_completes_whatever_fails(crawled):
    first_run = crawled[4]
    assert first_run.returncode == 0, first_run.stderr
    assert "Traceback" not in first_run.stdout


def test_a_500_is_retried_and_then_succeeds(crawled, site):
    assert crawled[0]["fx_flaky"][:2] == ["ok", "3"]
    statuses = [hit.status for hit in site.requests_for("/flaky/feeds/rss2.xml")]
    assert statuses[:2] == [500, 200]
    first_run = crawled[6].runs("fx_flaky")[-1]
    assert first_run.http_statuses == {"200": 2, "500": 1}  # robots.txt, the 500, the feed


def test_a_429_waits_for_retry_after(crawled, site):
    assert crawled[0]["fx_busy"][:2] == ["ok", "1"]
    refused, served = site.requests_for("/busy/feeds/atom.xml")[:2]
    assert (refused.status, served.status) == (429, 200)
    assert served.at - refused.at >= 1.0


def test_a_retry_after_beyond_the_limit_gives_up_at_once(crawled, site):
    row = crawled[0]["fx_closed"]
    assert row[0] == "failed" and "HTTP 503 (Retry-After 3600 s is beyond the 5 s limit)" in " ".join(row)
    assert len(site.requests_for("/closed/")) == 2  # one per run, no retries


def test_a_slow_server_times_out(crawled):
    row = crawled[0]["fx_slow"]
    assert row[0] == "failed" and "took longer than 1.0 seconds" in " ".join(row)


def test_an_oversized_response_is_refused(crawled):
    row = crawled[0]["fx_huge"]
    assert row[0] == "failed" and "larger than download max size" in " ".join(row)


def test_robots_txt_is_obeyed(crawled, site):
    row = crawled[0]["fx_forbidden"]
    assert row[0] == "failed" and "Forbidden by robots.txt" in " ".join(row)
    assert site.requests_for("/private/") == []


def test_a_missing_feed_fails_alone(crawled):
    assert crawled[0]["fx_missing"][0] == "failed" and "HTTP 404" in " ".join(crawled[0]["fx_missing"])


def test_a_wrongly_declared_charset_is_corrected(crawled, site):
    doc = crawled[3][f"{site.base}/charset/utf-8/html/latin1/aviso.html"]
    assert doc.title == "Capacitación en análisis de datos para municipalidades"
    assert "análisis de datos y visualización" in doc.body


def test_edits_are_updates_and_new_items_are_new(crawled):
    second = crawled[1]
    assert second["fx_changing_feed"][:4] == ["ok", "1", "1", "1"]
    assert second["fx_changing_html"][:4] == ["ok", "0", "1", "1"]
    assert crawled[3]["https://cambia.example.org/a"].body == "Segunda versión, con otro plazo."


def test_stale_detail_pages_are_asked_conditionally(crawled):
    hits = {hit.path: hit.status for hit in crawled[2] if hit.path.startswith("/html/cambia/")}
    assert hits == {"/html/cambia/index.html": 304, "/html/cambia/a.html": 200, "/html/cambia/b.html": 304}


def test_fresh_detail_pages_and_attachments_are_not_fetched_again(crawled, site):
    assert crawled[1]["fx_attachments"][:4] == ["ok", "0", "0", "1"]
    assert [hit.path for hit in crawled[2] if "anexos/licitacion" in hit.path or "/files/" in hit.path] == []
    listing = crawled[5].pages[f"{site.base}/html/anexos/index.html"]  # fetched again: it changed
    assert listing.links == [("detail:parse_notice", f"{site.base}/html/anexos/licitacion.html")]


def test_html_attachments_are_read_and_problems_reported(crawled, site):
    doc = crawled[3][f"{site.base}/html/anexos/licitacion.html"]
    assert doc.title == "Licitación de servicios de ciberseguridad para la municipalidad"  # og:title
    files = {a.url.rsplit("/", 1)[-1]: a for a in doc.attachments}
    assert "Términos de referencia" in files["terminos.docx"].text
    assert "Adquisición de sensores IoT" in files["cartel.odt"].text
    assert files["no-es-documento.pdf"].error == "not a PDF, DOCX or ODT file"
    assert files["anexo.pdf"].error == "Forbidden by robots.txt"
    assert "larger than download max size" in files["grande.pdf"].error
    assert doc.deadline.isoformat() == "2026-04-30" and doc.amount.value == 12_000_000
    assert crawled[0]["fx_attachments"][0] == "partial"
