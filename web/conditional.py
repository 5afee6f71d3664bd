"""Conditional GETs: public pages, feeds, calendars and API answers carry an ETag; a reader
that already has the answer gets 304 Not Modified, and one that does not gets the answer any
worker rendered for the same ETag (`answers.db` in the data directory), both before any work
is done: after a crawl, each page is rendered once for all workers, not once per worker.

An answer depends on the request (scheme and host, which links carry; path, query string,
language), on the index's and the firm profiles' generations, the day and the release
(`backend.answers_state`), so together they are its validator: a feed reader polling every hour
gets 304s until a crawl changes the index or the day turns. The admin's pages, any answer to the
admin's session (it shows private firm profiles), the forms (their CSRF tokens) and anything
posted are never conditional: they depend on the session; nor is an answer opened with a firm's
private link (`?token=`), which expires.
"""

from __future__ import annotations

import hashlib
import json
import logging
import sqlite3
from pathlib import Path

from flask import Flask, Response, current_app, request, session
from flask_babel import get_locale

from core.errors import DataDirError
from core.statefile import StateFile

from .backend import answers_state

log = logging.getLogger(__name__)

PRIVATE_BLUEPRINTS = {"admin", "subscriptions", "firm_forms"}  # session-bound forms, an address's own pages
RENDERED_BUDGET = 256 * 1024 * 1024  # bytes of rendered answers kept in the data directory
KEPT_HEADERS = ("Content-Type", "Content-Disposition")


class RenderedAnswers(StateFile):
    """Rendered bodies by ETag, shared by every worker. Only the current state's answers are
    kept (an older generation's ETag is never asked for again), oldest dropped beyond a byte
    budget. A data directory that cannot be written only means answers are rendered each time."""

    filename = "answers.db"
    schema = """
        PRAGMA journal_mode=WAL;
        CREATE TABLE IF NOT EXISTS answers (etag TEXT PRIMARY KEY, state TEXT NOT NULL,
                                            body BLOB NOT NULL, headers TEXT NOT NULL);
    """

    def __init__(self, path: str | Path | None = None, budget: int = RENDERED_BUDGET):
        super().__init__(path)
        self.budget = budget

    def get(self, etag: str) -> tuple[bytes, dict[str, str]] | None:
        try:
            with self._db() as db:
                row = db.execute("SELECT body, headers FROM answers WHERE etag = ?", (etag,)).fetchone()
        except (sqlite3.Error, DataDirError) as exc:
            log.warning("rendered answers unreadable: %s", exc)
            return None
        return (row["body"], json.loads(row["headers"])) if row else None

    def put(self, etag: str, state: str, body: bytes, headers: dict[str, str]) -> None:
        if len(body) > self.budget // 8:
            return
        try:
            with self._db() as db:
                db.execute("DELETE FROM answers WHERE state != ?", (state,))
                db.execute("INSERT OR IGNORE INTO answers VALUES (?, ?, ?, ?)",
                           (etag, state, body, json.dumps(headers)))
                (size,) = db.execute("SELECT COALESCE(SUM(LENGTH(body)), 0) FROM answers").fetchone()
                if size > self.budget:  # the oldest half goes: rendered again when asked
                    db.execute("DELETE FROM answers WHERE rowid IN (SELECT rowid FROM answers "
                               "ORDER BY rowid LIMIT (SELECT COUNT(*) / 2 FROM answers))")
        except (sqlite3.Error, DataDirError) as exc:  # a full disk: answers are rendered each time
            log.warning("rendered answer not kept: %s", exc)


def _etag() -> str | None:
    if (request.method not in ("GET", "HEAD") or request.blueprint in PRIVATE_BLUEPRINTS
            or request.endpoint in (None, "static")  # static files carry Flask's own validators
            or session.get("admin")  # the admin sees private firm profiles: never kept, never shared
            or "token" in request.args):  # a firm's private link: it expires, and is its own
        return None
    state = answers_state()
    if state is None:
        return None
    key = f"{state}|{get_locale()}|{request.host_url}|{request.full_path}"  # links carry the host
    return hashlib.blake2b(key.encode(), digest_size=16).hexdigest()


def _rendered() -> RenderedAnswers | None:
    return current_app.extensions["observatorio_rendered"]


def _answer_known() -> Response | None:
    """304 when the reader holds this answer; the body a worker rendered for it, if any."""
    etag = _etag()
    if etag is None:
        return None
    if request.if_none_match.contains_weak(etag):
        response = Response(status=304)
    elif (store := _rendered()) is not None and (kept := store.get(etag)) is not None:
        response = Response(kept[0], headers=kept[1])
    else:
        return None
    _validators(response, etag)
    return response


def _tag(response: Response) -> Response:
    if response.status_code == 200 and (etag := _etag()) is not None:
        whole = not (response.is_streamed or response.direct_passthrough)
        if whole and "Set-Cookie" not in response.headers and (store := _rendered()) is not None:
            headers = {name: response.headers[name] for name in KEPT_HEADERS if name in response.headers}
            store.put(etag, answers_state(), response.get_data(), headers)
        _validators(response, etag)
    return response


def _validators(response: Response, etag: str) -> None:
    response.set_etag(etag, weak=True)  # the same answer, not always the same bytes
    response.cache_control.no_cache = True  # keep it, but ask again each time
    response.vary.add("Cookie")  # the language is a cookie


def init_app(app: Flask) -> None:
    try:
        app.extensions["observatorio_rendered"] = RenderedAnswers(
            Path(app.config["DATA_DIR"]) / RenderedAnswers.filename)
    except (OSError, sqlite3.Error, DataDirError) as exc:  # read-only: serve, render each time
        log.warning("rendered answers not kept: %s", exc)
        app.extensions["observatorio_rendered"] = None
    app.before_request(_answer_known)
    app.after_request(_tag)
