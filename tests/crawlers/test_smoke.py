"""Smoke test: every source type crawls a fixture through the CLI and indexes something."""

from __future__ import annotations

import pytest

from crawlers.spiders import SPIDERS
from tests.crawlers.conftest import catalogue, report, source
from tests.helpers import run_cli

SMOKE = {
    "feed": ("/feeds/rss2.xml", ""),
    "ocds": ("/ocds/release_package.json", ""),
    "html": ("/html/index.html", '    listing:\n      item_links: "ul.avisos a::attr(href)"\n'),
    "browser": ("/browser/index.html", '    listing:\n      item_links: "#resultados a::attr(href)"\n'
                                       '    browser:\n      wait_for: "#resultados a"\n'),
    "api": ("/api/page", "    items: data.results\n"
                         "    fields: {url: links.self, title: opportunity.title}\n"),
}


@pytest.fixture(scope="module")
def crawled(tmp_path_factory, site):
    folder = tmp_path_factory.mktemp("smoke")
    entries = [source(f"smoke_{type_}", "news", type_, site.base + path, extra)
               for type_, (path, extra) in SMOKE.items()]
    sources = catalogue(folder / "sources.yaml", *entries)
    result = run_cli("crawl", "--sources", str(sources), env={"OBSERVATORIO_DATA_DIR": str(folder / "data")})
    assert result.returncode == 0, result.stderr
    return report(result.stdout)


def test_every_type_has_a_smoke_source():
    assert set(SMOKE) == set(SPIDERS)


@pytest.mark.parametrize("type_", sorted(SPIDERS))
def test_each_type_crawls(crawled, type_):
    status, new = crawled[f"smoke_{type_}"][:2]
    assert status in ("ok", "partial") and int(new) >= 1
