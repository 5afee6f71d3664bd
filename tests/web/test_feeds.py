"""Atom, iCalendar and CSV: the same searches, validated by standard parsers."""

import csv
import io
from datetime import date, datetime, timedelta

import feedparser
import pytest
from icalendar import Calendar

from tests.search.test_backend_contract import NOW, doc
from tests.web.conftest import HOSTILE_TITLE, SEEDED, seed
from web import feeds


def parse_atom(response):
    assert response.status_code == 200 and response.mimetype == "application/atom+xml"
    feed = feedparser.parse(response.data)
    assert not feed.bozo, feed.get("bozo_exception")
    assert feed.version == "atom10"
    return feed


def events(response) -> dict[str, object]:
    assert response.status_code == 200 and response.mimetype == "text/calendar"
    calendar = Calendar.from_ical(response.data)
    return {str(e["uid"]).split("@")[0]: e for e in calendar.walk("VEVENT")}


def test_topic_feed_lists_the_topic_newest_first(client):
    feed = parse_atom(client.get("/topics/ai/feed.atom"))
    assert feed.feed.title == "Inteligencia artificial · Observatorio TIC"
    links = [e.link for e in feed.entries]
    assert links[0].endswith("/items/ai-news") and len(links) == 4
    entry = next(e for e in feed.entries if e.link.endswith("/items/full-call"))
    assert "Cierre: 15 de diciembre de 2099" in entry.summary and "₡25.000.000" in entry.summary
    assert {t.term for t in entry.tags} == {"cybersecurity", "ai"}
    assert "https://example.org/full-call" in entry.summary  # the original, beside our page


def test_search_feed_takes_the_api_parameters(client):
    feed = parse_atom(client.get("/search.atom?q=ciberseguridad&kind=tender"))
    assert [e.link.rsplit("/", 1)[1] for e in feed.entries] == ["cyber-tender"]
    assert "ciberseguridad" in feed.feed.title
    everything = parse_atom(client.get("/search.atom"))
    assert len(everything.entries) == len(SEEDED) - 1  # without full-call-copy


def test_opportunities_calendar_has_one_event_per_open_deadline(client):
    found = events(client.get("/opportunities.ics"))
    assert set(found) == {"ai-call", "cyber-tender", "hostile", "full-call", "timed-tender"}  # no copy
    all_day = found["full-call"]
    assert all_day.decoded("dtstart") == date(2099, 12, 15) and all_day.decoded("dtend") == date(2099, 12, 16)
    assert str(all_day["summary"]) == "Cierre: Fondo PROPYME de innovación en ciberseguridad"
    assert str(all_day["url"]).endswith("/items/full-call")
    assert all_day.walk("VALARM"), "a reminder before the deadline"
    timed = found["timed-tender"].decoded("dtstart")
    assert isinstance(timed, datetime) and timed.tzinfo is not None


def test_opportunities_calendar_filters_by_topic_and_kind(client):
    assert set(events(client.get("/opportunities.ics?topic=cloud"))) == {"timed-tender"}
    assert set(events(client.get("/opportunities.ics?kind=tender"))) == {"cyber-tender", "timed-tender"}


def test_search_calendar_skips_documents_without_a_deadline(client):
    found = events(client.get("/search.ics?q=inteligencia"))
    assert set(found) == {"ai-call", "hostile"}  # ai-news has no deadline


def test_a_calendar_holds_the_soonest_deadlines_and_says_how_many_of_how_many(client, data_dir, monkeypatch):
    monkeypatch.setattr(feeds, "CALENDAR_SIZE", 3)
    seed(data_dir, [doc(f"late-{i}", f"Convocatoria tardía {i}", kind="funding_call",
                        deadline=(NOW + timedelta(days=100 + i)).date()) for i in range(4)])
    response = client.get("/opportunities.ics")
    assert set(events(response)) == {"cyber-tender", "timed-tender", "hostile"}  # closing within 9 days
    description = str(Calendar.from_ical(response.data)["x-wr-caldesc"])
    assert "Las 3 fechas de cierre más próximas de 9" in description and "/opportunities" in description
    assert "las 3 fechas de cierre más próximas" in client.get("/opportunities").get_data(as_text=True)
    monkeypatch.setattr(feeds, "CALENDAR_SIZE", 500)  # other URLs: answers are kept per URL and generation
    whole = client.get("/opportunities.ics?kind=funding_call&kind=tender")
    assert len(events(whole)) == 9 and "x-wr-caldesc" not in Calendar.from_ical(whole.data)
    assert "fechas de cierre más próximas" not in client.get("/opportunities?page=1").get_data(as_text=True)


def test_a_calendar_starts_today_unless_asked_to_reach_back(client, data_dir):
    seed(data_dir, [doc("closed-call", "Convocatoria cerrada de inteligencia", kind="funding_call",
                        deadline=(NOW - timedelta(days=30)).date())])
    assert "closed-call" not in events(client.get("/search.ics?q=inteligencia"))
    since = (NOW - timedelta(days=60)).date().isoformat()
    assert "closed-call" in events(client.get(f"/search.ics?q=inteligencia&deadline_from={since}"))


def test_csv_streams_every_matching_row_not_one_page(client, data_dir):
    seed(data_dir, [doc(f"bulk-{i}", f"Noticia de robótica {i}") for i in range(250)])
    response = client.get("/search.csv?q=robotica&size=10&page=2")
    assert response.is_streamed and response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))
    assert len(rows) == 250 and {r["id"] for r in rows} == {f"bulk-{i}" for i in range(250)}


def test_csv_has_every_field_and_neutralises_formulas(client, data_dir):
    seed(data_dir, [doc("formula", "=HYPERLINK(\"http://evil\")", summary="+1 @SUM(A1)")])
    rows = {r["id"]: r for r in csv.DictReader(io.StringIO(
        client.get("/search.csv").get_data(as_text=True).lstrip("\ufeff")))}
    assert rows["formula"]["title"].startswith("'=") and rows["formula"]["summary"].startswith("'+")
    full = rows["full-call"]
    assert (full["amount"], full["currency"], full["deadline"]) == ("25000000", "CRC", "2099-12-15")
    assert full["topics"] == "cybersecurity ai" and full["page"].endswith("/items/full-call")
    assert rows["hostile"]["title"] == HOSTILE_TITLE  # CSV is plain text: the spreadsheet shows it as text


@pytest.mark.parametrize("url", [
    "/search.atom?size=0", "/search.atom?sort=x", "/search.ics?open=maybe", "/search.csv?kind=poster",
    "/search.csv?bogus=1", "/opportunities.ics?kind=news", "/opportunities.ics?q=x",
    "/topics/ai/feed.atom?bogus=1", "/search.atom?topic=%3Cscript%3E",
])
def test_bad_feed_parameters_are_400_in_the_api_error_shape(client, url):
    response = client.get(url)
    assert response.status_code == 400 and response.get_json()["error"]["status"] == 400


def test_an_unknown_topic_feed_is_404_json(client):
    response = client.get("/topics/nope/feed.atom")
    assert response.status_code == 404 and response.get_json()["error"]["status"] == 404
