"""The weekly digest's content, built from a real SQLite index."""

import json
from datetime import UTC, date, datetime, time, timedelta
from email import message_from_string

import pytest
from aiosmtpd.controller import Controller

from search.backend import get_backend
from search.errors import InvalidQuery
from tests.helpers import free_port, run_cli
from tests.search.test_backend_contract import doc
from web import create_app
from web.digest import build_digest, iso_week, parse_week, render

MONDAY = date(2026, 11, 16)  # ISO week 2026-W47


def at(day: date) -> datetime:
    return datetime.combine(day, time(12), UTC)


@pytest.fixture
def backend(data_dir):
    docs = [
        # blockchain busy one to two months ago, quiet since; AI busy these last weeks
        *(doc(f"bc{i}", f"Blockchain {i}", topics=["blockchain"],
              published=at(MONDAY - timedelta(days=24 + 7 * (i % 4)))) for i in range(24)),
        *(doc(f"ai-old{i}", f"IA {i}", topics=["ai"], published=at(MONDAY - timedelta(days=6 + 7 * (i % 3))))
          for i in range(8)),
        doc("ai1", "Fondo de IA", kind="funding_call", topics=["ai"], published=at(MONDAY),
            deadline=MONDAY + timedelta(days=10)),
        doc("ai2", "Licitación de IA", kind="tender", topics=["ai"], published=at(MONDAY + timedelta(days=2)),
            deadline=MONDAY + timedelta(days=40)),
        doc("ai3", "Noticia de IA", topics=["ai", "data"], published=at(MONDAY + timedelta(days=3))),
        doc("old-open", "Convocatoria anterior", kind="funding_call", topics=["iot"],
            published=at(MONDAY - timedelta(days=30)), deadline=MONDAY + timedelta(days=12)),
        doc("closed", "Cerrada durante la semana", kind="tender", topics=["ai"],
            published=at(MONDAY + timedelta(days=1)), deadline=MONDAY + timedelta(days=4)),
    ]
    backend = get_backend("sqlite")
    backend.upsert(docs)
    with create_app({"TESTING": True, "DATA_DIR": str(data_dir)}).app_context():  # the taxonomy's topics
        yield backend
    backend.close()


def test_weeks_parse_and_default_to_the_last_complete_one():
    assert parse_week("2026-W47") == ("2026-W47", MONDAY)
    assert parse_week(None, today=date(2026, 11, 25)) == ("2026-W47", MONDAY)
    assert parse_week(None, today=date(2026, 11, 23)) == ("2026-W47", MONDAY)
    for bad in ("2026-47", "2026-W54", "last week", "2026-W00"):
        with pytest.raises(InvalidQuery, match="ISO week"):
            parse_week(bad)


def test_the_digest_counts_new_items_lists_open_ones_and_closing_soon(backend):
    digest = build_digest(backend, "2026-W47")
    assert digest.new_by_kind == {"funding_call": 1, "news": 1, "tender": 2}
    assert [d.id for d in digest.opportunities] == ["ai1", "ai2"]
    assert [d.id for d in digest.news] == ["ai3"]
    assert [d.id for d in digest.closing_soon] == ["ai1", "old-open"]


def test_rising_and_falling_topics_are_the_significant_ones(backend):
    digest = build_digest(backend, "2026-W47")
    assert [(t.slug, t.count, t.baseline_mean) for t in digest.rising] == [("ai", 12, 0)]
    assert [(t.slug, t.count, t.baseline_mean) for t in digest.falling] == [("blockchain", 0, 12)]
    assert all(t.p_value < 0.05 for t in digest.rising + digest.falling)  # data 1 vs 0, iot 0 vs 1: steady
    assert digest.to_dict()["rising"][0]["topic"] == "ai"


def test_a_working_group_digest_covers_its_topics_only(backend):
    digest = build_digest(backend, "2026-W47", topics=("blockchain",))
    assert digest.new_by_kind == {} and digest.opportunities == [] and digest.rising == []
    assert [t.slug for t in digest.falling] == ["blockchain"]


def hostile_week() -> str:
    from tests.web.conftest import HOSTILE

    return iso_week(HOSTILE.published.date())


def test_the_page_and_its_formats(client):
    week = hostile_week()
    page = client.get(f"/digest/{week}")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert f"Resumen semanal {week}" in html and "Lo nuevo de la semana" in html
    assert 'rel="prev"' in html and f"/digest/{week}.md" in html
    markdown = client.get(f"/digest/{week}.md")
    assert markdown.mimetype == "text/markdown"
    assert markdown.get_data(as_text=True).startswith("# Observatorio")
    data = client.get(f"/digest/{week}.json").get_json()
    assert data["week"] == week and "hostile" in [d["id"] for d in data["opportunities"]]
    assert client.get("/digest").status_code == 302


def test_crawled_markup_stays_text_in_every_format(client, app):
    week = hostile_week()
    for url in (f"/digest/{week}", f"/digest/{week}.md", f"/digest/{week}.json"):
        body = client.get(url).get_data(as_text=True)
        assert "<script" not in body and "<img" not in body, url
        assert "onerror=alert(1)" in body.replace("\\", ""), url
    with app.test_request_context():
        email = render(build_digest(get_backend("sqlite", path=app.config["DATA_DIR"] + "/observatorio.db"),
                                    week), "html")
    assert "&lt;script&gt;" in email and "<script" not in email
    assert 'href="javascript' not in email


def test_english_digest(english):
    assert "Weekly digest" in english.get(f"/digest/{hostile_week()}").get_data(as_text=True)


@pytest.mark.parametrize("url", ["/digest/2026-47", "/digest/2026-W60", "/digest/2026-W47.pdf",
                                 "/digest/2026-W47?topic=AI!", "/digest/2026-W47?colour=red"])
def test_bad_weeks_formats_and_parameters_are_400(client, url):
    assert client.get(url).status_code == 400


def test_cli_prints_and_sends(data_dir, tmp_path):
    from tests.web.conftest import seed
    from tests.web.test_mail import Inbox

    seed(data_dir)
    week = hostile_week()
    printed = run_cli("digest", "--week", week, "--format", "md")
    assert printed.returncode == 0
    assert printed.stdout.startswith(f"# Observatorio TIC Zona Sur — Resumen semanal {week}")
    assert json.loads(run_cli("digest", "--week", week, "--format", "json").stdout)["week"] == week

    subscribers = tmp_path / "subscribers.yaml"
    subscribers.write_text("subscribers:\n  - {email: comision@example.org, name: Comisión}\n"
                           "  - {email: ia@example.org, lang: en, topics: [ai]}\n"
                           "  - {email: nobody@example.org}\n")
    inbox, port = Inbox(), free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        sent = run_cli("digest", "--week", week, "--send", "--subscribers", str(subscribers),
                       env={"OBSERVATORIO_SMTP_URL": f"smtp://127.0.0.1:{port}?from=obs@example.org"})
    finally:
        controller.stop()
    assert sent.returncode == 1, sent.stderr
    assert "digest sent to 2 of 3 subscriber(s)" in sent.stdout and "refused" in sent.stdout
    (spanish, english) = [message_from_string(m[2]) for m in inbox.messages]
    assert spanish["Subject"] == f"Observatorio TIC: resumen semanal {week}"
    assert english["Subject"] == f"Observatorio TIC: weekly digest {week}"
    assert {part.get_content_type() for part in english.walk()} >= {"text/plain", "text/html"}


def test_sending_without_smtp_or_subscribers_is_a_clear_error(data_dir, tmp_path):
    empty = tmp_path / "subscribers.yaml"
    empty.write_text("subscribers: []\n")
    smtp = {"OBSERVATORIO_SMTP_URL": "smtp://127.0.0.1:1"}
    result = run_cli("digest", "--send", "--subscribers", str(empty), env=smtp)
    assert result.returncode == 2 and "no subscribers" in result.stderr
    bad = tmp_path / "bad.yaml"
    bad.write_text("subscribers:\n  - {email: not-an-address}\n")
    result = run_cli("digest", "--send", "--subscribers", str(bad), env=smtp)
    assert result.returncode == 2 and f"{bad}:2: subscribers[0].email" in result.stderr
    unset = run_cli("digest", "--send", "--subscribers", str(empty), env={"OBSERVATORIO_SMTP_URL": ""})
    assert unset.returncode == 2 and "OBSERVATORIO_SMTP_URL: is not set" in unset.stderr


def test_an_unreachable_smtp_server_is_a_failure_not_a_usage_error(data_dir, tmp_path):
    """Exit 1 (the command ran and sending failed), not 2 (the command was asked wrongly)."""
    one = tmp_path / "subscribers.yaml"
    one.write_text("subscribers:\n  - {email: a@example.org}\n")
    result = run_cli("digest", "--send", "--subscribers", str(one),
                     env={"OBSERVATORIO_SMTP_URL": "smtp://127.0.0.1:1"})
    assert result.returncode == 1, result.stderr
    assert "could not send through 127.0.0.1:1" in result.stderr
