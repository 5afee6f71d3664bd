"""The firms' web side: the application form, the admin's approval with the private link
e-mailed through a real SMTP server (aiosmtpd), the link (valid, altered, expired, another
firm's), deletion, the firm's page and Atom feed, the item page's firms; and privacy: a private
profile appears in no public page, feed, API answer or CSV, found by crawling every public URL."""

from __future__ import annotations

import re
from collections import deque
from html.parser import HTMLParser
from urllib.parse import urldefrag, urlsplit

import pytest
from itsdangerous.timed import TimestampSigner

from firms.store import FirmStore
from tests.firms.test_api import SECRET, seeded  # noqa: F401 - the fixture
from web import create_app

PASSWORD = "contraseña-de-prueba"
APPLICATION = {"name": "Datos del Sur", "canton": "Osa", "size": "micro", "interests": ["funding_call"],
               "email": "hola@datosdelsur.example", "public": "1",
               "description": "Ciberseguridad para cooperativas: auditorías, pruebas de penetración y "
                              "respuesta a incidentes."}


@pytest.fixture
def app(seeded):  # noqa: F811 - the fixture imported above
    return create_app({"TESTING": True, "DATA_DIR": str(seeded), "ADMIN_PASSWORD": PASSWORD})


@pytest.fixture
def client(app):
    return app.test_client()


def csrf(page) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', page.get_data(as_text=True)).group(1)


def apply(client, **changes):
    token = csrf(client.get("/firms/apply"))
    return client.post("/firms/apply", data={**APPLICATION, **changes, "csrf_token": token})


def log_in(client):
    client.post("/admin/login", data={"password": PASSWORD, "csrf_token": csrf(client.get("/admin/login"))})


def link_of(message) -> str:
    return re.search(r"https?://[^/\s]+(/firms/[^\s]+/edit/[^\s]+)", message.get_content()).group(1)


def link(app, firm_id: str) -> str:
    from web.firm_links import token_for

    with app.test_request_context():
        return token_for(firm_id)


def test_the_form_says_what_is_wrong_field_by_field(client):
    response = apply(client, name="", description="corta", email="no-es-correo", size="enorme", interests=[])
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and "Revise los campos marcados." in page
    for message in ("Este campo es obligatorio.", "Escriba al menos 20 caracteres.",
                    "Escriba una dirección de correo válida", "Elija una opción.",
                    "Elija al menos una opción."):
        assert message in page
    assert 'value="no-es-correo"' in page  # what was typed is kept
    assert client.post("/firms/apply", data=APPLICATION).status_code == 400  # no CSRF token


def test_ids_are_slugs_of_the_name_and_never_taken_twice(client):
    from firms.applications import slug

    assert slug("Sensores del General, S.A.") == "sensores-del-general-s-a"
    assert slug("¡!") == "empresa" and not slug("a" * 55 + " b").endswith("-")
    apply(client, name="Brunca Ciber")  # "brunca-ciber" is a firm already
    apply(client, name="Brunca Ciber")
    from firms.applications import Applications

    assert [f.id for f, _ in Applications().pending()] == ["brunca-ciber-2", "brunca-ciber-3"]


def test_topics_are_suggested_from_the_description(client):
    page = apply(client, action="suggest").get_data(as_text=True)
    assert re.search(r'value="cybersecurity" checked', page)
    assert "datos-del-sur" not in [f.id for f in FirmStore().all(private=True)]  # nothing saved


def test_an_application_waits_for_the_admin_then_the_firm_gets_its_link(client, inbox):
    assert apply(client).status_code == 200
    assert client.get("/firms/datos-del-sur").status_code == 404  # pending: nowhere public
    assert "Datos del Sur" not in client.get("/api/items/o05/firms").get_data(as_text=True)
    log_in(client)
    listing = client.get("/admin/applications")
    assert "Datos del Sur" in listing.get_data(as_text=True)
    approved = client.post("/admin/applications/datos-del-sur/approve", data={"csrf_token": csrf(listing)},
                           follow_redirects=True)
    assert ("Datos del Sur aprobada. El enlace privado de Datos del Sur se envió a hola@datosdelsur.example."
            in approved.get_data(as_text=True))
    firm = FirmStore().get("datos-del-sur")
    assert firm is not None and "cybersecurity" in firm.topics
    [message] = inbox.messages
    assert message["To"] == "hola@datosdelsur.example"
    edit = client.get(link_of(message))
    assert edit.status_code == 200 and "Editar el perfil de Datos del Sur" in edit.get_data(as_text=True)


def test_the_admin_rejects_an_application(client):
    apply(client)
    log_in(client)
    client.post("/admin/applications/datos-del-sur/reject", data={"csrf_token": csrf(client.get("/admin/"))})
    assert "Datos del Sur" not in client.get("/admin/applications").get_data(as_text=True)
    assert FirmStore().get("datos-del-sur", private=True) is None


def test_the_application_form_is_rate_limited_per_client(client):
    for number in range(5):
        assert apply(client, name=f"Empresa {number}").status_code == 200
    assert apply(client, name="Empresa 6").status_code == 429


def test_the_link_edits_the_profile_and_its_own_private_page(app, client):
    token = link(app, SECRET)
    url = f"/firms/{SECRET}/edit/{token}"
    assert client.get(f"/firms/{SECRET}").status_code == 404  # private
    own = client.get(f"/firms/{SECRET}?token={token}")
    assert own.status_code == 200 and "Sensores del General" in own.get_data(as_text=True)
    assert client.get(f"/api/firms/{SECRET}/matches?token={token}").json["items"]
    form = client.get(url)
    data = {"name": "Sensores del General", "description": "Sensores IoT para fincas de café y riego.",
            "topics": ["iot"], "canton": "Pérez Zeledón", "size": "small", "interests": ["tender"],
            "email": "nuevo@sensores.example", "csrf_token": csrf(form), "action": "save"}
    saved = client.post(url, data=data)
    assert "Perfil guardado." in saved.get_data(as_text=True)
    firm = FirmStore().get(SECRET, private=True)
    assert (firm.email, firm.interests, firm.public) == ("nuevo@sensores.example", ("tender",), False)
    bad = client.post(url, data={**data, "email": "x"})
    assert "Escriba una dirección de correo válida" in bad.get_data(as_text=True)
    assert FirmStore().get(SECRET, private=True).email == "nuevo@sensores.example"


@pytest.mark.parametrize("which", ["altered", "another firm", "another purpose"])
def test_a_link_that_is_not_the_firms_own_opens_nothing(app, client, which):
    from web.tokens import sign

    token = {"altered": link(app, SECRET)[:-2] + "xx", "another firm": link(app, "brunca-ciber")}.get(which)
    if token is None:
        with app.test_request_context():
            token = sign("unsubscribe", SECRET)
    assert client.get(f"/firms/{SECRET}/edit/{token}").status_code == 404
    assert client.get(f"/firms/{SECRET}?token={token}").status_code == 404
    assert client.get(f"/api/firms/{SECRET}/matches?token={token}").status_code == 404
    assert client.post(f"/firms/{SECRET}/delete/{token}",
                       data={"csrf_token": csrf(client.get("/firms/apply"))}).status_code == 404


def test_an_expired_link_offers_a_new_one_sent_to_the_profiles_address(app, client, inbox, monkeypatch):
    week_ago = TimestampSigner.get_timestamp(None) - 8 * 86400
    with monkeypatch.context() as patched:
        patched.setattr(TimestampSigner, "get_timestamp", lambda self: week_ago)
        old = link(app, SECRET)
    expired = client.get(f"/firms/{SECRET}/edit/{old}")
    assert expired.status_code == 410 and "Enlace vencido" in expired.get_data(as_text=True)
    assert client.get(f"/firms/{SECRET}?token={old}").status_code == 404
    client.post(f"/firms/{SECRET}/new-link", data={"csrf_token": csrf(expired)})
    [message] = inbox.messages
    assert message["To"] == FirmStore().get(SECRET, private=True).email
    assert client.get(link_of(message)).status_code == 200


def test_deleting_the_profile_removes_the_firm_and_its_matches(app, client):
    token = link(app, "brunca-ciber")
    assert "Brunca Ciberdefensa" in client.get("/items/o05").get_data(as_text=True)
    form = client.get(f"/firms/brunca-ciber/edit/{token}")
    deleted = client.post(f"/firms/brunca-ciber/delete/{token}", data={"csrf_token": csrf(form)})
    assert "se han borrado" in deleted.get_data(as_text=True)
    assert FirmStore().get("brunca-ciber", private=True) is None
    assert client.get("/firms/brunca-ciber").status_code == 404
    assert client.get("/api/firms/brunca-ciber/matches").status_code == 404
    assert "brunca-ciber" not in client.get("/api/items/o05/firms").get_data(as_text=True)
    assert "Brunca Ciberdefensa" not in client.get("/items/o05").get_data(as_text=True)


def test_the_firms_page_lists_good_matches_closing_soonest_first(client):
    page = client.get("/firms/brunca-ciber").get_data(as_text=True)
    assert "coincide con sus temas ciberseguridad" in page
    titles = re.findall(r'<li><a href="/items/([^"]+)">', page)
    assert {"o05", "o06"} <= set(titles)
    from search.backend import get_backend

    backend = get_backend()
    deadlines = [backend.get(i).deadline for i in titles]
    assert deadlines == sorted(deadlines)


def test_the_firms_atom_feed(client):
    response = client.get("/firms/brunca-ciber/feed.atom")
    assert response.mimetype == "application/atom+xml"
    body = response.get_data(as_text=True)
    assert "Brunca Ciberdefensa · Observatorio TIC" in body and "/items/o05" in body
    again = client.get("/firms/brunca-ciber/feed.atom", headers={"If-None-Match": response.headers["ETag"]})
    assert again.status_code == 304
    assert client.get(f"/firms/{SECRET}/feed.atom").status_code == 404


def test_the_firms_index_lists_the_public_profiles(client):
    page = client.get("/firms").get_data(as_text=True)
    assert 'href="/firms/brunca-ciber"' in page and "Brunca Ciberdefensa" in page
    assert f'href="/firms/{SECRET}"' not in page


def test_the_item_page_shows_the_public_firms_that_could_take_part(client):
    page = client.get("/items/o02").get_data(as_text=True)
    assert "Empresas del clúster que podrían participar" in page
    assert 'href="/firms/acuicultura-iot"' in page
    assert "Sensores del General" not in page  # the best fit, but private


class Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.found: list[str] = []

    def handle_starttag(self, tag, attrs):
        for name, value in attrs:
            if name in ("href", "src", "action") and value:
                self.found.append(value)


def test_a_private_profile_appears_in_no_public_answer(app, client):
    """Crawl every URL reachable from /, the feeds, the OpenAPI paths and every item's and firm's
    API answers, with the admin session in another client first (nothing it sees may leak)."""
    private = FirmStore().get(SECRET, private=True)
    admin = app.test_client()
    log_in(admin)
    assert private.name in admin.get(f"/firms/{SECRET}").get_data(as_text=True)
    assert admin.get("/api/items/o02/firms").json["items"][0]["id"] == SECRET
    seeds = ["/", "/opportunities", "/topics", "/trends", "/digest", "/search.atom", "/search.csv",
             "/search.ics", "/opportunities.ics", "/api/search", "/api/topics", "/api/openapi.json",
             "/firms/apply", "/firms", "/healthz"]
    for url in (f"/firms/{SECRET}", f"/firms/{SECRET}/feed.atom", f"/api/firms/{SECRET}/matches"):
        response = client.get(url)  # a 404 (whose page links back to the path it was asked)
        assert response.status_code == 404 and private.name not in response.get_data(as_text=True)
    documents = client.get("/api/search?size=100&kind=funding_call,tender").json["items"]
    seeds += [f"/api/items/{d['id']}/firms" for d in documents] + [f"/items/{d['id']}" for d in documents]
    seeds += [f"/firms/{f.id}/feed.atom" for f in FirmStore().all()]
    seen, queue, answered, variants = set(), deque(seeds), 0, 0
    while queue:
        url = queue.popleft()
        # breadth first, the first 1,200 answers; of the searches' filter and page variants
        # (endless combinations, as are the digest's previous weeks), the first 400
        if url in seen or len(seen) >= 1200 or ("?" in url and variants >= 400):
            continue
        seen.add(url)
        variants += "?" in url
        response = client.get(url, follow_redirects=True)
        body = response.get_data(as_text=True)
        response.close()
        answered += response.status_code == 200
        for secret in (private.name, private.email, SECRET):
            assert secret not in body, f"{secret!r} on {url}"
        if response.mimetype == "text/html":
            parser = Links()
            parser.feed(body)
            for found in parser.found:
                target, _ = urldefrag(found)
                parts = urlsplit(target)
                if not parts.netloc and target.startswith("/") and not target.startswith(("/admin", "/lang")):
                    queue.append(target)
    assert answered > 100
    assert {f"/firms/{f.id}" for f in FirmStore().all()} <= seen  # every public firm page, from /firms


def test_the_weekly_email_goes_once_per_week_to_each_firm_that_asked_for_it(app, client, inbox):
    from web.commands import send_firm_matches

    for firm_id in ("brunca-ciber", SECRET):
        url = f"/firms/{firm_id}/edit/{link(app, firm_id)}"
        form = client.get(url)
        firm = FirmStore().get(firm_id, private=True)
        data = {**firm.model_dump(), "topics": list(firm.topics), "interests": list(firm.interests),
                "public": "1" if firm.public else "", "weekly": "1",
                "csrf_token": csrf(form), "action": "save"}
        assert "Perfil guardado." in client.post(url, data=data).get_data(as_text=True)
    assert 'name="weekly" value="1" checked' in client.get(url).get_data(as_text=True)
    assert send_firm_matches("https://observatorio.example.org", "2026-W49") == 0
    assert send_firm_matches("https://observatorio.example.org", "2026-W49") == 0  # nothing twice
    by_address = {m["To"]: m for m in inbox.messages}
    assert len(inbox.messages) == 2 and set(by_address) == {FirmStore().get("brunca-ciber").email,
                                                            FirmStore().get(SECRET, private=True).email}
    text = by_address[FirmStore().get("brunca-ciber").email].get_content()
    assert "coincide con sus temas ciberseguridad" in text
    assert "https://observatorio.example.org/items/o05" in text
    assert "https://observatorio.example.org/firms/brunca-ciber?token=" in text
    private = FirmStore().get(SECRET, private=True)
    assert private.name not in text and private.email not in text  # nothing of another firm


def test_the_admin_sends_a_link_again_or_says_why_it_could_not(client, inbox, monkeypatch):
    log_in(client)
    form = {"firm_id": SECRET, "csrf_token": csrf(client.get("/admin/applications"))}
    sent = client.post("/admin/firms/link", data=form, follow_redirects=True)
    assert "se envió a" in sent.get_data(as_text=True)
    [message] = inbox.messages
    assert message["To"] == FirmStore().get(SECRET, private=True).email
    assert f"/firms/{SECRET}/edit/" in link_of(message)
    monkeypatch.delenv("OBSERVATORIO_SMTP_URL")
    failed = client.post("/admin/firms/link", data=form, follow_redirects=True)
    assert "No se pudo enviar su enlace: OBSERVATORIO_SMTP_URL" in failed.get_data(as_text=True)
    assert client.post("/admin/firms/link", data={**form, "firm_id": "nadie"}).status_code == 404
