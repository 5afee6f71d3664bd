"""JSON APIs: every pagination style, GET and POST, fields mapped by dotted paths and JMESPath."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from tests.crawlers.conftest import catalogue, crawl_twice, report, source
from tests.helpers import run_cli

FIELDS = """    items: data.results
    fields:
      url: {url}
      title: opportunity.title
      summary: opportunity.synopsis
      published: opportunity.posted
      deadline: opportunity.closes
      amount: opportunity.award.ceiling
      currency: opportunity.award.currency
      organizations: opportunity.agency.name
      categories: opportunity.tags
      attachments: opportunity.documents
"""
STYLES = {
    "fx_api_page": ("/api/page", "{style: page, param: page, start: 1, size: 2, size_param: size}"),
    "fx_api_offset": ("/api/offset", "{style: offset, param: offset, start: 0, size: 2, size_param: size}"),
    "fx_api_cursor": ("/api/cursor?size=2", "{style: cursor, param: cursor, next: meta.next_cursor}"),
    "fx_api_next": ("/api/next?size=2", "{style: next_link, next: links.next}"),
    "fx_api_limited": ("/api/page", "{style: page, param: page, size: 2, size_param: size, max_pages: 2}"),
}


def api_source(sid: str, path: str, pagination: str, base: str, extra: str = "") -> str:
    url = "links.self" if sid == "fx_api_page" else f"join('', [links.self, '?via={sid}'])"
    fields = FIELDS.format(url=f'"{url}"')
    if sid == "fx_api_limited":  # no dates mapped, and the API sends no Last-Modified
        fields = fields.replace("      published: opportunity.posted\n", "")
    return source(sid, "funding_call", "api", base + path, language="en",
                  extra=fields + f"    pagination: {pagination}\n{extra}")


@pytest.fixture(scope="module")
def crawled(tmp_path_factory, site):
    folder = tmp_path_factory.mktemp("api")
    entries = [api_source(sid, path, pagination, site.base) for sid, (path, pagination) in STYLES.items()]
    entries.append(api_source("fx_api_post", "/api/search", "{style: page, param: page, size: 2}", site.base,
                              '    method: POST\n    body: {size: 2, keyword: "innovation"}\n'
                              "    attachments: true\n"))
    invalid = ("    items: data.results\n"
               "    fields: {url: links.self, title: opportunity.title, published: opportunity}\n")
    entries.append(source("fx_api_invalid", "funding_call", "api", f"{site.base}/api/page", invalid, "en"))
    sources = catalogue(folder / "sources.yaml", *entries)
    return crawl_twice(sources, folder / "data")


def test_every_pagination_style_reads_every_record(crawled):
    first, _, _ = crawled
    assert first.returncode == 0, first.stderr
    rows = report(first.stdout)
    assert {sid: int(row[1]) for sid, row in rows.items()} == {
        "fx_api_page": 5, "fx_api_offset": 5, "fx_api_cursor": 5, "fx_api_next": 5, "fx_api_limited": 4,
        "fx_api_post": 5, "fx_api_invalid": 0}, first.stdout
    assert all(row[0] == "ok" for sid, row in rows.items() if sid != "fx_api_invalid")


def test_invalid_records_are_counted_and_explained(crawled):
    row = report(crawled[0].stdout)["fx_api_invalid"]
    assert row[:5] == ["failed", "0", "0", "0", "2"]  # one page of 2, no `size` to ask for more
    assert "invalid document: published:" in " ".join(row)


def test_the_post_body_carries_the_page(site, crawled):
    posts = [hit for hit in site.hits if hit.method == "POST"]
    assert len(posts) >= 3


def test_fields_are_mapped(crawled, site):
    doc = next(d for d in crawled[2] if d.source == "fx_api_page" and d.url.endswith("/OPP-1"))
    assert doc.url == f"{site.base}/oportunidades/OPP-1"  # relative URL resolved against the page
    assert doc.title == "Grant for artificial intelligence in agriculture"
    assert doc.summary == "Grant for artificial intelligence in agriculture. Applications are open."
    assert doc.published == datetime(2026, 3, 1, tzinfo=UTC)
    assert doc.deadline == date(2026, 5, 11)
    assert doc.amount.value == 50_000 and doc.amount.currency == "USD"
    assert doc.organizations == ["Example Development Fund"]
    assert doc.categories == ["innovation", "tag1"]
    assert "ai" in doc.topics


def test_undated_records_get_the_fetch_time(crawled):
    doc = next(d for d in crawled[2] if d.source == "fx_api_limited")
    assert doc.published_estimated and abs((doc.published - doc.fetched).total_seconds()) < 1


def test_jmespath_expressions_and_attachments(crawled, site):
    doc = next(d for d in crawled[2] if d.source == "fx_api_post" and "OPP-1" in d.url)
    assert doc.url == f"{site.base}/oportunidades/OPP-1?via=fx_api_post"
    assert doc.attachments[0].url == f"{site.base}/files/bases.pdf"
    assert "Fecha límite" in doc.attachments[0].text


def test_a_second_run_finds_nothing_new(crawled):
    _, second, _ = crawled
    rows = report(second.stdout)
    assert all(row[1:3] == ["0", "0"] for row in rows.values()), second.stdout
    assert rows["fx_api_cursor"][3] == "5"


def test_sources_on_one_host_take_turns(tmp_path, site):
    """Each source has its own downloader: on one host they run in turn, keeping its limits."""
    entries = [api_source(sid, *STYLES[sid], site.base) for sid in ("fx_api_offset", "fx_api_next")]
    sources = catalogue(tmp_path / "sources.yaml", *entries)
    mark = len(site.hits)
    env = {"OBSERVATORIO_DATA_DIR": str(tmp_path / "data")}
    result = run_cli("crawl", "--sources", str(sources), env=env)
    assert result.returncode == 0, result.stderr
    paths = [hit.path.split("?")[0] for hit in site.hits[mark:] if hit.path.startswith("/api/")]
    assert paths.count("/api/offset") >= 2 and paths.count("/api/next") >= 2
    assert paths in (sorted(paths), sorted(paths, reverse=True))  # one source's pages, then the other's
