"""Stored XSS in the firms' outputs: a crawled opportunity, an award with hostile supplier names and
a firm whose name (typed into the public application form) is both markup and a formula stay text
on the firm's page and feed, the item page's partners, the partners API, the capability map and
its CSV, and the firm's weekly e-mail as it reaches a real SMTP server."""

from __future__ import annotations

import csv
import io

import feedparser
import pytest

from firms.store import FirmStore
from firms.suggest import with_suggested_topics
from search.document import Kind, Supplier
from tests.firms import cluster
from tests.web.conftest import seed
from tests.web.test_stored_xss import HOSTILE_ALL, TITLE, assert_text_only
from web import create_app
from web.commands import send_firm_matches

FIRM = "brunca-ciber"  # the cluster's only cybersecurity firm, renamed
FIRM_NAME = '=HYPERLINK("https://evil.example/","<img src=x onerror=xss(firm)>") Ciber'
TEAM = "hostile-team"  # needs IoT and cybersecurity: no firm covers both, so the item page shows teams
SUPPLIERS = ["<script>xss(supplier)</script>", '=HYPERLINK("https://evil.example/","gana")']
HOSTILE = [
    HOSTILE_ALL.model_copy(update={"id": TEAM, "kind": Kind.tender, "topics": ["iot", "cybersecurity"],
                                   "topic_scores": {"iot": 1.0, "cybersecurity": 1.0}}),
    HOSTILE_ALL.model_copy(update={"id": "hostile-award", "kind": Kind.award, "deadline": None,
                                   "topics": ["cybersecurity"],
                                   "suppliers": [Supplier(name=name) for name in SUPPLIERS]}),
]


@pytest.fixture
def client(data_dir):
    seed(data_dir, HOSTILE)
    FirmStore().save([f.model_copy(update={"public": True, **({"name": FIRM_NAME} if f.id == FIRM else {})})
                      for f in with_suggested_topics(cluster.firms())])
    return create_app({"TESTING": True, "DATA_DIR": str(data_dir)}).test_client()


@pytest.mark.parametrize("url, shown", [
    (f"/firms/{FIRM}", ("title", "firm")), (f"/items/{TEAM}", ("title", "firm")),
    ("/cluster", ("firm", "supplier")), ("/firms", ("firm",)),
])
def test_pages_show_every_field_as_text(client, url, shown):
    assert_text_only(client.get(url).get_data(as_text=True), url, shown)


def test_the_firms_atom_feed_carries_every_field_as_text(client):
    body = client.get(f"/firms/{FIRM}/feed.atom").get_data(as_text=True)
    assert_text_only(body, "the firm's feed", ("title", "summary", "firm"))
    parsed = feedparser.parse(body)
    assert parsed.feed.title == f"{FIRM_NAME} · Observatorio TIC"
    assert TITLE in [entry.title for entry in parsed.entries]


def test_the_partners_api_round_trips_the_names(client):
    response = client.get(f"/api/items/{TEAM}/partners")
    assert response.mimetype == "application/json" and response.headers["X-Content-Type-Options"] == "nosniff"
    names = {firm["name"] for team in response.get_json()["items"] for firm in team["firms"]}
    assert FIRM_NAME in names


def test_the_capability_csv_has_no_formula_cells(client):
    rows = list(csv.DictReader(io.StringIO(client.get("/cluster.csv").get_data(as_text=True)
                                           .removeprefix("\ufeff"))))
    row = next(r for r in rows if r["topic"] == "cybersecurity")
    assert row["firms"] == "'" + FIRM_NAME and SUPPLIERS[0] in row["suppliers"]
    assert not [cell for r in rows for cell in r.values() if cell[:1] in ("=", "+", "-", "@")]


def test_the_weekly_email_shows_the_titles_as_text(client, inbox):
    FirmStore().set_weekly(FIRM, True)
    assert send_firm_matches("https://observatorio.example.org", "2026-W49") == 0
    [message] = inbox.messages
    assert [part.get_content_type() for part in message.walk()] == ["text/plain"]  # no markup to render
    text = message.get_content()
    assert f"- {TITLE}" in text and FIRM_NAME in text
