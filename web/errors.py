"""Errors: one JSON shape for the API and feeds, a page for people, never a traceback."""

from __future__ import annotations

import logging

from flask import Flask, jsonify, render_template, request
from werkzeug.exceptions import HTTPException, InternalServerError

from core.errors import DataDirError
from search.errors import BackendUnavailable, InvalidQuery

MACHINE_BLUEPRINTS = ("api", "feeds")
log = logging.getLogger(__name__)


def error_response(status: int, message: str, field: str | None = None):
    """The one error shape of the API and the feeds: {"error": {status, message[, field]}}."""
    body = {"error": {"status": status, "message": message}}
    if field:
        body["error"]["field"] = field
    return jsonify(body), status


def wants_json() -> bool:
    """API and feed URLs answer errors in JSON; pages answer with a page."""
    return request.blueprint in MACHINE_BLUEPRINTS or request.path.startswith("/api/")


def render_error(status: int, message: str, field: str | None = None):
    if wants_json():
        return error_response(status, message, field)
    return render_template("error.html", status=status, message=message, field=field), status


def init_app(app: Flask) -> None:
    @app.errorhandler(InvalidQuery)
    def invalid_query(exc: InvalidQuery):
        return render_error(400, exc.message, exc.field)

    @app.errorhandler(BackendUnavailable)
    def backend_unavailable(exc: BackendUnavailable):
        log.error("search backend unavailable: %s", exc)
        return render_error(503, str(exc))

    @app.errorhandler(DataDirError)
    def data_dir_unwritable(exc: DataDirError):
        """A full or read-only data directory: unavailable for now; its path stays in the log."""
        log.error("data directory: %s", exc)
        return render_error(503, "the data directory cannot be written (full or read-only); see the log")

    @app.errorhandler(HTTPException)
    def http_error(exc: HTTPException):
        return render_error(exc.code or 500, exc.description or exc.name)

    @app.errorhandler(Exception)
    def unexpected(exc: Exception):
        log.exception("unhandled error on %s", request.path)
        return render_error(500, InternalServerError.description)
