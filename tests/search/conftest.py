"""The `backend` fixture every contract test runs against: SQLite and a real Elasticsearch.

Elasticsearch is started once per session with scripts/elasticsearch (and stopped at the end
unless it was already running). Outside CI a machine that cannot start it skips the
Elasticsearch half with the reason; with CI=true that is an error, never a silent skip.
"""

from __future__ import annotations

import os
import subprocess
import uuid
from collections.abc import Iterator

import pytest

from search.backend import SearchBackend, get_backend
from tests.helpers import ROOT

SCRIPT = ROOT / "scripts" / "elasticsearch"


@pytest.fixture(scope="session")
def elasticsearch_url() -> Iterator[str]:
    """The URL of this checkout's test Elasticsearch."""
    already_running = subprocess.run([SCRIPT, "url"], capture_output=True, text=True)
    started = already_running if already_running.returncode == 0 else \
        subprocess.run([SCRIPT, "start"], capture_output=True, text=True, timeout=900)
    if started.returncode != 0:
        reason = f"Elasticsearch could not start: {started.stderr.strip()[-2000:]}"
        if os.environ.get("CI") == "true":
            pytest.fail(reason)
        pytest.skip(reason)
    yield started.stdout.strip()
    if already_running.returncode != 0:
        subprocess.run([SCRIPT, "stop"], capture_output=True, timeout=120)


def new_backend(name: str, request: pytest.FixtureRequest) -> SearchBackend:
    """An empty backend of that kind: a temporary SQLite file or a unique Elasticsearch alias."""
    if name == "sqlite":
        return get_backend("sqlite")
    url = request.getfixturevalue("elasticsearch_url")
    backend = get_backend("elasticsearch", url=url, index=f"test-{uuid.uuid4().hex[:12]}")
    request.addfinalizer(lambda: drop_elasticsearch_index(backend))
    return backend


def drop_elasticsearch_index(backend) -> None:
    backend.client.options(ignore_status=404).indices.delete(index=f"{backend.alias}-v*")
    backend.client.options(ignore_status=404).indices.delete_index_template(name=backend.alias)


@pytest.fixture(params=["sqlite", "elasticsearch"])
def empty_backend(request, data_dir) -> Iterator[SearchBackend]:
    """An empty backend, once per kind."""
    backend = new_backend(request.param, request)
    yield backend
    backend.close()
