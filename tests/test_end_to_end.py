"""`observatorio demo`, as a user runs it: demo site over local HTTP → crawl → SQLite → web."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import urllib.request
from urllib.parse import quote

import pytest

from tests.helpers import ROOT, free_port


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    """Start `observatorio demo` and wait until it prints the UI's address."""
    data = tmp_path_factory.mktemp("demo-data")
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "web.cli", "demo", "--port", str(port)], cwd=ROOT,
        env={**os.environ, "OBSERVATORIO_DATA_DIR": str(data)},
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )
    output = []
    for line in process.stdout:
        output.append(line)
        if line.startswith("Observatorio TIC: http://"):
            break
    else:
        pytest.fail("demo exited before serving:\n" + "".join(output))
    yield f"http://127.0.0.1:{port}", "".join(output)
    process.terminate()
    process.wait(timeout=30)
    process.stdout.close()


def get_json(url: str) -> dict:
    with urllib.request.urlopen(url, timeout=30) as response:
        return json.load(response)


def test_every_demo_source_is_crawled(demo):
    _, report = demo
    rows = [line.split() for line in report.splitlines() if line.startswith("demo_")]
    assert len(rows) >= 5
    assert all(row[1] == "ok" for row in rows), report
    assert sum(int(row[2]) for row in rows) >= 60


def test_searching_inteligencia_artificial_returns_ai_items_with_facets(demo):
    base, _ = demo
    body = get_json(f"{base}/api/search?q={quote('inteligencia artificial')}")
    assert body["total"] >= 3
    assert set(body["facets"]) == {"topic", "kind", "source", "lang", "stage", "supplier"}
    assert body["facets"]["topic"]["ai"] >= 3
    assert "ai" in body["items"][0]["topics"]
    kinds = get_json(f"{base}/api/search?size=1")["facets"]["kind"]
    assert kinds["funding_call"] >= 20 and kinds["tender"] >= 20 and kinds["news"] >= 20


def test_the_search_page_shows_tagged_results(demo):
    base, _ = demo
    with urllib.request.urlopen(f"{base}/?q=inteligencia+artificial", timeout=30) as response:
        page = response.read().decode()
    assert "<mark>" in page and '<a class="topic" href="/topics/ai">Inteligencia artificial</a>' in page


def test_open_opportunities_exist_on_any_day(demo):
    base, _ = demo
    body = get_json(f"{base}/api/search?open=true&sort=deadline&kind=funding_call,tender")
    assert body["total"] >= 10
    deadlines = [item["deadline"][:10] for item in body["items"]]
    assert deadlines == sorted(deadlines)


def test_the_demo_copies_are_linked_to_their_originals(demo):
    base, _ = demo
    items = get_json(f"{base}/api/search?size=100&duplicates=true")["items"]
    by_page = {item["url"].rsplit("/", 1)[-1]: item for item in items}
    tender = by_page["licitacion-pz-tramites-asistente-virtual.html"]
    ocds = next(i for i in items if i["url"].endswith("/sicop-munipz-tramites-en-linea.html"))
    assert tender["duplicate_of"] == ocds["id"]  # OCDS published first
    news = by_page["surdigital-laboratorio-ia-uned.html"]
    assert news["duplicate_of"] == by_page["techwire-laboratorio-ia-san-isidro.html"]["id"]
    assert sum(1 for i in items if i["duplicate_of"]) == 2
