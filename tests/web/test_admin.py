"""The admin: disabled without a password, session login with CSRF, source health and history, run one
source now."""

import re
import time
from datetime import timedelta

import pytest

from core import clock
from crawlers.health import HealthStore, SourceRun
from tests.crawlers.test_crawl import source
from tests.helpers import run_cli, write_sources
from web import create_app

PASSWORD = "correct horse battery staple"


@pytest.fixture
def sources_file(tmp_path, fixture_server):
    return write_sources(tmp_path / "sources.yaml",
                         source("fix_rss", "funding_call", "feed", f"{fixture_server}/feeds/rss2.xml"),
                         source("fix_broken", "news", "feed", f"{fixture_server}/feeds/missing.xml"),
                         source("fix_untitled", "news", "feed", f"{fixture_server}/feeds/untitled.xml"))


@pytest.fixture
def admin_app(data_dir, sources_file):
    return create_app({"TESTING": True, "DATA_DIR": str(data_dir), "ADMIN_PASSWORD": PASSWORD,
                       "SOURCES_FILE": str(sources_file)})


def csrf_token(page: str) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)


def log_in(client, password: str = PASSWORD):
    token = csrf_token(client.get("/admin/login").get_data(as_text=True))
    return client.post("/admin/login", data={"password": password, "csrf_token": token})


@pytest.fixture
def admin(admin_app):
    client = admin_app.test_client()
    assert log_in(client).status_code == 302
    return client


def test_without_a_password_the_admin_is_disabled_with_a_clear_message(client):
    for url in ("/admin/", "/admin/login"):
        response = client.get(url)
        assert response.status_code == 503
        assert "OBSERVATORIO_ADMIN_PASSWORD" in response.get_data(as_text=True)
    assert client.post("/admin/login", data={"password": ""}).status_code in (400, 503)


def test_the_dashboard_needs_a_login(admin_app):
    response = admin_app.test_client().get("/admin/")
    assert response.status_code == 302 and response.headers["Location"].startswith("/admin/login")


def test_a_wrong_password_is_refused_and_repeated_failures_lock_out(admin_app):
    client = admin_app.test_client()
    for _ in range(5):
        response = log_in(client, "guess")
        assert response.status_code == 401 and "Contraseña incorrecta" in response.get_data(as_text=True)
    locked = log_in(client, PASSWORD)
    assert locked.status_code == 401 and "Demasiados intentos" in locked.get_data(as_text=True)


def test_every_post_needs_the_csrf_token(admin_app):
    client = admin_app.test_client()
    client.get("/admin/login")
    assert client.post("/admin/login", data={"password": PASSWORD}).status_code == 400
    assert log_in(client).status_code == 302
    assert client.post("/admin/sources/fix_rss/run").status_code == 400
    assert client.post("/admin/logout").status_code == 400


def test_a_run_needs_a_login_even_with_a_valid_csrf_token(admin_app, data_dir):
    client = admin_app.test_client()
    token = csrf_token(client.get("/admin/login").get_data(as_text=True))
    response = client.post("/admin/sources/fix_rss/run", data={"csrf_token": token})
    assert response.status_code == 302 and response.headers["Location"].startswith("/admin/login")
    assert HealthStore(data_dir / "health.db").health(["fix_rss"])[0].last_run is None


def test_login_then_logout(admin):
    assert admin.get("/admin/").status_code == 200
    token = csrf_token(admin.get("/admin/").get_data(as_text=True))
    assert admin.post("/admin/logout", data={"csrf_token": token}).status_code == 302
    assert admin.get("/admin/").status_code == 302


def test_dashboard_shows_source_health_and_taxonomy_status(admin, data_dir):
    store = HealthStore(data_dir / "health.db")
    start = clock.now() - timedelta(days=3)
    for day in range(3):
        began = start + timedelta(days=day)
        store.record(SourceRun("fix_broken", began, began + timedelta(minutes=1),
                               errors=["HTTP 404 on http://127.0.0.1/feeds/missing.xml"]))
    page = admin.get("/admin/").get_data(as_text=True)
    assert "fix_rss" in page and "Nunca ejecutada" in page
    assert "Fallando desde" in page and "3 fallos seguidos" in page and "HTTP 404 on" in page
    assert re.search(r"Válida: \d+ temas", page)


def test_a_broken_taxonomy_is_reported_with_file_and_line(admin_app, tmp_path):
    broken = tmp_path / "topics.yaml"
    broken.write_text("topics:\n  - slug: ai\n    label: {es: IA}\n")
    admin_app.config["TAXONOMY_FILE"] = str(broken)
    client = admin_app.test_client()
    log_in(client)
    page = client.get("/admin/").get_data(as_text=True)
    assert f"{broken}:3" in page and "Con errores" in page


def test_run_one_source_now_crawls_in_a_subprocess_and_shows_the_result(admin, data_dir):
    token = csrf_token(admin.get("/admin/").get_data(as_text=True))
    response = admin.post("/admin/sources/fix_rss/run", data={"csrf_token": token})
    assert response.status_code == 302
    run_page = response.headers["Location"]
    deadline = time.monotonic() + 120
    while "refresh" in (page := admin.get(run_page).get_data(as_text=True)) and time.monotonic() < deadline:
        time.sleep(0.5)
    assert "Terminado." in page and re.search(r"fix_rss\s+ok", page), page
    assert HealthStore(data_dir / "health.db").health(["fix_rss"])[0].last_run.status == "ok"
    assert "fix_rss" in admin.get("/admin/").get_data(as_text=True)


def test_an_unknown_source_cannot_be_run(admin):
    token = csrf_token(admin.get("/admin/").get_data(as_text=True))
    assert admin.post("/admin/sources/nope/run", data={"csrf_token": token}).status_code == 404
    assert admin.get("/admin/runs/nope").status_code == 404


def test_a_source_page_shows_what_each_run_skipped_and_why(admin, data_dir, sources_file):
    crawled = run_cli("crawl", "--sources", str(sources_file), "--source", "fix_untitled",
                      env={"OBSERVATORIO_DATA_DIR": str(data_dir)})
    assert crawled.returncode == 0, crawled.stderr
    assert HealthStore(data_dir / "health.db").runs("fix_untitled")[0].skipped == {
        "no link": 1, "no title or text": 1}
    dashboard = admin.get("/admin/").get_data(as_text=True)
    assert 'href="/admin/sources/fix_untitled#last-run">2</a>' in dashboard
    page = admin.get("/admin/sources/fix_untitled").get_data(as_text=True)
    assert "3 nuevos, 0 actualizados, 0 sin cambios, 0 fallidos, 2 omitidos" in page
    assert "<li>sin enlace: <strong>1</strong></li>" in page
    assert "<li>sin título ni texto: <strong>1</strong></li>" in page
    assert "Historial" in page and "sin enlace (1), sin título ni texto (1)" in page
    admin.get("/lang/en?next=/admin/")
    english = admin.get("/admin/sources/fix_untitled")
    assert "no title or text: <strong>1</strong>" in english.get_data(as_text=True)
    assert admin.get("/admin/sources/nope").status_code == 404
