"""A source or redirect that reaches a private, loopback or link-local address is refused (SSRF)."""

from __future__ import annotations

import pytest

from crawlers.addresses import ENVIRONMENT, is_public
from crawlers.config import load_sources
from tests.crawlers.conftest import catalogue, report, source, stored_documents
from tests.helpers import run_cli


@pytest.mark.parametrize("address", [
    "127.0.0.1", "10.1.2.3", "172.16.0.9", "192.168.1.1", "169.254.169.254", "0.0.0.0", "100.64.0.1",
    "::1", "fe80::1%eth0", "fc00::5", "::ffff:127.0.0.1", "::ffff:169.254.169.254", "224.0.0.1", "::"])
def test_non_public_addresses(address):
    assert not is_public(address)


@pytest.mark.parametrize("address", ["8.8.8.8", "200.91.1.1", "2001:4860:4860::8888", "::ffff:8.8.8.8"])
def test_public_addresses(address):
    assert is_public(address)


def test_allow_private_defaults_to_false(tmp_path):
    path = catalogue(tmp_path / "s.yaml", source("fx_a", "news", "feed", "https://example.org/f.xml"),
                     source("fx_b", "news", "feed", "https://example.org/g.xml", "    allow_private: true\n"))
    assert [s.allow_private for s in load_sources(path)] == [False, True]


@pytest.fixture(scope="module")
def crawled(tmp_path_factory, site):
    """One crawl, without the environment's permission, of loopback sources with and without the flag."""
    folder = tmp_path_factory.mktemp("ssrf")
    port = site.base.rsplit(":", 1)[1]
    sources = catalogue(
        folder / "sources.yaml",
        source("fx_loopback", "news", "feed", f"{site.base}/feeds/rss2.xml?ssrf=ip"),
        # A name, resolved only when connecting: the address it reached is what counts.
        source("fx_localhost", "news", "feed", f"http://localhost:{port}/feeds/rss2.xml?ssrf=name"),
        source("fx_allowed", "news", "feed", f"{site.base}/feeds/atom.xml?ssrf=allowed",
               "    allow_private: true\n"),
    )
    result = run_cli("crawl", "--sources", str(sources),
                     env={"OBSERVATORIO_DATA_DIR": str(folder / "data"), ENVIRONMENT: "0"})
    return result, report(result.stdout), stored_documents(folder / "data")


@pytest.mark.parametrize("source_id", ["fx_loopback", "fx_localhost"])
def test_a_loopback_source_is_refused_with_a_reason(crawled, site, source_id):
    _, rows, documents = crawled
    status, new, *_ = rows[source_id]
    assert status == "failed" and new == "0"
    line = " ".join(rows[source_id])
    assert "non-public address 127.0.0.1" in line and "allow_private" in line
    query = "ip" if source_id == "fx_loopback" else "name"
    assert site.seen[f"/feeds/rss2.xml?ssrf={query}"] == 0  # refused before a byte was sent
    assert not [d for d in documents if d.source == source_id]


def test_a_source_that_allows_private_addresses_is_crawled(crawled, site):
    _, rows, documents = crawled
    assert rows["fx_allowed"][0] == "ok"
    assert site.seen["/feeds/atom.xml?ssrf=allowed"] == 1
    assert [d for d in documents if d.source == "fx_allowed"]
