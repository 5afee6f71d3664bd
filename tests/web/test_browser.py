"""The UI in a real headless chromium (Debian's, driven by Playwright) against a real server.

The server is waitress in a thread, seeded by crawling the bundled demo site with the real CLI
(plus the hostile document); screenshots go to test-output/screenshots/.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from search.backend import get_backend
from tests.helpers import ROOT, run_cli
from tests.web.conftest import HOSTILE, HOSTILE_TITLE

playwright_api = pytest.importorskip("playwright.sync_api")

CHROMIUM = Path("/usr/bin/chromium")
SCREENSHOTS = ROOT / "test-output" / "screenshots"
PASSWORD = "contraseña-de-prueba"
PAGES = ["/", "/?q=inteligencia+artificial", "/opportunities", "/topics", "/topics/ai", "/trends",
         "/items/hostile", "/admin/login", "/digest", "/?q=ciberseguridad&kind=tender"]

pytestmark = pytest.mark.skipif(not CHROMIUM.exists(), reason="scripts/test installs Debian's chromium")


@pytest.fixture(scope="module")
def folder(tmp_path_factory) -> Path:
    """The data directory the server runs on."""
    return tmp_path_factory.mktemp("browser")


@pytest.fixture(scope="module")
def server(folder, demo_site) -> Iterator[str]:
    """The app on waitress, on a free port, over a data directory the real crawler filled."""
    import waitress

    from crawlers.config import demo_sources, load_sources
    from web import create_app
    from web.commands import write_catalogue

    catalogue = write_catalogue(load_sources(demo_sources(), base_url=demo_site), folder / "sources.yaml")
    crawl = run_cli("crawl", "--sources", str(catalogue), env={"OBSERVATORIO_DATA_DIR": str(folder)})
    assert crawl.returncode == 0, crawl.stderr
    backend = get_backend("sqlite", path=folder / "observatorio.db")
    backend.upsert([HOSTILE])
    backend.close()
    app = create_app({"DATA_DIR": str(folder), "ADMIN_PASSWORD": PASSWORD, "SOURCES_FILE": str(catalogue)})
    server = waitress.create_server(app, host="127.0.0.1", port=0, threads=4)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.effective_port}"
    server.close()


@pytest.fixture(scope="module")
def browser():
    with playwright_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True,
                                             args=["--no-sandbox", "--disable-background-networking"])
        yield browser
        browser.close()


@pytest.fixture
def page(browser):
    """A fresh page that fails the test on any console error (a CSP violation is one) or dialog."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    problems: list[str] = []
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    page.on("dialog", lambda d: (problems.append(f"dialog: {d.message}"), d.dismiss()))
    page.on("pageerror", lambda e: problems.append(str(e)))
    yield page
    context.close()
    assert problems == []


def shot(page, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)


def test_search_then_click_a_facet(server, page):
    page.goto(server)
    page.get_by_label("Buscar convocatorias, licitaciones y noticias").fill("inteligencia artificial")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"q=inteligencia"))
    total = int(re.search(r"\d+", page.locator("#total").inner_text()).group())
    assert total >= 10 and page.locator("mark").count() > 0
    shot(page, "search")
    facet = page.locator("aside.facets a", has_text="Ciberseguridad").first
    facet.click()
    page.wait_for_url(re.compile(r"topic=cybersecurity"))
    assert page.locator("aside.facets a[aria-current=true]").inner_text().startswith("Ciberseguridad")
    filtered = int(re.search(r"\d+", page.locator("#total").inner_text()).group())
    assert 0 < filtered < total
    cards = page.locator("ol.hits article")
    assert all("Ciberseguridad" in cards.nth(i).inner_text() for i in range(cards.count()))
    shot(page, "search-facet")


def test_open_an_item_and_see_why(server, page):
    page.goto(f"{server}/?q=servidores+GPU")
    link = page.locator("ol.hits h2 a").first
    title = link.inner_text()
    link.click()
    page.wait_for_url(re.compile(r"/items/"))
    assert page.locator("h1").inner_text() == title
    assert page.get_by_role("heading", name="Temas y por qué").is_visible()
    assert "Porque el texto menciona" in page.locator("section.why").inner_text()
    assert page.get_by_role("link", name="ver el original").get_attribute("href").startswith("http")
    shot(page, "item")


def test_switch_language_and_back(server, page):
    page.goto(f"{server}/opportunities")
    assert page.locator("html").get_attribute("lang") == "es"
    page.get_by_role("link", name="English").click()
    page.wait_for_load_state()
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.url.endswith("/opportunities") and page.locator("h1").inner_text() == "Open opportunities"
    assert re.search(r"Closes (today|tomorrow|in \d+ days)", page.locator("ol.board").inner_text())
    assert re.search(r"₡\d{1,3}(,\d{3})+", page.locator("ol.board").inner_text())
    shot(page, "opportunities-en")
    page.get_by_role("link", name="Español").click()
    page.wait_for_load_state()
    assert page.locator("h1").inner_text() == "Oportunidades abiertas"
    assert re.search(r"₡\d{1,3}(\.\d{3})+", page.locator("ol.board").inner_text())


def test_log_into_the_admin_and_run_one_source(server, page):
    page.goto(f"{server}/admin/")
    page.wait_for_url(re.compile(r"/admin/login"))
    page.get_by_label("Contraseña").fill(PASSWORD)
    page.get_by_role("button", name="Entrar").click()
    page.wait_for_url(re.compile(r"/admin/$"))
    table = page.locator("table.health")
    assert "demo_zonasur_avisos" in table.inner_text() and "OK" in table.inner_text()
    assert "Válida" in page.locator("section", has_text="Taxonomía").inner_text()
    shot(page, "admin")
    page.locator('a[href="/admin/sources/demo_zonasur_avisos"]').click()
    page.wait_for_url(re.compile(r"/admin/sources/"))
    main = page.locator("main").inner_text()
    assert "Historial" in main and "omitidos" in main
    shot(page, "admin-source")
    page.go_back()
    row = page.locator("tr", has_text="demo_zonasur_avisos")
    row.get_by_role("button", name=re.compile("Ejecutar ahora")).click()
    page.wait_for_url(re.compile(r"/admin/runs/"))
    page.get_by_text("Terminado.").wait_for(timeout=120_000)  # the page refreshes itself while running
    assert re.search(r"demo_zonasur_avisos\s+ok", page.locator("pre.log").inner_text())
    shot(page, "admin-run")


def test_hostile_markup_is_shown_as_text_and_never_runs(server, page):
    page.goto(f"{server}/items/hostile")
    assert page.locator("h1").inner_text() == HOSTILE_TITLE
    assert page.locator("h1 img, h1 script").count() == 0
    page.goto(f"{server}/?q=inteligencia&kind=funding_call")
    assert HOSTILE_TITLE in page.locator("ol.hits").inner_text()
    shot(page, "hostile")


def test_keyboard_users_can_skip_to_the_content_and_reach_every_control(server, page):
    page.goto(server)
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "Saltar al contenido"
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"
    unlabelled = page.evaluate("""[...document.querySelectorAll('input:not([type=hidden]), select')]
        .filter(e => !e.labels.length && !e.getAttribute('aria-label')).map(e => e.name)""")
    assert unlabelled == []


@pytest.mark.parametrize("path", PAGES)
def test_every_page_fits_a_360_px_phone(server, browser, path):
    context = browser.new_context(viewport={"width": 360, "height": 740}, is_mobile=True)
    page = context.new_page()
    page.goto(server + path)
    assert page.evaluate("document.documentElement.scrollWidth") <= 360, path
    name = path.strip("/").replace("/", "-").split("?")[0] or "search"
    shot(page, f"mobile-{name}{'-results' if '?' in path else ''}")
    context.close()


def test_subscribe_to_a_topic_confirm_receive_an_alert_and_unsubscribe(server, folder, page, inbox,
                                                                         monkeypatch):
    from datetime import timedelta

    from core import clock
    from tests.search.test_backend_contract import doc
    from tests.web.test_subscriptions import add_documents, alerts, links_in, text_of

    page.goto(f"{server}/topics/ai")
    form = page.locator("form.subscribe-mail")
    form.get_by_label("Correo electrónico").fill("ana@example.org")
    form.get_by_label("Frecuencia").select_option("daily")
    form.get_by_role("button", name="Suscribirme").click()
    page.get_by_role("heading", name="Revise su correo").wait_for()
    assert "ana@example.org" not in page.content()
    shot(page, "subscribe-sent")
    (confirmation,) = inbox.messages
    page.goto(links_in(confirmation)[0])
    page.get_by_role("button", name="Confirmar").click()
    page.get_by_role("heading", name="Suscripción confirmada").wait_for()
    assert len(inbox.messages) == 1

    monkeypatch.setenv("OBSERVATORIO_DATA_DIR", str(folder))
    new = doc("browser-ai", "Convocatoria nueva de inteligencia artificial", topics=["ai"],
              published=clock.now() - timedelta(hours=1))
    add_documents(folder, new)
    assert "alerts sent to 1 of 1" in alerts()
    alert = inbox.messages[1]
    assert new.title in text_of(alert) and alert["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    page.goto(alert["List-Unsubscribe"].strip().strip("<>"))
    page.get_by_role("button", name="Darme de baja").click()
    page.get_by_role("heading", name="Suscripción cancelada").wait_for()
    shot(page, "unsubscribed")
