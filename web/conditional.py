"""Conditional GETs: public pages, feeds, calendars and API answers carry an ETag; a reader
that already has the answer gets 304 Not Modified, and one that does not gets the answer this
worker rendered for the same ETag, both before any work is done.

An answer depends on the request (scheme and host, which links carry; path, query string,
language, whether the admin asks), on the index's and the firm profiles' generations, the day
and the release (`backend.answers_state`), so together they are its validator: a feed reader
polling every hour gets 304s until a crawl changes the index or the day turns. The admin, the
firms' forms (their CSRF tokens) and anything posted are never conditional: they depend on the
session; nor is an answer opened with a firm's private link (`?token=`), which expires.
"""

from __future__ import annotations

import hashlib
from collections import OrderedDict
from threading import Lock

from flask import Flask, Response, current_app, request, session
from flask_babel import get_locale

from .backend import answers_state

PRIVATE_BLUEPRINTS = {"admin", "firm_forms"}
RENDERED_BUDGET = 64 * 1024 * 1024  # bytes of rendered answers kept per worker
KEPT_HEADERS = ("Content-Type", "Content-Disposition")


class RenderedAnswers:
    """Rendered bodies by ETag, least recently used dropped first beyond a byte budget: a feed
    or calendar that readers poll is rendered once per generation and day, not per reader."""

    def __init__(self, budget: int = RENDERED_BUDGET):
        self.budget, self.size = budget, 0
        self._bodies: OrderedDict[str, tuple[bytes, dict[str, str]]] = OrderedDict()
        self._lock = Lock()

    def get(self, etag: str) -> tuple[bytes, dict[str, str]] | None:
        with self._lock:
            if etag in self._bodies:
                self._bodies.move_to_end(etag)
                return self._bodies[etag]
        return None

    def put(self, etag: str, body: bytes, headers: dict[str, str]) -> None:
        if len(body) > self.budget // 8:
            return
        with self._lock:
            if etag not in self._bodies:
                self._bodies[etag] = (body, headers)
                self.size += len(body)
            while self.size > self.budget:
                _, (dropped, _) = self._bodies.popitem(last=False)
                self.size -= len(dropped)


def _etag() -> str | None:
    if (request.method not in ("GET", "HEAD") or request.blueprint in PRIVATE_BLUEPRINTS
            or request.endpoint in (None, "static")  # static files carry Flask's own validators
            or "token" in request.args):  # a firm's private link: it expires, and is its own
        return None
    state = answers_state()
    if state is None:
        return None
    admin = "admin" if session.get("admin") else ""  # the admin also sees the private profiles
    key = f"{state}|{admin}|{get_locale()}|{request.host_url}|{request.full_path}"  # links carry the host
    return hashlib.blake2b(key.encode(), digest_size=16).hexdigest()


def _rendered() -> RenderedAnswers:
    return current_app.extensions["observatorio_rendered"]


def _answer_known() -> Response | None:
    """304 when the reader holds this answer; the body this worker rendered for it, if any."""
    etag = _etag()
    if etag is None:
        return None
    if request.if_none_match.contains_weak(etag):
        response = Response(status=304)
    elif (kept := _rendered().get(etag)) is not None:
        response = Response(kept[0], headers=kept[1])
    else:
        return None
    _validators(response, etag)
    return response


def _tag(response: Response) -> Response:
    if response.status_code == 200 and (etag := _etag()) is not None:
        whole = not (response.is_streamed or response.direct_passthrough)
        if whole and "Set-Cookie" not in response.headers:
            headers = {name: response.headers[name] for name in KEPT_HEADERS if name in response.headers}
            _rendered().put(etag, response.get_data(), headers)
        _validators(response, etag)
    return response


def _validators(response: Response, etag: str) -> None:
    response.set_etag(etag, weak=True)  # the same answer, not always the same bytes
    response.cache_control.no_cache = True  # keep it, but ask again each time
    response.vary.add("Cookie")  # the language is a cookie


def init_app(app: Flask) -> None:
    app.extensions["observatorio_rendered"] = RenderedAnswers()
    app.before_request(_answer_known)
    app.after_request(_tag)
