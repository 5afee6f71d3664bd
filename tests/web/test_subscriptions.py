"""Self-service subscriptions over HTTP, with a real local SMTP server: subscribe, confirm, receive,
unsubscribe; signed links; rate limits; addresses kept private; the digest to subscriptions."""

from __future__ import annotations

import io
import re
import time
from datetime import timedelta
from email.message import EmailMessage

import pytest
from itsdangerous.timed import TimestampSigner

from core import clock
from search.backend import get_backend
from tests.helpers import run_cli
from tests.search.test_backend_contract import doc
from web.commands import send_alerts
from web.subscriptions import Subscriptions

ANA = "ana@example.org"
LINK = re.compile(r"https?://\S+")


def text_of(message: EmailMessage) -> str:
    return message.get_body(("plain",)).get_content()


def links_in(message: EmailMessage) -> list[str]:
    return LINK.findall(text_of(message))


def path_of(url: str) -> str:
    return re.sub(r"^https?://[^/]+", "", url)


def subscribe(client, **form) -> tuple[int, str]:
    response = client.post("/subscribe", data={"email": ANA, "frequency": "daily", **form})
    return response.status_code, response.get_data(as_text=True)


def confirm(client, url: str) -> str:
    response = client.get(path_of(url))
    page = response.get_data(as_text=True)
    assert "Confirmar" in page and "csrf_token" in page  # a GET changes nothing: scanners open links
    assert "ETag" not in response.headers  # its form is this session's: never cached for another
    token = re.search(r'name="csrf_token" value="([^"]+)"', page)[1]
    return client.post(path_of(url), data={"csrf_token": token}).get_data(as_text=True)


def add_documents(data_dir, *documents) -> None:
    backend = get_backend("sqlite", path=data_dir / "observatorio.db")
    backend.upsert(list(documents))
    backend.close()


def alerts() -> str:
    out = io.StringIO()
    send_alerts(True, out)
    return out.getvalue()


NEW_CALL = doc("new-cyber", "Nueva convocatoria de ciberseguridad para pymes", topics=["cybersecurity"],
               kind="funding_call", published=clock.now() - timedelta(hours=1))
NEW_NEWS = doc("new-cyber-news", "Ataque de ransomware en una municipalidad", topics=["cybersecurity"],
               published=clock.now() - timedelta(hours=2))
OTHER = doc("new-cloud", "Servidores en la nube para el cantón", topics=["cloud"],
            published=clock.now() - timedelta(hours=1))


def test_subscribe_confirm_receive_and_unsubscribe_in_one_click(client, data_dir, inbox):
    status, page = subscribe(client, kind="topic", topic="cybersecurity")
    assert status == 200 and "Revise su correo" in page and ANA not in page
    (confirmation,) = inbox.messages
    assert confirmation["To"] == ANA and "Tema: Ciberseguridad (diario)" in text_of(confirmation)
    assert "alerts sent to 0 of 0" in alerts() and len(inbox.messages) == 1  # nothing before confirmation

    assert "Suscripción confirmada" in confirm(client, links_in(confirmation)[0])
    assert "0 new" in alerts() and len(inbox.messages) == 1  # what matched already is not news

    add_documents(data_dir, NEW_CALL, NEW_NEWS, OTHER)
    confirm(client, links_in(confirmation)[0])  # a second click: what is new stays new
    assert "alerts sent to 1 of 1" in alerts()
    (alert,) = inbox.messages[1:]
    body = text_of(alert)
    assert NEW_CALL.title in body and NEW_NEWS.title in body and OTHER.title not in body
    assert "Fondo PROPYME" not in body  # matched before confirmation
    assert alert["Subject"] == "Observatorio TIC: 2 documentos nuevos · Tema: Ciberseguridad (diario)"
    assert alert["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    unsubscribe = alert["List-Unsubscribe"].strip().strip("<>")
    assert unsubscribe in body and "/subscriptions/manage/" in body
    assert "alerts sent to 0 of 1" in alerts() and len(inbox.messages) == 2  # a rerun: nothing again

    mail_client = client.application.test_client()  # no session, no CSRF token: RFC 8058
    response = mail_client.post(path_of(unsubscribe), data={"List-Unsubscribe": "One-Click"})
    assert response.status_code == 200 and "Suscripción cancelada" in response.get_data(as_text=True)
    later = doc("later-cyber", "Otra convocatoria de ciberseguridad", topics=["cybersecurity"],
                published=clock.now())
    add_documents(data_dir, later)
    assert "alerts sent to 0 of 0" in alerts() and len(inbox.messages) == 2


def test_a_saved_search_alerts_only_what_matches_it(client, data_dir, inbox):
    page = client.get("/?q=ciberseguridad&kind=funding_call&page=1").get_data(as_text=True)
    query = re.search(r'name="query" value="([^"]+)"', page)[1].replace("&amp;", "&")
    assert query == "kind=funding_call&q=ciberseguridad"  # canonical: sorted, no page
    assert subscribe(client, kind="search", query=query, frequency="weekly")[0] == 200
    confirm(client, links_in(inbox.messages[0])[0])
    add_documents(data_dir, NEW_CALL, NEW_NEWS, OTHER)
    alerts()
    body = text_of(inbox.messages[1])
    assert NEW_CALL.title in body and NEW_NEWS.title not in body and OTHER.title not in body
    assert "Búsqueda: «ciberseguridad» · kind: funding_call (semanal)" in body


def test_links_for_another_purpose_altered_or_expired_are_refused(client, app, inbox, monkeypatch):
    subscribe(client, kind="topic", topic="ai")
    confirm_url = links_in(inbox.messages[0])[0]
    token = confirm_url.rsplit("/", 1)[1]
    for path in (f"/unsubscribe/{token}", f"/subscriptions/manage/{token}",
                 f"/subscriptions/confirm/{token[:-2]}xx"):
        assert client.get(path).status_code == 400, path
    from web import tokens

    old = int(time.time()) - int(timedelta(days=8).total_seconds())
    with app.test_request_context():
        monkeypatch.setattr(TimestampSigner, "get_timestamp", lambda self: old)
        expired = tokens.sign("confirm", 1)
        monkeypatch.undo()
    page = client.get(f"/subscriptions/confirm/{expired}")
    assert page.status_code == 400 and "caducado" in page.get_data(as_text=True)
    assert Subscriptions(app.config["DATA_DIR"] + "/subscriptions.db").get(1).confirmed_at is None


def test_asking_again_after_the_link_expired_sends_a_new_one(client, inbox, monkeypatch):
    subscribe(client, kind="topic", topic="ai")
    monkeypatch.setenv("OBSERVATORIO_CLOCK", (clock.now() + timedelta(days=8)).isoformat())
    subscribe(client, kind="topic", topic="ai")
    assert len(inbox.messages) == 2  # one a day: a lost or expired link can be asked for again
    assert "Suscripción confirmada" in confirm(client, links_in(inbox.messages[1])[0])


def test_requests_are_limited_per_address_and_per_client(client, data_dir, inbox):
    assert [subscribe(client, kind="digest")[0] for _ in range(4)] == [200, 200, 200, 429]
    assert "Demasiadas solicitudes" in subscribe(client, kind="digest")[1]
    assert len(inbox.messages) == 1  # the same request again: one confirmation a day
    others = [subscribe(client, kind="digest", email=f"p{i}@example.org")[0] for i in range(8)]
    assert others == [200] * 7 + [429]  # ten accepted requests from this client in the hour
    assert Subscriptions(data_dir / "subscriptions.db").of_address("p7@example.org") == []  # nor stored


@pytest.mark.parametrize("form", [{"email": "not-an-address"}, {"email": "a@b"}, {"topic": "no_such_topic"},
                                  {"kind": "search", "query": ""}, {"kind": "nothing"}])
def test_a_bad_request_is_refused_clearly_and_sends_nothing(client, inbox, form):
    status, page = subscribe(client, **{"kind": "topic", "topic": "ai", **form})
    assert status == 400 and 'role="alert"' in page and not inbox.messages
    if "@" not in form.get("email", "@"):
        assert "La dirección de correo no es válida" in page


def test_addresses_appear_on_no_public_page_and_the_manage_page_cancels(client, inbox):
    subscribe(client, kind="topic", topic="cybersecurity")
    subscribe(client, kind="digest", topic=["ai", "data"], frequency="weekly")
    confirmed = confirm(client, links_in(inbox.messages[0])[0])
    manage = re.search(r'href="(/subscriptions/manage/[^"]+)"', confirmed)[1]
    for path in ("/", "/?q=ciberseguridad", "/topics/cybersecurity", "/digest", "/trends", "/opportunities"):
        page = client.get(path, follow_redirects=True).get_data(as_text=True)
        assert "example.org" not in page, path
    page = client.get(manage).get_data(as_text=True)
    assert "a•••@example.org" in page and ANA not in page
    assert "Tema: Ciberseguridad (diario)" in page and "Resumen semanal: Inteligencia artificial" in page
    token = re.search(r'name="csrf_token" value="([^"]+)"', page)[1]
    assert client.post(manage, data={"cancel": "1"}).status_code == 400  # CSRF, as every form
    page = client.post(manage, data={"cancel": "1", "csrf_token": token}).get_data(as_text=True)
    assert "Cancelada 1 suscripción" in page and "Tema: Ciberseguridad" not in page
    page = client.post(manage, data={"cancel": "all", "csrf_token": token}).get_data(as_text=True)
    assert "Esta dirección no tiene suscripciones" in page


def test_the_digest_goes_to_confirmed_subscriptions_and_to_the_imported_list(client, inbox, tmp_path):
    from tests.web.test_digest import hostile_week

    subscribe(client, kind="digest", topic="ai", frequency="weekly")
    subscribe(client, kind="digest", email="beto@example.org", frequency="weekly")  # never confirmed
    confirm(client, links_in(inbox.messages[0])[0])
    listed = tmp_path / "subscribers.yaml"
    listed.write_text("subscribers:\n  - {email: comision@example.org, name: Comisión}\n")
    sent = run_cli("digest", "--week", hostile_week(), "--send", "--subscribers", str(listed))
    assert sent.returncode == 0, sent.stderr
    assert "digest sent to 2 of 2" in sent.stdout and "1 message(s) without unsubscribe links" in sent.stdout
    digest = inbox.to(ANA)[-1]
    assert digest["Subject"].startswith("Observatorio TIC: resumen semanal")
    html = digest.get_body(("html",)).get_content()
    assert digest["List-Unsubscribe"] and "Dejar de recibir estos mensajes" in html
    assert not inbox.to("beto@example.org")[1:]


def test_the_list_import_keeps_out_who_unsubscribed(data_dir, tmp_path):
    listed = tmp_path / "subscribers.yaml"
    listed.write_text("subscribers:\n  - {email: a@example.org}\n  - {email: b@example.org}\n")
    assert "2 added" in run_cli("subscribers", "import", str(listed)).stdout
    store = Subscriptions(data_dir / "subscriptions.db")
    store.cancel([store.of_address("a@example.org")[0].id])  # by the link in a message
    listed.write_text("subscribers:\n  - {email: a@example.org}\n")
    result = run_cli("subscribers", "import", str(listed))
    assert result.returncode == 0 and "1 removed, 1 unsubscribed" in result.stdout
    assert store.active("digest") == []
    listed.write_text("subscribers:\n  - {email: 'a@@example.org'}\n")
    bad = run_cli("subscribers", "import", str(listed))
    assert bad.returncode == 2 and f"{listed}:2: subscribers[0].email" in bad.stderr



def test_a_crash_between_two_alerts_then_a_rerun_sends_each_message_once(data_dir):
    from tests.web.conftest import seed
    from tests.web.test_outbox import SUBSCRIBERS, crash_while_held, serving
    from tests.web.test_outbox import Inbox as HoldingInbox
    from web.alerts import AlertLog

    seed(data_dir)
    store = Subscriptions(data_dir / "subscriptions.db")
    for address in SUBSCRIBERS:  # confirmed with nothing matching yet: every match is new
        store.confirm(store.request(address, "topic", topics=("cybersecurity",), frequency="daily").id)
    inbox = HoldingInbox(hold=SUBSCRIBERS[1])
    controller, env = serving(inbox)
    try:
        crash_while_held(inbox, env, "alerts", "--send")
        rerun = run_cli("alerts", "--send", env=env)
        again = run_cli("alerts", "--send", env=env)
    finally:
        controller.stop()
    assert rerun.returncode == 0, rerun.stderr
    assert "alerts sent to 1 of 3" in rerun.stdout and f"already sent: {SUBSCRIBERS[0]}" in rerun.stdout
    assert f"not sent again: {SUBSCRIBERS[1]}" in rerun.stdout
    assert sorted(inbox.messages) == SUBSCRIBERS  # each once: the one in flight was delivered
    assert "alerts sent to 0 of 3" in again.stdout and sorted(inbox.messages) == SUBSCRIBERS
    log = AlertLog(data_dir / "subscriptions.db")
    assert all(log.new(s.id, ["full-call"]) == [] for s in store.active("topic"))  # counted as sent


def test_an_alert_after_a_crawl_holds_the_new_matching_documents_and_only_them(data_dir, demo_site, inbox,
                                                                               tmp_path):
    from crawlers.config import demo_sources, load_sources
    from search.query import SearchQuery
    from web.alerts import LOOKBACK_DAYS, AlertLog, candidates
    from web.commands import write_catalogue

    catalogue = write_catalogue(load_sources(demo_sources(), base_url=demo_site), tmp_path / "sources.yaml")
    crawl = ("crawl", "--sources", str(catalogue), "--source")
    assert run_cli(*crawl, "demo_surdigital_noticias").returncode == 0
    store = Subscriptions(data_dir / "subscriptions.db")
    subscription = store.confirm(store.request(ANA, "search", query="kind=news", frequency="daily").id)
    backend = get_backend("sqlite", path=data_dir / "observatorio.db")
    AlertLog(data_dir / "subscriptions.db").baseline(subscription.id, candidates(backend, subscription))
    assert run_cli(*crawl, "demo_techwire_news", "--source", "demo_sicop_licitaciones").returncode == 0
    recent = clock.today() - timedelta(days=LOOKBACK_DAYS)  # older ones are not news, however late crawled
    new = backend.search(SearchQuery(source=("demo_techwire_news",), published_from=recent, size=100)).hits
    assert new and "alerts sent to 1 of 1" in alerts()
    (alert,) = inbox.messages
    titles = {line[2:].split(" (cierre:")[0] for line in text_of(alert).splitlines() if line.startswith("- ")}
    assert titles == {hit.document.title for hit in new}  # the tenders crawled with them are not news
    assert "alerts sent to 0 of 1" in alerts() and len(inbox.messages) == 1
