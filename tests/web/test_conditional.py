"""Conditional GETs and the answer cache: 304 for readers that have the answer, fresh answers as
soon as the index or the day changes."""

from __future__ import annotations

from datetime import timedelta

import pytest

from search.backend import get_backend
from search.sqlite import SQLiteBackend
from tests.search.test_backend_contract import NOW, doc

POLLED = ["/search.atom?q=inteligencia", "/topics/ai/feed.atom", "/opportunities.ics", "/search.csv",
          "/api/search?q=fondo", "/api/trends", "/", "/opportunities", "/topics", "/topics/ai", "/trends",
          "/items/full-call"]


def get(client, url: str, **headers: str):
    """A GET read to the end and closed, as a real client does (a streamed answer holds its
    request's context until then)."""
    response = client.get(url, headers=headers)
    response.get_data()
    response.close()
    return response


@pytest.mark.parametrize("url", POLLED)
def test_a_reader_that_has_the_answer_gets_304_until_a_crawl_writes(client, data_dir, url):
    first = get(client, url)
    assert first.status_code == 200 and first.headers["ETag"].startswith('W/"')
    assert "no-cache" in first.headers["Cache-Control"] and "Cookie" in first.headers["Vary"]
    again = get(client, url, **{"If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304 and again.data == b"" and again.headers["ETag"] == first.headers["ETag"]
    writer = get_backend("sqlite", path=data_dir / "observatorio.db")  # a crawl in another process
    writer.upsert([doc("new-one", "Nueva convocatoria de inteligencia artificial", topics=["ai"])])
    writer.close()
    after = get(client, url, **{"If-None-Match": first.headers["ETag"]})
    assert after.status_code == 200 and after.headers["ETag"] != first.headers["ETag"]


def test_the_language_and_the_day_change_the_answer(client, monkeypatch):
    spanish = client.get("/topics").headers["ETag"]
    client.get("/lang/en")
    english = client.get("/topics", headers={"If-None-Match": spanish})
    assert english.status_code == 200 and english.headers["ETag"] != spanish
    monkeypatch.setenv("OBSERVATORIO_CLOCK", "2099-01-01T12:00:00-06:00")
    tomorrow = client.get("/topics", headers={"If-None-Match": english.headers["ETag"]})
    assert tomorrow.status_code == 200 and tomorrow.headers["ETag"] != english.headers["ETag"]


def test_the_admin_and_errors_are_never_conditional(client):
    assert "ETag" not in client.get("/admin/login").headers
    assert "ETag" not in client.get("/items/missing").headers
    assert "ETag" not in client.get("/api/search?size=0").headers  # a 400


def test_a_question_asked_again_in_the_same_generation_is_answered_from_the_cache(app, data_dir, monkeypatch):
    asked = []
    real = SQLiteBackend.search
    monkeypatch.setattr(SQLiteBackend, "search", lambda self, query: asked.append(query) or real(self, query))
    client = app.test_client()
    first = client.get("/?q=ciberseguridad").get_data(as_text=True)
    computed = len(asked)
    assert computed and client.get("/?q=ciberseguridad").get_data(as_text=True) == first
    assert len(asked) == computed  # nothing asked of the index the second time
    writer = get_backend("sqlite", path=data_dir / "observatorio.db")
    writer.upsert([doc("fresh", "Licitación de ciberseguridad nueva", kind="tender")])
    writer.close()
    assert "/items/fresh" in client.get("/?q=ciberseguridad").get_data(as_text=True)
    assert len(asked) > computed


def test_with_the_answer_cache_off_every_answer_is_computed_and_none_is_conditional(data_dir, monkeypatch):
    from web import create_app

    asked = []
    real = SQLiteBackend.search
    monkeypatch.setattr(SQLiteBackend, "search", lambda self, query: asked.append(query) or real(self, query))
    monkeypatch.setenv("OBSERVATORIO_ANSWER_CACHE", "off")
    client = create_app({"TESTING": True, "DATA_DIR": str(data_dir)}).test_client()
    first = get(client, "/?q=ciberseguridad")
    computed = len(asked)
    assert first.status_code == 200 and "ETag" not in first.headers and computed
    again = get(client, "/?q=ciberseguridad", **{"If-None-Match": "*"})
    assert again.status_code == 200 and again.data == first.data and len(asked) == 2 * computed


def test_a_polled_calendar_is_rendered_once_per_generation_for_every_reader(app, data_dir, monkeypatch):
    from web import renderers

    rendered = []
    real = renderers.icalendar
    monkeypatch.setattr(renderers, "icalendar", lambda *args: rendered.append(1) or real(*args))
    readers = [app.test_client() for _ in range(3)]
    bodies = {get(reader, "/opportunities.ics").data for reader in readers}
    assert len(rendered) == 1 and len(bodies) == 1 and b"BEGIN:VCALENDAR" in bodies.pop()
    writer = get_backend("sqlite", path=data_dir / "observatorio.db")
    late = doc("late-call", "Convocatoria tardía", kind="funding_call", deadline=NOW + timedelta(days=3))
    writer.upsert([late])
    writer.close()
    assert b"Convocatoria tard" in get(readers[0], "/opportunities.ics").data and len(rendered) == 2


def test_workers_share_what_one_of_them_rendered(app, data_dir, monkeypatch):
    from web import create_app, renderers

    rendered = []
    real = renderers.icalendar
    monkeypatch.setattr(renderers, "icalendar", lambda *args: rendered.append(1) or real(*args))
    other_worker = create_app({"TESTING": True, "DATA_DIR": str(data_dir)})
    bodies = {get(worker.test_client(), "/opportunities.ics").data for worker in (app, other_worker)}
    assert len(rendered) == 1 and len(bodies) == 1


def test_only_the_current_generations_answers_are_kept_within_a_budget(tmp_path):
    from web.conditional import RenderedAnswers

    answers = RenderedAnswers(tmp_path / "answers.db", budget=8 * 1000)
    answers.put("old", "generation 1", b"x" * 100, {"Content-Type": "text/html"})
    answers.put("new", "generation 2", b"y" * 100, {"Content-Type": "text/html"})
    assert answers.get("old") is None and answers.get("new") == (b"y" * 100, {"Content-Type": "text/html"})
    answers.put("huge", "generation 2", b"z" * 1001, {})  # over an eighth of the budget: not kept
    assert answers.get("huge") is None
    for n in range(10):
        answers.put(f"page-{n}", "generation 2", b"p" * 900, {})
    assert answers.get("page-9") is not None and answers.get("new") is None  # the oldest went first


def test_a_data_directory_that_cannot_keep_answers_still_serves(app, data_dir):
    (data_dir / "answers.db").unlink()
    (data_dir / "answers.db").mkdir()  # not a database: every read and write fails
    client = app.test_client()
    assert [get(client, "/opportunities").status_code for _ in range(2)] == [200, 200]


def test_a_full_data_directory_only_means_rendering_each_time(app, monkeypatch):
    from core.errors import DataDirError
    from web.conditional import RenderedAnswers

    def full(self):  # what core.statefile raises when the file system refuses a write
        raise DataDirError("cannot write answers.db (OBSERVATORIO_DATA_DIR): database or disk is full")

    monkeypatch.setattr(RenderedAnswers, "_db", full)
    client = app.test_client()
    assert [get(client, "/topics").status_code for _ in range(2)] == [200, 200]


def test_threads_asking_the_same_question_at_once_compute_it_once(monkeypatch):
    import threading
    import time

    from web import backend

    monkeypatch.setattr(backend, "answers_state", lambda: "generation 1")
    cache, calls, started, release = backend.AnswerCache(), [], threading.Event(), threading.Event()

    def search():
        calls.append(1)
        started.set()
        release.wait(30)
        return "answer"

    answers = []
    threads = [threading.Thread(target=lambda: answers.append(cache.get("topic ai", search)))
               for _ in range(5)]
    threads[0].start()
    started.wait(30)
    for thread in threads[1:]:
        thread.start()
    time.sleep(0.2)  # let them queue behind the first (were they late, they would find the answer)
    release.set()
    for thread in threads:
        thread.join(30)
    assert answers == ["answer"] * 5 and len(calls) == 1
