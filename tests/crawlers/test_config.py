import pytest

from crawlers.config import ConfigError, demo_sources, load_sources, select
from tests.helpers import run_cli, write_sources

GOOD = """  - id: micitt_convocatorias
    kind: funding_call
    type: feed
    url: https://www.micitt.go.cr/feed
    language: es
    country: CR
"""


def test_a_valid_catalogue_loads(tmp_path):
    (source,) = load_sources(write_sources(tmp_path / "s.yaml", GOOD))
    assert source.id == "micitt_convocatorias" and source.type == "feed"


def test_the_bundled_catalogues_are_valid():
    assert load_sources(demo_sources(), base_url="http://127.0.0.1:1")
    assert load_sources()


def edit(old: str, new: str) -> str:
    return GOOD.replace(old, new)


OCDS = edit("type: feed", "type: ocds")


@pytest.mark.parametrize(("broken", "line", "fragment"), [
    (edit("CR\n", "CR\n    colour: red\n"), 8, "sources[0].colour: unknown key"),
    (edit("kind: funding_call", "kind: poster"), 3, "sources[0].kind"),
    (edit("https://www.micitt.go.cr/feed", "ftp//nope"), 5, "sources[0].url: 'ftp//nope' is not an absolute"),
    (edit("language: es", "language: spanish"), 6, "sources[0].language"),
    (edit("    type: feed\n", ""), 2, "sources[0]"),
    (edit("id: micitt_convocatorias", "id: MICITT feed"), 2, "sources[0].id"),
    (GOOD + GOOD, 8, "sources[1].id: source id 'micitt_convocatorias' is used twice"),
    (edit("es\n", "es\n   bad: indent\n"), 7, "invalid YAML"),
    (edit("type: feed", "type: feed\n    listing: {a: b}"), 5, "sources[0].listing: unknown key"),
    (edit("CR\n", "CR\n    download_delay: -1\n"), 8, "sources[0].download_delay"),
    (edit("CR\n", "CR\n    attachments: {max_mb: big}\n"), 8, "sources[0].attachments.max_mb"),
    (edit("CR\n", "CR\n    attachments: {types: [pdf, exe]}\n"), 8, "sources[0].attachments.types"),
    (edit("CR\n", "CR\n    recrawl_days: soon\n"), 8, "sources[0].recrawl_days"),
    (OCDS.replace("CR\n", "CR\n    archive: {max_uncompressed_mb: 0}\n"), 8,
     "sources[0].archive.max_uncompressed_mb"),
    (OCDS.replace("CR\n", "CR\n    archive: {max_mb: 5}\n"), 8, "sources[0].archive.max_mb: unknown key"),
    (GOOD + "crawler:\n  user_agent: Bot/1.0\n", 9, "crawler.user_agent: the User-Agent must name a contact"),
    (GOOD + "crawler:\n  timeout: 0\n", 9, "crawler.timeout"),
    (GOOD + "crawler:\n  politeness: none\n", 9, "crawler.politeness: unknown key"),
])
def test_errors_name_file_line_and_field(tmp_path, broken, line, fragment):
    path = write_sources(tmp_path / "sources.yaml", broken)
    with pytest.raises(ConfigError) as error:
        load_sources(path)
    assert str(error.value).startswith(f"{path}:{line}: ")
    assert fragment in str(error.value)


API = """  - id: grantsgov_search
    kind: funding_call
    type: api
    url: https://api.grants.gov/v1/api/search2
    language: en
    method: POST
    items: data.oppHits
    fields:
      url: "join('', ['https://www.grants.gov/search-results-detail/', id])"
      title: title
    pagination: {style: offset, param: startRecordNum, size: 25}
"""


def test_an_api_source_loads(tmp_path):
    (api,) = load_sources(write_sources(tmp_path / "s.yaml", API))
    assert api.type == "api" and api.pagination.size == 25 and api.fields.title == "title"


@pytest.mark.parametrize(("old", "new", "line", "fragment"), [
    ("title: title", "title: \"title[\"", 11, "fields.title: 'title[' is not a JMESPath expression"),
    ("items: data.oppHits", "items: \"data.[\"", 8, "sources[0].items"),
    (", size: 25}", "}", 12, "sources[0].pagination.size: pagination style 'offset' needs 'size'"),
    ("method: POST", "method: PUT", 7, "sources[0].method"),
    ("    items: data.oppHits\n", "", 2, "sources[0].items"),
    ("language: en", "language: en\n    listing: {item_links: a}", 7, "sources[0].listing: unknown key"),
])
def test_api_errors_name_line_and_field(tmp_path, old, new, line, fragment):
    path = write_sources(tmp_path / "sources.yaml", API.replace(old, new))
    with pytest.raises(ConfigError) as error:
        load_sources(path)
    assert str(error.value).startswith(f"{path}:{line}: "), str(error.value)
    assert fragment in str(error.value) and "\n" not in str(error.value)


def test_flags_belong_to_their_types(tmp_path):
    with pytest.raises(ConfigError, match="sources\\[0\\].fetch_article: unknown key"):
        load_sources(write_sources(tmp_path / "s.yaml", GOOD.replace("type: feed", "type: ocds")
                                   + "    fetch_article: true\n"))
    (feed,) = load_sources(write_sources(tmp_path / "f.yaml", GOOD + "    attachments: true\n"))
    assert feed.attachments.max_files == 5 and feed.attachments.types == ("pdf", "docx", "odt")


def test_relative_urls_need_a_base(tmp_path):
    path = write_sources(tmp_path / "s.yaml", GOOD.replace("https://www.micitt.go.cr/feed", "/feed.xml"))
    with pytest.raises(ConfigError, match="not an absolute"):
        load_sources(path)
    assert load_sources(path, base_url="http://127.0.0.1:8080")[0].url == "http://127.0.0.1:8080/feed.xml"


def test_select_by_id(tmp_path):
    sources = load_sources(write_sources(tmp_path / "s.yaml", GOOD))
    assert select(sources, None) == sources
    with pytest.raises(ConfigError, match="unknown source id 'nope'"):
        select(sources, ["nope"])


def test_the_cli_refuses_a_malformed_catalogue_in_one_line(tmp_path):
    path = write_sources(tmp_path / "sources.yaml", GOOD.replace("kind: funding_call", "kind: poster"))
    result = run_cli("crawl", "--sources", str(path), env={"OBSERVATORIO_DATA_DIR": str(tmp_path)})
    assert result.returncode == 2
    assert result.stdout == ""
    assert result.stderr.count("\n") == 1 and "Traceback" not in result.stderr
    assert f"{path}:3: sources[0].kind" in result.stderr
