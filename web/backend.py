"""One search backend per app, opened on first use (flaskr's `get_db` pattern)."""

from __future__ import annotations

from flask import Flask, current_app, g

from search.backend import SearchBackend
from search.backend import get_backend as load_backend


def get_backend() -> SearchBackend:
    if "backend" not in g:
        name = current_app.config["SEARCH_BACKEND"]
        options = {"path": f"{current_app.config['DATA_DIR']}/observatorio.db"} if name == "sqlite" else {}
        g.backend = load_backend(name, **options)
    return g.backend


def close_backend(exc: BaseException | None = None) -> None:
    backend = g.pop("backend", None)
    if backend is not None:
        backend.close()


def init_app(app: Flask) -> None:
    app.teardown_appcontext(close_backend)
