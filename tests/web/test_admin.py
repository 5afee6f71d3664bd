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


def test_the_lockout_holds_across_workers(data_dir, sources_file):
    """Two apps on one data directory are two workers of `serve --workers 2`."""
    config = {"TESTING": True, "DATA_DIR": str(data_dir), "ADMIN_PASSWORD": PASSWORD,
              "SOURCES_FILE": str(sources_file)}
    first, second = create_app(config).test_client(), create_app(config).test_client()
    for client in (first, second, first, second, first):
        assert log_in(client, "guess").status_code == 401
    for client in (first, second):
        assert "Demasiados intentos" in log_in(client, PASSWORD).get_data(as_text=True)


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


def test_dashboard_shows_the_schedules_next_and_last_runs(admin, data_dir, monkeypatch, sources_file):
    from datetime import datetime

    from web.schedule import RunLog

    monkeypatch.setenv("OBSERVATORIO_CLOCK", "2026-12-02T12:01:00-06:00")  # a Wednesday, Costa Rica
    log = RunLog(data_dir / "schedule.db")
    slot = datetime.fromisoformat("2026-12-02T06:00:00-06:00")
    log.claim("crawl:fix_rss", slot, slot)
    log.finish("crawl:fix_rss", slot, slot + timedelta(minutes=2), 0)
    log.claim("crawl:fix_broken", slot, slot)
    log.finish("crawl:fix_broken", slot, slot + timedelta(minutes=2), 1)
    page = admin.get("/admin/").get_data(as_text=True)
    section = page[page.index('id="schedule"'):]
    rows = {m[0]: m[1] for m in re.findall(r'<th scope="row">([^<]+)</th>(.*?)</tr>', section, re.S)}
    from crawlers.config import load_sources

    crawls = {f"crawl:{source.id}" for source in load_sources(sources_file)}
    assert set(rows) == crawls | {"alerts", "digest", "firms"}
    assert "2026-12-02 18:00" in rows["crawl:fix_rss"]  # config/schedule.yaml: 06:00 and 18:00
    assert "2026-12-02 06:00 · terminada" in rows["crawl:fix_rss"]
    assert "falló (código 1)" in rows["crawl:fix_broken"]
    assert "2026-12-07 07:00" in rows["digest"] and "—" in rows["digest"]


def test_a_broken_schedule_is_reported_with_file_and_line(admin_app, tmp_path):
    broken = tmp_path / "schedule.yaml"
    broken.write_text('crawl: "0 6 * *"\n')
    admin_app.config["SCHEDULE_FILE"] = str(broken)
    client = admin_app.test_client()
    log_in(client)
    page = client.get("/admin/").get_data(as_text=True)
    assert f"{broken}:1" in page and "La programación tiene errores" in page


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


def test_a_run_started_on_one_worker_is_followed_on_another_and_a_second_start_is_refused(
        admin, admin_app, data_dir):
    other = create_app(dict(admin_app.config)).test_client()  # a second worker: same data directory
    assert log_in(other).status_code == 302
    token = csrf_token(admin.get("/admin/").get_data(as_text=True))
    run_page = admin.post("/admin/sources/fix_rss/run", data={"csrf_token": token}).headers["Location"]
    again = other.post("/admin/sources/fix_rss/run", data={"csrf_token": csrf_token(
        other.get("/admin/").get_data(as_text=True))}, follow_redirects=True).get_data(as_text=True)
    assert "Esa fuente ya se está rastreando." in again
    deadline = time.monotonic() + 120
    while "refresh" in (page := other.get(run_page).get_data(as_text=True)) and time.monotonic() < deadline:
        time.sleep(0.5)
    assert "Terminado." in page and re.search(r"fix_rss\s+ok", page), page
    assert run_page.rsplit("/", 1)[1] in other.get("/admin/").get_data(as_text=True)


def test_a_run_whose_process_was_killed_says_interrupted(admin, data_dir):
    import json
    import subprocess
    import sys

    folder = data_dir / "admin-runs"
    folder.mkdir()
    gone = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                          capture_output=True, text=True)  # a process that has ended
    record = {"id": "20261204T050000-0123abcd", "source": "fix_rss", "pid": int(gone.stdout),
              "started": "2026-12-04T05:00:00+00:00"}
    (folder / "20261204T050000-0123abcd.json").write_text(json.dumps(record))
    page = admin.get("/admin/runs/20261204T050000-0123abcd").get_data(as_text=True)
    assert "Interrumpido" in page and "refresh" not in page
    assert admin.get("/admin/runs/..%2Fsecret_key").status_code == 404


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


def test_the_dashboard_lists_disabled_addresses_and_messages_in_doubt(admin, data_dir):
    from email.message import EmailMessage

    from web.outbox import Outbox

    outbox = Outbox(data_dir / "outbox.db")
    message = EmailMessage()
    message["To"], message["Subject"] = "dora@example.org", "Resumen"
    assert outbox._claim("digest:2026-W48:dora@example.org", message) == "claimed"  # then a crash
    with outbox._db() as db:
        db.execute("INSERT INTO disabled VALUES ('nadie@example.org', '550 no such user', '2026-12-01')")
    page = admin.get("/admin/").get_data(as_text=True)
    section = page[page.index('id="mail"'):]
    assert "nadie@example.org" in section and "550 no such user" in section
    assert "dora@example.org" in section and "digest:2026-W48:dora@example.org" in section
