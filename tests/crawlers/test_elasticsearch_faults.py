"""Elasticsearch down when a crawl starts, and dying during a bulk write: a clear error, nothing
marked as seen that was not stored, and the next run stores exactly what a clean crawl stores.

The crawl talks to the session's real test Elasticsearch through `Relay`, a TCP relay on
loopback that plays its death: from the chosen bulk request on it resets every connection and
drops new ones, as a killed server's host does, until the test brings it back. Killing the
test instance itself would cost a JVM start per test on a shared machine and lose its data.
"""

from __future__ import annotations

import contextlib
import socket
import socketserver
import threading
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from search.backend import get_backend
from tests.crawlers.conftest import catalogue, report, source, stored_documents
from tests.helpers import free_port, run_cli
from tests.search.conftest import drop_elasticsearch_index, elasticsearch_url  # noqa: F401 - a fixture

UNREACHABLE = "observatorio crawl: error: cannot reach Elasticsearch at "


class Relay(socketserver.ThreadingTCPServer):
    """Relay loopback connections to `upstream`; `cut_at_bulk` (1 = the first bulk request) dies
    before that request reaches Elasticsearch (`when="request"`) or after it did, before its
    answer reaches the crawler (`when="answer"`)."""

    daemon_threads = allow_reuse_address = True

    def __init__(self, upstream: str, cut_at_bulk: int = 0, when: str = "request"):
        host, port = upstream.removeprefix("http://").split(":")
        self.upstream, self.cut_at_bulk, self.when = (host, int(port)), cut_at_bulk, when
        self.bulks, self.down, self.sockets = 0, False, []
        super().__init__(("127.0.0.1", 0), RelayHandler)
        threading.Thread(target=self.serve_forever, daemon=True).start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"

    def die(self) -> None:
        self.down = True
        for sock in self.sockets:
            shut(sock)

    def revive(self) -> None:
        self.down, self.cut_at_bulk = False, 0


class RelayHandler(socketserver.BaseRequestHandler):
    server: Relay

    def handle(self) -> None:
        relay = self.server
        if relay.down:
            return  # accepted and closed at once: the client's request gets no answer
        with socket.create_connection(relay.upstream) as upstream:
            relay.sockets += [self.request, upstream]
            self.answer_is_fatal = False
            back = threading.Thread(target=self.pump, args=(upstream, self.request, self.answer), daemon=True)
            back.start()
            self.pump(self.request, upstream, self.request_chunk)
            back.join()

    def request_chunk(self, chunk: bytes) -> bool:
        relay = self.server
        if chunk.startswith((b"POST /_bulk", b"PUT /_bulk")):
            relay.bulks += 1
            if relay.bulks == relay.cut_at_bulk:
                if relay.when == "request":
                    relay.die()
                    return False
                self.answer_is_fatal = True
        return not relay.down

    def answer(self, chunk: bytes) -> bool:
        if self.answer_is_fatal:
            self.server.die()
        return not self.server.down

    @staticmethod
    def pump(source: socket.socket, target: socket.socket, forward) -> None:
        try:
            while (chunk := source.recv(65536)) and forward(chunk):
                target.sendall(chunk)
        except OSError:
            pass
        shut(source)
        shut(target)


def shut(sock: socket.socket) -> None:
    """Reset both directions of `sock`, if it is still open."""
    with contextlib.suppress(OSError):
        sock.shutdown(socket.SHUT_RDWR)


@pytest.fixture(scope="module")
def catalogues(tmp_path_factory, site) -> dict[str, Path]:
    """Two feed sources on one host (crawled one after the other, so each makes one bulk write,
    the first source's first), and the ids a clean crawl of them stores."""
    folder = tmp_path_factory.mktemp("es-faults")
    sources = catalogue(folder / "sources.yaml",
                        source("fx_es_first", "news", "feed", f"{site.base}/feeds/rss2.xml?esfault=1"),
                        source("fx_es_second", "news", "feed", f"{site.base}/feeds/atom.xml?esfault=1"))
    run_cli("crawl", "--sources", str(sources), env={"OBSERVATORIO_DATA_DIR": str(folder / "clean")})
    return {"sources": sources, "clean": folder / "clean"}


@pytest.fixture
def alias(elasticsearch_url) -> Iterator[str]:  # noqa: F811 - the fixture imported above
    """A fresh index alias on the test Elasticsearch, dropped afterwards."""
    name = f"test-{uuid.uuid4().hex[:12]}"
    yield name
    backend = get_backend("elasticsearch", url=elasticsearch_url, index=name)
    drop_elasticsearch_index(backend)


def crawl(catalogues: dict[str, Path], url: str, alias: str, data: Path):
    return run_cli("crawl", "--sources", str(catalogues["sources"]), env={
        "OBSERVATORIO_DATA_DIR": str(data), "OBSERVATORIO_SEARCH_BACKEND": "elasticsearch",
        "OBSERVATORIO_ELASTICSEARCH_URL": url, "OBSERVATORIO_ELASTICSEARCH_INDEX": alias})


def indexed_ids(url: str, alias: str) -> list[str]:
    backend = get_backend("elasticsearch", url=url, index=alias)
    return [doc.id for doc in backend.iter_documents()]


def assert_same_as_a_clean_crawl(ids: list[str], catalogues: dict[str, Path]) -> None:
    assert len(ids) == len(set(ids))
    assert sorted(ids) == sorted(d.id for d in stored_documents(catalogues["clean"])) and ids


def test_elasticsearch_down_when_a_crawl_starts_fetches_and_marks_nothing(
        tmp_path, site, catalogues, alias, elasticsearch_url):  # noqa: F811 - the fixture imported above
    before = len(site.hits)
    down = crawl(catalogues, f"http://127.0.0.1:{free_port()}", alias, tmp_path / "data")
    assert down.returncode == 2 and down.stdout == ""
    assert down.stderr.strip().splitlines()[-1].startswith(UNREACHABLE), down.stderr[-2000:]
    assert len(site.hits) == before  # nothing fetched
    assert not (tmp_path / "data" / "crawl_state.db").exists()  # so nothing marked as seen
    up = crawl(catalogues, elasticsearch_url, alias, tmp_path / "data")
    assert [row[0] for row in report(up.stdout).values()] == ["ok", "ok"], up.stdout
    assert_same_as_a_clean_crawl(indexed_ids(elasticsearch_url, alias), catalogues)


@pytest.mark.parametrize("when", ["request", "answer"])
def test_elasticsearch_dying_during_a_bulk_write_loses_nothing_on_the_next_run(
        tmp_path, catalogues, alias, elasticsearch_url, when):  # noqa: F811 - the fixture imported above
    relay = Relay(elasticsearch_url, cut_at_bulk=2, when=when)
    try:
        cut = crawl(catalogues, relay.url, alias, tmp_path / "data")
        rows = report(cut.stdout)
        assert rows["fx_es_first"][0] == "ok", cut.stdout
        assert rows["fx_es_second"][0] == "failed", cut.stdout
        assert "not indexed: cannot reach Elasticsearch" in " ".join(rows["fx_es_second"])
        stored = set(indexed_ids(elasticsearch_url, alias))
        first_ids = stored if when == "request" else None
        relay.revive()
        again = crawl(catalogues, relay.url, alias, tmp_path / "data")
    finally:
        relay.shutdown()
        relay.server_close()
    rows = report(again.stdout)
    assert [row[0] for row in rows.values()] == ["ok", "ok"], again.stdout
    new, unchanged = int(rows["fx_es_second"][1]), int(rows["fx_es_second"][3])
    # The lost request is indexed now; the lost answer had been, and is found unchanged.
    assert (new, unchanged) == ((1, 0) if when == "request" else (0, 1)), again.stdout
    ids = indexed_ids(elasticsearch_url, alias)
    assert_same_as_a_clean_crawl(ids, catalogues)
    assert first_ids is None or first_ids < set(ids)
