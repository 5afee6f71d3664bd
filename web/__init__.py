"""The Flask web app: search, opportunities, topics, trends, feeds, JSON API, firms, admin."""

from __future__ import annotations

import os
import secrets
from collections.abc import Mapping
from datetime import timedelta
from pathlib import Path
from typing import Any

from flask import Flask
from flask.json.provider import DefaultJSONProvider
from flask_wtf.csrf import CSRFProtect

from core.paths import data_dir

from . import (
    admin,
    api,
    backend,
    charts,
    cluster,
    conditional,
    digest,
    feeds,
    firm_forms,
    firm_pages,
    firms,
    i18n,
    labels,
    opportunities,
    pages,
    params,
    partners,
    security,
    subscribe,
    topics,
    trends,
)

csrf = CSRFProtect()


def create_app(test_config: Mapping[str, Any] | None = None) -> Flask:
    """Settings come from defaults, then OBSERVATORIO_* variables, then `test_config`."""
    app = Flask(__name__)
    app.json = HtmlSafeJSONProvider(app)
    app.config.from_mapping(
        DEBUG=False,  # never from FLASK_DEBUG: only a test or development config may turn it on
        DATA_DIR=str(data_dir()),
        SEARCH_BACKEND=os.environ.get("OBSERVATORIO_SEARCH_BACKEND") or "sqlite",
        ADMIN_PASSWORD=os.environ.get("OBSERVATORIO_ADMIN_PASSWORD") or None,
        ANSWER_CACHE=os.environ.get("OBSERVATORIO_ANSWER_CACHE", "on") != "off",  # off: computed each time
        SOURCES_FILE=None,  # the catalogue the admin shows and crawls (default config/sources.yaml)
        TAXONOMY_FILE=None,  # default config/topics.yaml
        SCHEDULE_FILE=None,  # when the scheduler runs each job (default config/schedule.yaml)
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        PERMANENT_SESSION_LIFETIME=timedelta(hours=8),
        WTF_CSRF_TIME_LIMIT=None,  # the token lives as long as the session
        MAX_CONTENT_LENGTH=64 * 1024,  # only small forms are ever posted
    )
    if test_config:
        app.config.from_mapping(test_config)
    if not app.config.get("SECRET_KEY"):  # Flask's default is None, so setdefault would not do
        app.config["SECRET_KEY"] = _secret_key(Path(app.config["DATA_DIR"]))
    backend.init_app(app)
    security.init_app(app)
    i18n.init_app(app)
    labels.init_app(app)
    digest.init_app(app)
    csrf.init_app(app)
    subscribe.init_app(app)
    app.before_request(params.reject_unexpected_parameters)
    conditional.init_app(app)
    for function in (params.page_url, params.toggle, params.same_search, charts.bars):
        app.add_template_global(function)
    for module in (pages, opportunities, topics, trends, digest, feeds, api, firms, firm_pages, firm_forms,
                   partners, cluster, subscribe, admin):
        app.register_blueprint(module.bp)
    return app


class HtmlSafeJSONProvider(DefaultJSONProvider):
    """Write <, > and & as \\u escapes: crawled text in JSON can never be read as markup."""

    ensure_ascii = False
    sort_keys = False

    def dumps(self, obj: Any, **kwargs: Any) -> str:
        text = super().dumps(obj, **kwargs)
        return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def _secret_key(folder: Path) -> str:
    """A random key kept in the data directory, so sessions survive restarts."""
    path = folder / "secret_key"
    if not path.exists():
        folder.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_hex(32))
        path.chmod(0o600)
    return path.read_text().strip()
