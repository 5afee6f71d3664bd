"""The Flask web app: search, items, JSON API; built by `create_app`."""

from __future__ import annotations

import os
import secrets
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from flask import Flask
from flask.json.provider import DefaultJSONProvider

from search.backend import data_dir

from . import api, backend, pages


def create_app(test_config: Mapping[str, Any] | None = None) -> Flask:
    """Settings come from defaults, then OBSERVATORIO_* variables, then `test_config`."""
    app = Flask(__name__)
    app.json = HtmlSafeJSONProvider(app)
    app.config.from_mapping(
        DATA_DIR=str(data_dir()),
        SEARCH_BACKEND=os.environ.get("OBSERVATORIO_SEARCH_BACKEND") or "sqlite",
    )
    if test_config:
        app.config.from_mapping(test_config)
    app.config.setdefault("SECRET_KEY", _secret_key(Path(app.config["DATA_DIR"])))
    backend.init_app(app)
    app.register_blueprint(pages.bp)
    app.register_blueprint(api.bp)
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
