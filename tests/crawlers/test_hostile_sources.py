"""Sources that trickle, answer garbage, a 50 MB body or a redirect loop: each fails alone, with a
reason, storing nothing; a well-behaved source in the same run is crawled as usual."""

import os
import time
from http.server import BaseHTTPRequestHandler

import pytest

from core.httpd import serving
from tests.crawlers.conftest import catalogue, report, source, stored_documents
from tests.helpers import run_cli

MB = 1024 * 1024


class Hostile(BaseHTTPRequestHandler):
    def log_message(self, format, *args):  # noqa: A002 - the stdlib's signature
        pass

    def do_GET(self):
        try:
            if self.path.startswith("/loop"):
                self.send_response(302)
                self.send_header("Location", "/loop-again" if self.path == "/loop" else "/loop")
                self.end_headers()
            elif self.path == "/garbage.xml":
                self.answer(os.urandom(4096))
            elif self.path == "/huge.xml":
                self.answer(None, length=50 * MB)
            elif self.path == "/trickle.xml":
                self.answer(None, length=1000, pause=0.2)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the crawler gave up, as it should

    def answer(self, body, length=None, pause=0.0):
        self.send_response(200)
        self.send_header("Content-Type", "application/xml")
        self.send_header("Content-Length", str(length or len(body)))
        self.end_headers()
        if body is not None:
            self.wfile.write(body)
            return
        chunk = b"<" if pause else b"<rss>" + b" " * (MB - 5)
        for _ in range(length // len(chunk)):
            self.wfile.write(chunk)
            self.wfile.flush()
            time.sleep(pause)


@pytest.fixture(scope="module")
def crawled(tmp_path_factory, site):
    folder = tmp_path_factory.mktemp("hostile")
    with serving(Hostile) as base:
        sources = catalogue(
            folder / "sources.yaml",
            source("fx_loop", "news", "feed", f"{base}/loop"),
            source("fx_garbage", "news", "feed", f"{base}/garbage.xml"),
            source("fx_fifty_mb", "news", "feed", f"{base}/huge.xml"),
            source("fx_trickle", "news", "feed", f"{base}/trickle.xml"),
            source("fx_fine", "news", "feed", f"{site.base}/feeds/rss2.xml?hostile=1"))
        env = {"OBSERVATORIO_DATA_DIR": str(folder / "data")}
        result = run_cli("crawl", "--sources", str(sources), env=env)
    documents = stored_documents(folder / "data")
    return report(result.stdout), {d.source for d in documents}, len(documents)


@pytest.mark.parametrize("source_id, reason", [
    ("fx_loop", "redirect"), ("fx_garbage", ""), ("fx_fifty_mb", ""), ("fx_trickle", "")])
def test_each_hostile_source_fails_alone_with_a_reason(crawled, source_id, reason):
    rows, sources, _ = crawled
    status, new, *_rest = rows[source_id]
    assert status == "failed" and new == "0", rows[source_id]
    assert len(rows[source_id]) > 6 and reason in " ".join(rows[source_id]).lower(), rows[source_id]
    assert source_id not in sources


def test_the_well_behaved_source_is_crawled(crawled):
    rows, sources, count = crawled
    assert rows["fx_fine"][0] == "ok" and sources == {"fx_fine"} and count == int(rows["fx_fine"][1])
