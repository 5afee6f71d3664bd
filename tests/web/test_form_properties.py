"""Hostile input to the HTML forms, which the OpenAPI document (and so tests/web/test_schema.py)
does not reach: hypothesis POSTs any fields with any values — text with control characters, very
long values, bytes that are not UTF-8, broken percent-encodings, fields missing or repeated, with
and without the CSRF token — to every form a visitor, a firm or a mail client can send (subscribe,
the firm's application and profile, the admin's login), and altered tokens to the signed links
(confirm, manage, one-click unsubscribe, a firm's edit and delete). Never a 5xx, and what is
refused (or rate-limited) leaves every store as it was.

Each test prints how many generated requests it sent (`pytest -s` shows them).
"""

from __future__ import annotations

import re
import sqlite3
from collections import Counter
from urllib.parse import quote, quote_from_bytes

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from firms.applications import Applications
from firms.profiles import Firm
from firms.store import FirmStore
from web import create_app, firm_links, tokens
from web.firm_links import token_for
from web.mailings import CONFIRM_MAX_AGE, MANAGE_MAX_AGE
from web.subscriptions import Subscriptions

EXAMPLES = 100  # generated requests per form, as tests/web/test_schema.py per operation
FUZZ = settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck), database=None)
FORM = "application/x-www-form-urlencoded"
ADDRESS = "ana@example.org"
FIRM = "datos-del-sur"
PASSWORD = "contraseña-de-prueba"

# Values that pass the first checks, so that generated requests reach the deeper branches too.
PLAUSIBLE = [b"", b"ana@example.org", b"a@b", b"topic", b"search", b"digest", b"ai", b"cybersecurity",
             b"no_such_topic", b"daily", b"weekly", b"hourly", b"q=inteligencia&kind=tender", b"kind=nada",
             b"page=-1&size=99999", b"1", b"all", b"apply", b"suggest", b"micro", b"enorme", b"funding_call",
             b"tender", b"Osa", b"Datos del Sur", b"Ciberseguridad para cooperativas del sur"]
SHORT = st.one_of(
    st.sampled_from(PLAUSIBLE),
    st.text().map(str.encode),  # any code point, control characters included
    st.binary(),  # mostly not UTF-8
)
# Longer than any field may be, some longer than the 64 KiB a request may carry.
LONG = st.builds(lambda piece, times: piece * times, st.text(min_size=1, max_size=2).map(str.encode),
                 st.integers(300, 4_000))
VALUES = st.one_of(SHORT, SHORT, SHORT, SHORT, LONG)  # one in five long
BROKEN = st.sampled_from(["%", "%zz", "%C3", "%FF%FE%00", "=", "&", "==&&", "email=%", "kind=%E0%80%80",
                          "topic", "%00=%00"])  # pieces no browser sends


def encoded(name: bytes | str, value: bytes) -> str:
    name = name if isinstance(name, bytes) else name.encode()
    return f"{quote_from_bytes(name, safe='')}={quote_from_bytes(value, safe='')}"


@st.composite
def form_bodies(draw, valid: dict[str, st.SearchStrategy[bytes]]) -> str:
    """Urlencoded bodies: a valid form with some of its fields dropped, changed or repeated, other
    fields added, broken pieces mixed in, in any order."""
    changed = draw(st.permutations(list(valid)))[:draw(st.integers(0, len(valid)))]
    pairs = []
    for name, good in valid.items():
        values = draw(st.lists(st.one_of(good, VALUES), max_size=4)) if name in changed else [draw(good)]
        pairs += [(name, value) for value in values]
    names = st.one_of(st.sampled_from(list(valid)), st.text(max_size=12), st.binary(max_size=6))
    pairs += draw(st.lists(st.tuples(names, VALUES), max_size=4))
    pieces = [encoded(name, value) for name, value in pairs] + draw(st.lists(BROKEN, max_size=2))
    return "&".join(draw(st.permutations(pieces)))


def one_of(*values: bytes | str) -> st.SearchStrategy[bytes]:
    return st.sampled_from([v if isinstance(v, bytes) else v.encode() for v in values])


# Requests from several clients, so that the rate limits let some through.
CLIENTS = st.integers(0, 255).map(lambda n: f"10.0.0.{n}")
WITH_CSRF = st.sampled_from([True, True, True, False])  # mostly with the form's token


def stored(data_dir) -> list[str]:
    """Every row of every store of the data directory (an empty store made on first use holds
    nothing), but the rate limiter's events."""
    rows = []
    for path in sorted(data_dir.glob("*.db")):
        if path.name != "ratelimit.db":
            db = sqlite3.connect(path)
            rows += [f"{path.name}: {line}" for line in db.iterdump() if line.startswith("INSERT")]
            db.close()
    return rows


def csrf(client, url: str) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', client.get(url).get_data(as_text=True))[1]


def altered(token: str) -> st.SearchStrategy[str]:
    """Tokens near `token` (cut, one character changed, something added) and far from it."""
    return st.one_of(
        st.integers(0, len(token) - 1).map(lambda i: token[:i]),
        st.tuples(st.integers(0, len(token) - 1), st.characters()).map(
            lambda ic: token[:ic[0]] + ic[1] + token[ic[0] + 1:]),
        st.text(min_size=1).map(lambda extra: token + extra),
        st.text(min_size=1),
    )


def path_of(prefix: str, token: str) -> str:
    return prefix + quote(token, safe="")


def fuzz(label: str, data_dir, strategies: dict, send, may_store) -> None:
    """POST EXAMPLES generated requests with `send(**drawn)`: never a 5xx, and a store changed only
    when `may_store(response, **drawn)`. Print how many were tried and how they were answered."""
    answers: Counter[str] = Counter()

    @FUZZ
    @given(**strategies)
    def case(**drawn):
        before = stored(data_dir)
        response = send(**drawn)
        changed = stored(data_dir) != before
        assert response.status_code < 500, (response.status_code, drawn)
        assert not changed or may_store(response, **drawn), (response.status_code, drawn)
        answers[f"{response.status_code}{' stored' if changed else ''}"] += 1

    case()
    print(f"\n{label}: {answers.total()} generated requests, answered {dict(sorted(answers.items()))}")
    assert answers.total() >= EXAMPLES


def test_subscribe_never_fails_and_stores_nothing_it_refuses(client, data_dir, inbox):
    def send(body, remote):
        return client.post("/subscribe", data=body, content_type=FORM, environ_base={"REMOTE_ADDR": remote})

    valid = {"email": one_of(*(f"p{n}@example.org" for n in range(20))), "kind": one_of("topic", "search"),
             "topic": one_of("ai", "cybersecurity"), "frequency": one_of("daily", "weekly"),
             "query": one_of("q=inteligencia", "kind=tender&topic=ai")}
    fuzz("POST /subscribe", data_dir, {"body": form_bodies(valid), "remote": CLIENTS}, send,
         lambda response, **_: response.status_code == 200)  # asked, and the confirmation sent


PROFILE = {"name": one_of("Datos del Sur", "Sensores Brunca"), "canton": one_of("Osa", "Golfito"),
           "description": one_of("Ciberseguridad para cooperativas: auditorías y respuesta a incidentes."),
           "size": one_of("micro", "small"), "interests": one_of("funding_call", "tender"),
           "email": one_of("hola@datosdelsur.example"), "public": one_of("1", ""),
           "topics": one_of("cybersecurity", "ai"), "action": one_of("apply", "suggest", "save")}


def test_the_application_form_never_fails_and_stores_only_valid_profiles(client, data_dir):
    token = csrf(client, "/firms/apply")

    def send(body, remote, with_csrf):
        body = f"csrf_token={token}&{body}" if with_csrf else body
        return client.post("/firms/apply", data=body, content_type=FORM, environ_base={"REMOTE_ADDR": remote})

    def may_store(response, **_):
        Applications().pending()  # what was stored is a valid profile (read back, validated)
        return response.status_code == 200 and "Solicitud recibida" in response.get_data(as_text=True)

    strategies = {"body": form_bodies(PROFILE), "remote": CLIENTS, "with_csrf": WITH_CSRF}
    fuzz("POST /firms/apply", data_dir, strategies, send, may_store)


@pytest.fixture
def stored_before(data_dir) -> None:
    """One confirmed and one unconfirmed subscription of ADDRESS; the profile of FIRM."""
    store = Subscriptions(data_dir / "subscriptions.db")
    store.confirm(store.request(ADDRESS, "topic", topics=("ai",), frequency="daily").id)
    store.request(ADDRESS, "digest")
    FirmStore().save([Firm(id=FIRM, name="Datos del Sur", canton="Osa", size="micro", interests=("tender",),
                           description="Ciberseguridad para cooperativas del sur.",
                           email="hola@datos.example")])


def test_the_profile_form_never_fails_and_saves_only_valid_profiles(app, client, data_dir, stored_before):
    with app.test_request_context():
        link = f"/firms/{FIRM}/edit/{token_for(FIRM)}"
    token = csrf(client, link)

    def send(body, with_csrf):
        body = f"csrf_token={token}&{body}" if with_csrf else body
        return client.post(link, data=body, content_type=FORM)

    def may_store(response, **_):
        FirmStore().all(private=True)  # what was saved is a valid profile (read back, validated)
        return response.status_code == 200 and "Perfil guardado." in response.get_data(as_text=True)

    strategies = {"body": form_bodies({**PROFILE, "weekly": one_of("1", "")}), "with_csrf": WITH_CSRF}
    fuzz("POST /firms/<id>/edit/<token> (the firm's own link)", data_dir, strategies, send, may_store)


def means_the_same(app, purpose: str, token: str, value, max_age: float | None = None) -> bool:
    """An altered token can still be the same one (base64's last character carries spare bits)."""
    with app.test_request_context():
        try:
            return tokens.unsign(purpose, token, max_age) == value
        except tokens.InvalidToken:
            return False


@pytest.mark.parametrize("purpose, prefix, value, max_age", [
    ("confirm", "/subscriptions/confirm/", 2, CONFIRM_MAX_AGE),
    ("manage", "/subscriptions/manage/", ADDRESS, MANAGE_MAX_AGE),
    ("unsubscribe", "/unsubscribe/", 1, None),  # RFC 8058: from mail clients, no session, no CSRF token
    (firm_links.PURPOSE, f"/firms/{FIRM}/edit/", FIRM, firm_links.MAX_AGE),
    (firm_links.PURPOSE, f"/firms/{FIRM}/delete/", FIRM, firm_links.MAX_AGE),
])
def test_altered_links_never_fail_and_change_nothing(app, client, data_dir, stored_before, purpose, prefix,
                                                     value, max_age):
    with app.test_request_context():
        token = tokens.sign(purpose, value)
    form = csrf(client, "/firms/apply")  # the session's token, good for every form

    def send(link, body, with_csrf):
        body = f"csrf_token={form}&{body}" if with_csrf else body
        response = client.post(path_of(prefix, link), data=body, content_type=FORM)
        if not means_the_same(app, purpose, link, value, max_age):
            assert response.status_code in (400, 404, 413), (response.status_code, link)
        return response

    def may_store(response, link, **_):
        return response.status_code == 200 and means_the_same(app, purpose, link, value, max_age)

    valid = PROFILE if purpose == firm_links.PURPOSE else {"cancel": one_of("1", "2", "all"),
                                                            "List-Unsubscribe": one_of("One-Click")}
    strategies = {"link": altered(token), "body": form_bodies(valid), "with_csrf": WITH_CSRF}
    fuzz(f"POST {prefix.replace(FIRM, '<id>')}<token> (altered)", data_dir, strategies, send, may_store)


def test_the_admin_login_never_fails_and_lets_in_only_the_password(data_dir):
    app = create_app({"TESTING": True, "DATA_DIR": str(data_dir), "ADMIN_PASSWORD": PASSWORD})

    def send(body, remote, with_csrf):
        client = app.test_client()  # a new visitor each time: logging in starts a new session
        body = f"csrf_token={csrf(client, '/admin/login')}&{body}" if with_csrf else body
        response = client.post("/admin/login", data=body, content_type=FORM,
                               environ_base={"REMOTE_ADDR": remote})
        assert response.status_code in (400, 401, 413) or quote(PASSWORD) in body, response.status_code
        return response

    strategies = {"body": form_bodies({"password": one_of(PASSWORD, "contrasena-de-prueba")}),
                  "remote": CLIENTS, "with_csrf": WITH_CSRF}
    fuzz("POST /admin/login", data_dir, strategies, send,
         lambda response, **_: False)  # nothing stored but the limiter's count of wrong passwords


IDS = st.one_of(st.just(FIRM), st.text(min_size=1, max_size=40), st.text(min_size=300, max_size=400))


@pytest.mark.parametrize("action", ["/admin/sources/{id}/run", "/admin/applications/{id}/approve",
                                    "/admin/applications/{id}/reject", "/admin/firms/link",
                                    "/firms/{id}/new-link"])
def test_the_admins_and_the_new_link_forms_never_fail_and_act_only_on_a_known_firm(data_dir, stored_before,
                                                                                  inbox, action):
    """The admin's own forms (with its session), and the public "send me a new link": any id in
    the path or the form, any body. Only FIRM's link may be sent (a row in the outbox); the
    catalogue's sources are never among the generated ids, so no crawl starts."""
    app = create_app({"TESTING": True, "DATA_DIR": str(data_dir), "ADMIN_PASSWORD": PASSWORD})
    client = app.test_client()
    with client.session_transaction() as session:
        session["admin"] = True
    form = csrf(client, "/firms/apply")

    def send(firm_id, body, with_csrf):
        body = f"csrf_token={form}&{body}" if with_csrf else body
        return client.post(action.format(id=quote(firm_id, safe="")), data=body, content_type=FORM)

    def may_store(response, firm_id, body, **_):
        return response.status_code in (200, 302) and (firm_id == FIRM or FIRM in body)

    valid = {"firm_id": IDS.map(str.encode)}
    strategies = {"firm_id": IDS, "body": form_bodies(valid), "with_csrf": WITH_CSRF}
    fuzz(f"POST {action}", data_dir, strategies, send, may_store)
