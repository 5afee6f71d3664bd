"""The app, its test client and a seeded index in a temporary data directory."""

import pytest

from search.backend import get_backend
from tests.search.test_backend_contract import CORPUS, doc
from web import create_app

HOSTILE = doc("hostile", '<script>alert("x")</script><img src=x onerror=alert(1)> inteligencia',
              body='<img src=x onerror=alert(1)> inteligencia artificial <b>bold</b>', topics=["ai"],
              organizations=["<script>org</script>"])


@pytest.fixture
def app(data_dir):
    backend = get_backend("sqlite", path=data_dir / "observatorio.db")
    backend.upsert([*CORPUS, HOSTILE])
    backend.close()
    return create_app({"TESTING": True, "DATA_DIR": str(data_dir)})


@pytest.fixture
def client(app):
    return app.test_client()
