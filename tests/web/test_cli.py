"""The CLI's contract: commands, one-line errors, exit codes."""

import json

import pytest

from search.backend import get_backend
from tests.helpers import run_cli
from tests.search.test_backend_contract import CORPUS


@pytest.mark.parametrize("args", [
    ["frobnicate"], ["search", "--size", "many"], ["crawl", "--bogus"], ["digest", "--format", "pdf"], [],
])
def test_bad_arguments_give_one_line_and_exit_2(args):
    result = run_cli(*args)
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1 and result.stderr.startswith("observatorio")
    assert "Traceback" not in result.stderr


def test_an_unknown_source_id_is_a_usage_error(data_dir):
    result = run_cli("crawl", "--source", "nope")
    assert result.returncode == 2 and "unknown source id 'nope'" in result.stderr


def test_the_firms_weekly_mail_without_the_sites_address_is_a_usage_error(data_dir, monkeypatch):
    monkeypatch.delenv("OBSERVATORIO_PUBLIC_URL", raising=False)
    result = run_cli("firms", "send")
    assert result.returncode == 2 and "OBSERVATORIO_PUBLIC_URL: not set, and no --base-url" in result.stderr


def test_search_json_is_the_api_shape(data_dir):
    backend = get_backend("sqlite")
    backend.upsert(CORPUS)
    backend.close()
    result = run_cli("search", "inteligencia", "--kind", "funding_call", "--json")
    body = json.loads(result.stdout)
    assert body["total"] == 1 and body["items"][0]["id"] == "ai-call"
    assert set(body["facets"]) == {"topic", "kind", "source", "lang", "stage", "supplier"}
    listing = run_cli("search", "--open")
    assert listing.stdout.startswith("2 result(s)")


def test_sources_lists_health(data_dir, tmp_path):
    from tests.crawlers.test_config import GOOD
    from tests.helpers import write_sources

    path = write_sources(tmp_path / "s.yaml", GOOD)
    result = run_cli("sources", "--sources", str(path))
    assert result.returncode == 0
    assert "micitt_convocatorias" in result.stdout and "never run" in result.stdout


SEARCHES = [
    {},
    {"q": "inteligencia", "lang": "es", "sort": "deadline"},
    {"topic": ["ai", "cybersecurity"], "kind": "funding_call", "mode": "keyword"},
    {"open": True, "duplicates": True, "page": "2", "size": "2"},
    {"q": "fondo", "published_from": "2000-01-01", "deadline_to": "2100-01-01", "country": "CR",
     "source": ["demo_a", "demo_b"], "sort": "published"},
    {"duplicate_of": "full-call"},
]


@pytest.mark.parametrize("params", SEARCHES)
def test_the_cli_search_prints_the_api_json_for_the_same_parameters(client, params):
    query = [(name, "true" if v is True else v) for name, value in params.items()
             for v in (value if isinstance(value, list) else [value])]
    api = client.get("/api/search", query_string=query)
    assert api.status_code == 200
    args = [params.get("q", "")]
    for name, value in query:
        if name != "q":
            args += [f"--{name}"] if value == "true" else [f"--{name}", value]
    cli = run_cli("search", *args, "--json")
    assert cli.returncode == 0, cli.stderr
    assert json.loads(cli.stdout) == api.get_json()


def test_a_bad_search_parameter_is_the_same_error_on_both(client):
    api = client.get("/api/search?page=two").get_json()["error"]
    cli = run_cli("search", "--page", "two")
    assert cli.returncode == 2
    assert cli.stderr.strip() == f"observatorio search: error: {api['field']}: {api['message']}"
