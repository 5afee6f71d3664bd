"""The `browser` source type: a listing built by script from a JSON endpoint, paged by a
"Siguiente" button, crawled in Debian's chromium against the real fixture server."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from crawlers.config import ConfigError, CrawlerOptions, load_sources
from crawlers.settings import BROWSER_HANDLER, source_settings
from tests.crawlers.conftest import report, source, stored_documents
from tests.helpers import ROOT, run_cli, write_sources

CHROMIUM = Path("/usr/bin/chromium")
needs_chromium = pytest.mark.skipif(not CHROMIUM.exists(), reason="scripts/test installs Debian's chromium")

LISTING = """    listing:
      item_links: "#resultados a::attr(href)"
    fields:
      title: "h1::text"
      body: "article.contenido"
      published: "time.publicado::attr(datetime)"
      deadline: "time.cierre::attr(datetime)"
      organization: ".entidad::text"
"""
BROWSER = LISTING + """    browser:
      wait_for: "#resultados a"
      next_click: "button.siguiente"
"""
# Fast and polite as the other crawler tests, with time for a browser to start on a busy machine.
CRAWLER = """crawler:
  user_agent: "ObservatorioTIC-tests/1.0 (+https://example.org/observatorio/contacto)"
  autothrottle: false
  timeout: {timeout}
  retries: 0
"""
TITLES = {
    "Adquisición de servidores para centro de datos municipal",
    "Servicio de ciberseguridad gestionada para la red institucional",
    "Plataforma de inteligencia artificial para atención ciudadana",
    "Sensores IoT para monitoreo de cultivos de café",
    "Migración de sistemas a la nube pública",
}


def catalogue(path: Path, *entries: str, timeout: float = 20) -> Path:
    write_sources(path, *entries)
    path.write_text(CRAWLER.format(timeout=timeout) + path.read_text(encoding="utf-8"), encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def crawled(tmp_path_factory, site):
    """The script-built listing crawled twice by a browser source, and once read plainly."""
    folder = tmp_path_factory.mktemp("browser")
    url = f"{site.base}/browser/index.html"
    two_pages = BROWSER.replace('      item_links: "#resultados a::attr(href)"\n',
                                '      item_links: "#resultados a::attr(href)"\n      max_pages: 2\n')
    scripted_notices = LISTING + """    browser:
      wait_for: "#resultados a"
      details_wait_for: "article.contenido:not(:empty)"
"""
    sources = catalogue(folder / "sources.yaml", source("fix_browser", "tender", "browser", url, BROWSER),
                        source("fix_plain", "tender", "html", url, LISTING),
                        source("fix_two_pages", "tender", "browser", url, two_pages),
                        source("fix_scripted_notices", "tender", "browser",
                               f"{site.base}/browser/fichas.html", scripted_notices),
                        source("fix_postback", "tender", "browser", f"{site.base}/browser/postback-1.html",
                               BROWSER))
    env = {"OBSERVATORIO_DATA_DIR": str(folder / "data")}
    first = run_cli("crawl", "--sources", str(sources), env=env)
    second = run_cli("crawl", "--sources", str(sources), "--source", "fix_browser", env=env)
    return first, second, stored_documents(folder / "data")


@needs_chromium
def test_the_browser_source_crawls_every_item_across_pages(crawled, site):
    first, _, documents = crawled
    assert first.returncode == 0, first.stderr
    assert report(first.stdout)["fix_browser"][:3] == ["ok", "5", "0"], first.stdout
    browser = [d for d in documents if d.source == "fix_browser"]
    assert {d.title for d in browser} == TITLES
    notice = next(d for d in browser if d.url.endswith("/browser/aviso-3.html"))
    assert notice.organizations == ["Ministerio de Ciencia, Innovación, Tecnología y Telecomunicaciones"]
    assert notice.deadline.isoformat().startswith("2026-04-22")
    # The browser asked the JSON endpoint for every page of results, as our crawler.
    for page in (1, 2, 3):
        (hit, *_) = site.requests_for(f"/browser/avisos-{page}.json")
        headers = {name.lower(): value for name, value in hit.headers.items()}
        assert headers["user-agent"].startswith("ObservatorioTIC-tests/1.0")


@needs_chromium
def test_the_same_listing_read_without_a_browser_has_no_links(crawled):
    first, _, documents = crawled
    assert report(first.stdout)["fix_plain"][0] == "failed"
    assert "the listing selector '#resultados a::attr(href)' matched no notice links" in first.stdout
    assert not [d for d in documents if d.source == "fix_plain"]


@needs_chromium
def test_clicks_stop_at_max_pages(crawled):
    first, _, _ = crawled
    # Four notices on two listing pages, not the fifth on the third; fix_browser indexed them first.
    assert report(first.stdout)["fix_two_pages"][:4] == ["ok", "0", "0", "4"], first.stdout


@needs_chromium
def test_a_next_button_that_submits_a_form_is_followed_too(crawled, site):
    first, _, _ = crawled
    # Four notices on two server-sent pages; fix_browser indexed them first.
    assert report(first.stdout)["fix_postback"][:4] == ["ok", "0", "0", "4"], first.stdout
    assert site.requests_for("/browser/postback-2.html?")


@needs_chromium
def test_notice_pages_built_by_script_are_rendered_with_details_wait_for(crawled):
    first, _, documents = crawled
    assert report(first.stdout)["fix_scripted_notices"][:2] == ["ok", "1"], first.stdout
    (notice,) = [d for d in documents if d.source == "fix_scripted_notices"]
    assert notice.title == "Equipo de videoconferencia para sedes regionales"
    assert "licencias de software" in notice.body


@needs_chromium
def test_a_second_run_renders_the_listing_again_and_keeps_fresh_notices(crawled):
    _, second, _ = crawled
    assert second.returncode == 0, second.stderr
    assert report(second.stdout)["fix_browser"][:4] == ["ok", "0", "0", "5"], second.stdout


@needs_chromium
def test_a_listing_on_a_private_address_is_refused(tmp_path, site):
    url = f"{site.base}/browser/index.html"
    sources = catalogue(tmp_path / "sources.yaml", source("fix_browser", "tender", "browser", url, BROWSER))
    run = run_cli("crawl", "--sources", str(sources),
                  env={"OBSERVATORIO_DATA_DIR": str(tmp_path / "data"), "OBSERVATORIO_ALLOW_PRIVATE": ""})
    assert run.returncode == 0, run.stderr
    assert report(run.stdout)["fix_browser"][0] == "failed"
    assert "127.0.0.1 resolves to the non-public address 127.0.0.1: refused" in run.stdout


@needs_chromium
def test_a_listing_that_never_appears_is_an_error_that_says_what_was_awaited(tmp_path, site):
    broken = BROWSER.replace('wait_for: "#resultados a"', 'wait_for: "#no-existe"')
    sources = catalogue(tmp_path / "sources.yaml",
                        source("fix_browser", "tender", "browser", f"{site.base}/browser/index.html", broken),
                        timeout=3)
    run = run_cli("crawl", "--sources", str(sources), env={"OBSERVATORIO_DATA_DIR": str(tmp_path / "data")})
    assert report(run.stdout)["fix_browser"][0] == "failed"
    assert "index.html: the page never showed '#no-existe' (waited 3 s)" in run.stdout


@pytest.mark.parametrize(("browser", "fragment"), [
    ('      wait_for: "#resultados a::attr(href)"\n',
     "browser.wait_for: '#resultados a::attr(href)' is not a CSS selector a browser can wait for or click"),
    ('      wait_for: "//ul[@id="\n', "browser.wait_for: '//ul[@id=' is not an XPath expression"),
    ('      next_click: "button.siguiente"\n', "browser.wait_for"),
    ('      wait_for: "a"\n      details_wait_for: "h1::text"\n', "browser.details_wait_for: 'h1::text'"),
    ('      wait_for: "a"\n      click: "button"\n', "browser.click: unknown key"),
])
def test_browser_actions_are_validated(tmp_path, browser, fragment):
    path = write_sources(tmp_path / "sources.yaml", source(
        "fix_browser", "tender", "browser", "https://example.org/", LISTING + "    browser:\n" + browser))
    with pytest.raises(ConfigError) as error:
        load_sources(path)
    assert fragment in str(error.value)


def test_only_a_browser_source_gets_the_browser_handler(tmp_path):
    path = write_sources(tmp_path / "sources.yaml",
                         source("fix_browser", "tender", "browser", "https://example.org/", BROWSER),
                         source("fix_html", "tender", "html", "https://example.org/", LISTING))
    browser, html = (source_settings(CrawlerOptions(), s) for s in load_sources(path))
    assert browser["DOWNLOAD_HANDLERS"] == {"http": BROWSER_HANDLER, "https": BROWSER_HANDLER}
    assert browser["PLAYWRIGHT_LAUNCH_OPTIONS"]["executable_path"] == "/usr/bin/chromium"
    assert not any(key.startswith(("PLAYWRIGHT_", "DOWNLOAD_HANDLERS")) for key in html)


def test_a_crawl_without_browser_sources_does_not_load_playwright():
    loaded = subprocess.run(
        [sys.executable, "-c", "import sys, crawlers.runner, web.cli; "
         "print(sorted(m for m in sys.modules if m.startswith(('playwright', 'scrapy_playwright.h'))))"],
        cwd=ROOT, capture_output=True, text=True, check=True)
    assert loaded.stdout.strip() == "[]"
