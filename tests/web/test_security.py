"""Crawled markup stays text everywhere; headers, cookies and debug mode are safe."""

import json

import feedparser
import pytest

from tests.web.conftest import HOSTILE_TITLE
from web import create_app

# Every page, feed and API response that shows the hostile document (title, summary, evidence).
SURFACES = [
    "/", "/?q=inteligencia", "/?topic=ai", "/?q=inteligencia&sort=deadline", "/items/hostile",
    "/items/ai-call", "/opportunities", "/opportunities?topic=ai", "/topics/ai",
    "/search.atom?q=inteligencia", "/topics/ai/feed.atom", "/api/search?q=inteligencia", "/api/items/hostile",
    "/api/search?topic=ai",
]


@pytest.mark.parametrize("url", SURFACES)
def test_crawled_markup_is_shown_as_text_everywhere(app, url):
    for language in ("es", "en"):
        client = app.test_client()
        client.get(f"/lang/{language}")
        body = client.get(url).get_data(as_text=True)
        assert "onerror=alert(1)" in body, f"{url} does not show the hostile document"
        assert "<script" not in body.lower() and "<img" not in body.lower(), url


def test_the_hostile_title_round_trips_as_text(client):
    assert client.get("/api/items/hostile").get_json()["title"] == HOSTILE_TITLE
    assert json.loads(client.get("/api/items/hostile").get_data(as_text=True))["title"] == HOSTILE_TITLE
    page = client.get("/items/hostile").get_data(as_text=True)
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;&lt;img src=x onerror=alert(1)&gt;" in page
    feed = feedparser.parse(client.get("/search.atom?q=inteligencia").data)
    assert HOSTILE_TITLE in [e.title for e in feed.entries]


def test_a_javascript_url_is_never_a_link(client):
    page = client.get("/items/hostile").get_data(as_text=True)
    assert 'href="javascript:' not in page and "javascript:alert(3)" in page  # shown, not linked


@pytest.mark.parametrize("url", ["/", "/items/ai-call", "/api/search", "/search.atom", "/nothing", "/admin/"])
def test_every_response_has_the_security_headers(client, url):
    headers = client.get(url).headers
    policy = headers["Content-Security-Policy"]
    assert "default-src 'self'" in policy and "script-src 'self'" in policy and "unsafe-inline" not in policy
    assert "frame-ancestors 'none'" in policy
    assert headers["X-Content-Type-Options"] == "nosniff" and headers["X-Frame-Options"] == "DENY"


def test_pages_use_no_inline_script_or_style(client):
    for url in ("/", "/items/full-call", "/opportunities", "/topics/ai", "/trends"):
        page = client.get(url).get_data(as_text=True)
        assert "<script" not in page and "style=" not in page and "<style" not in page, url


@pytest.fixture
def admin_client(data_dir):
    app = create_app({"TESTING": True, "DATA_DIR": str(data_dir), "ADMIN_PASSWORD": "s3cret"})
    return app.test_client()


def session_cookie(response) -> str:
    return next(c for c in response.headers.getlist("Set-Cookie") if c.startswith("session="))


@pytest.mark.parametrize("host, secure", [("observatorio.example.org", True), ("127.0.0.1:8000", False),
                                          ("localhost:8000", False)])
def test_session_cookies_are_http_only_and_secure_off_loopback(admin_client, host, secure):
    response = admin_client.get("/admin/login", headers={"Host": host})
    cookie = session_cookie(response)
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie
    assert ("Secure" in cookie) is secure


def test_https_behind_loopback_still_gets_secure_cookies(admin_client):
    response = admin_client.get("/admin/login", base_url="https://127.0.0.1")
    assert "Secure" in session_cookie(response)


def test_debug_is_off_and_errors_never_show_a_traceback(data_dir, monkeypatch):
    monkeypatch.setenv("FLASK_DEBUG", "1")
    app = create_app({"DATA_DIR": str(data_dir)})
    assert app.debug is False

    @app.get("/boom")
    def boom():
        raise RuntimeError("secret detail")

    response = app.test_client().get("/boom")
    body = response.get_data(as_text=True)
    assert response.status_code == 500 and "secret detail" not in body and "Traceback" not in body
