"""Security headers and session cookies: what every response carries."""

from __future__ import annotations

import os
from urllib.parse import urlsplit

from flask import Flask, Response, request
from flask.sessions import SecureCookieSessionInterface
from werkzeug.middleware.proxy_fix import ProxyFix

from . import errors

# Everything the pages need comes from this origin: no inline script or style anywhere.
CONTENT_SECURITY_POLICY = "; ".join((
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
))
HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "strict-origin-when-cross-origin",
}
LOOPBACK_HOSTS = ("127.0.0.1", "localhost", "[::1]")


class SessionInterface(SecureCookieSessionInterface):
    """Session cookies are Secure, except when a browser talks plain http to this machine.

    `observatorio demo` and a developer's `serve` answer on http://127.0.0.1, where a Secure
    cookie would never come back; anywhere else (a public host name, TLS at a proxy) the cookie
    is Secure, so it never travels in clear text.
    """

    def get_cookie_secure(self, app: Flask) -> bool:
        host = request.host.rsplit(":", 1)[0] if not request.host.endswith("]") else request.host
        return request.is_secure or host not in LOOPBACK_HOSTS


def external_url(url: str) -> str:
    """A crawled link, only if it is http(s): never a javascript: or data: URL."""
    return url if urlsplit(url).scheme in ("http", "https") else "#"


def add_headers(response: Response) -> Response:
    for name, value in HEADERS.items():
        response.headers.setdefault(name, value)
    return response


class TrustedProxy:
    """Behind a reverse proxy, links (feeds, calendars, e-mails) take the scheme and host the
    visitor used, from the proxy's X-Forwarded-* headers; the same headers from any other
    address are ignored, so nobody can make the app print their host in a feed."""

    def __init__(self, app, proxy: str):
        self.app, self.proxy = app, proxy
        self.forwarded = ProxyFix(app, x_for=1, x_proto=1, x_host=1, x_port=1)

    def __call__(self, environ, start_response):
        trusted = environ.get("REMOTE_ADDR") == self.proxy
        return (self.forwarded if trusted else self.app)(environ, start_response)


def init_app(app: Flask) -> None:
    if proxy := os.environ.get("OBSERVATORIO_TRUSTED_PROXY"):
        app.wsgi_app = TrustedProxy(app.wsgi_app, proxy)
    app.session_interface = SessionInterface()
    app.after_request(add_headers)
    app.add_template_filter(external_url)
    errors.init_app(app)
