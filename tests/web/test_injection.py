"""Hostile input on every other surface: calendars, CSV, query syntax, item ids, the admin's runs."""

import csv
import io

import pytest
from icalendar import Calendar

from tests.web.conftest import HOSTILE_TITLE


@pytest.mark.parametrize("url", ["/search.ics?q=inteligencia", "/opportunities.ics"])
def test_calendars_carry_crawled_markup_as_text(client, url):
    response = client.get(url)
    assert response.status_code == 200
    events = Calendar.from_ical(response.data).walk("VEVENT")
    summaries = [str(event["SUMMARY"]) for event in events]
    assert any(HOSTILE_TITLE in summary for summary in summaries), summaries


def test_csv_carries_crawled_markup_as_one_cell(client):
    rows = list(csv.reader(io.StringIO(client.get("/search.csv?q=inteligencia").get_data(as_text=True))))
    header = rows[0]
    assert HOSTILE_TITLE in [row[header.index("title")] for row in rows[1:]]
    assert all(len(row) == len(header) for row in rows)


QUERIES = ['" OR 1=1 --', "title:*", "*", "NEAR(a b)", "a AND", "(", ")", '"', "'; DROP TABLE documents; --",
           "\x00", "a" * 5000, "^", "{!lucene}x", "x~10", "/.*/", "\\", "body:(a OR b)", "-", "+ +"]


@pytest.mark.parametrize("query", QUERIES)
@pytest.mark.parametrize("path", ["/", "/api/search", "/search.atom", "/search.csv", "/search.ics"])
def test_query_syntax_is_never_an_error_of_the_server(client, path, query):
    response = client.get(path, query_string={"q": query})
    assert response.status_code in (200, 400), (path, query, response.status_code)
    if response.status_code == 400 and path == "/api/search":
        assert response.get_json()["error"]


ITEM_IDS = ["..%2F..%2Fetc%2Fpasswd", "../../etc/passwd", "%2e%2e%2f%2e%2e%2fobservatorio.db", "x" * 10_000,
            "%00", "a%0d%0aSet-Cookie:%20x=1", "..", "%252e%252e"]


@pytest.mark.parametrize("doc_id", ITEM_IDS)
@pytest.mark.parametrize("prefix", ["/items/", "/api/items/"])
def test_hostile_item_ids_are_not_found(client, prefix, doc_id):
    response = client.get(prefix + doc_id)
    assert response.status_code in (404, 414), (prefix, doc_id, response.status_code)
    assert "root:" not in response.get_data(as_text=True) and "Set-Cookie" not in response.headers
