"""Stored XSS: a crawled document with markup in every field it has (title, summary, body,
organisations, its link, its attachments' names and links) stays text in every output: the
pages, Atom, iCalendar, CSV, JSON, and the digest and alert e-mails as they reach a real SMTP
server (the firms' outputs: tests/firms/test_stored_xss.py)."""

import csv
import io
from datetime import timedelta
from email.message import EmailMessage
from html.parser import HTMLParser

import feedparser
import pytest
from icalendar import Calendar

from search.document import Attachment
from tests.helpers import run_cli
from tests.search.test_backend_contract import NOW, doc
from tests.web.conftest import SEEDED, seed
from web import create_app
from web.digest import iso_week
from web.subscriptions import Subscriptions

DOC_ID = "hostile-all"
TITLE = "<script>xss(title)</script> inteligencia"
FIELDS = dict(
    summary='=HYPERLINK("https://evil.example/","<img src=x onerror=xss(summary)>")',  # a formula too
    body="<svg onload=xss(body)> inteligencia artificial",
    organizations=['<a href="javascript:xss(org)">Org</a>', "<b>Otra</b>"],
    url="javascript:xss(link)",
    attachments=[Attachment(url="javascript:xss(attachment_link)",
                            title="<iframe src=javascript:xss(attachment)>.pdf", text="bases"),
                 Attachment(url='https://example.org/bases.pdf" onmouseover="xss(quote)', title="bases.pdf")],
    kind="funding_call", topics=["ai"], deadline=(NOW + timedelta(days=9)).date(),
)
HOSTILE_ALL = doc(DOC_ID, TITLE, **FIELDS)
# What must never reach a document that a browser or a mail client renders as HTML.
RAW = ("<script>xss", "<img src=x onerror=xss", "<svg onload=xss", "<iframe src=javascript:xss",
       '<a href="javascript:xss', "<b>Otra", '" onmouseover="xss')


@pytest.fixture
def app(data_dir):
    seed(data_dir, [*SEEDED, HOSTILE_ALL])
    return create_app({"TESTING": True, "DATA_DIR": str(data_dir)})


SAFE_LINKS = ("http://", "https://", "/", "#", "mailto:", "data:,")  # data:, the empty favicon


def assert_text_only(markup: str, where: str, shown: tuple[str, ...] = ("title",)) -> None:
    """No payload as markup, and the fields `shown` there as (escaped) text."""
    for raw in RAW:
        assert raw not in markup, f"{where}: {raw!r} is markup"
    for field in shown:
        assert f"xss({field})" in markup, f"{where} does not show the hostile {field}"
    links = Links()
    links.feed(markup)
    assert not [link for link in links.found if not link.startswith(SAFE_LINKS)], where


class Links(HTMLParser):
    """Every href and src of the markup's real elements (not of text that merely looks like one)."""

    def __init__(self):
        super().__init__()
        self.found: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.found += [value or "" for name, value in attrs if name in ("href", "src")]


@pytest.mark.parametrize("url, shown", [
    (f"/items/{DOC_ID}", ("title", "summary", "body", "org", "attachment")),
    ("/?q=inteligencia", ("title",)), ("/opportunities", ("title", "org")), ("/topics/ai", ("title",)),
])
def test_pages_show_every_field_as_text(client, url, shown):
    assert_text_only(client.get(url).get_data(as_text=True), url, shown)


def test_an_attachment_link_that_closes_its_quote_stays_inside_it(client):
    page = client.get(f"/items/{DOC_ID}").get_data(as_text=True)
    assert 'href="https://example.org/bases.pdf&#34; onmouseover=&#34;xss(quote)"' in page


@pytest.mark.parametrize("url", ["/search.atom?q=inteligencia", "/topics/ai/feed.atom"])
def test_atom_carries_every_field_as_text(client, url):
    body = client.get(url).get_data(as_text=True)
    assert_text_only(body, url, ("title", "summary"))
    entry = next(e for e in feedparser.parse(body).entries if e.link.endswith(f"/items/{DOC_ID}"))
    assert entry.title == TITLE


@pytest.mark.parametrize("url", ["/search.ics?q=inteligencia", "/opportunities.ics"])
def test_calendars_link_only_the_item_page(client, url):
    events = Calendar.from_ical(client.get(url).data).walk("VEVENT")
    event = next(e for e in events if str(e["UID"]).startswith(f"{DOC_ID}@"))
    assert TITLE in str(event["SUMMARY"]) and str(event["URL"]).endswith(f"/items/{DOC_ID}")
    assert "X-ALT-DESC" not in event  # plain text only: no HTML description for clients to render


def test_csv_cells_are_text_never_formulas(client):
    rows = list(csv.DictReader(io.StringIO(client.get("/search.csv?q=inteligencia").get_data(as_text=True)
                                           .removeprefix("\ufeff"))))
    row = next(r for r in rows if r["id"] == DOC_ID)
    assert row["title"] == TITLE and row["summary"] == "'" + FIELDS["summary"]
    assert not [cell for cell in row.values() if cell[:1] in ("=", "+", "-", "@")]


def test_json_round_trips_every_field(client):
    response = client.get(f"/api/items/{DOC_ID}")
    assert response.mimetype == "application/json" and response.headers["X-Content-Type-Options"] == "nosniff"
    item = response.get_json()
    assert item["title"] == TITLE and item["body"] == FIELDS["body"] and item["summary"] == FIELDS["summary"]
    assert item["organizations"] == FIELDS["organizations"] and item["url"] == FIELDS["url"]
    expected = [(a.title, a.url) for a in FIELDS["attachments"]]
    assert [(a["title"], a["url"]) for a in item["attachments"]] == expected


def mail_parts(message: EmailMessage, where: str) -> tuple[str, str]:
    """The message's text and HTML parts; its subject, a header no client renders, without payload."""
    assert "xss" not in message["Subject"], where
    return message.get_body(("plain",)).get_content(), message.get_body(("html",)).get_content()


def test_the_digest_email_shows_every_field_as_text(data_dir, tmp_path, inbox):
    seed(data_dir, [*SEEDED, HOSTILE_ALL])
    subscribers = tmp_path / "subscribers.yaml"
    subscribers.write_text("subscribers:\n  - {email: comision@example.org}\n"
                           "  - {email: ia@example.org, lang: en}\n")
    sent = run_cli("digest", "--week", iso_week(HOSTILE_ALL.published.date()), "--send",
                   "--subscribers", str(subscribers))
    assert sent.returncode == 0, sent.stdout + sent.stderr[-2000:]
    assert len(inbox.messages) == 2
    for message in inbox.messages:
        where = f"e-mail to {message['To']}"
        text, html = mail_parts(message, where)
        assert_text_only(html, where, ("title", "org"))
        # The text part is Markdown, which some clients render: its markup is escaped too.
        assert_text_only(text, f"text of the {where}", ())
        assert "&lt;script&gt;xss\\(title\\)" in text


def test_the_alert_emails_show_every_field_as_text(data_dir, inbox):
    seed(data_dir, [*SEEDED, HOSTILE_ALL])
    store = Subscriptions(data_dir / "subscriptions.db")
    asked = [("tema@example.org", "topic", {"topics": ("ai",), "base_url": "https://observatorio.example/"}),
             # no site address known: the message links the documents' own URLs
             ("busqueda@example.org", "search", {"query": "q=inteligencia", "lang": "en"})]
    for address, kind, what in asked:  # confirmed before any baseline: every match is new
        store.confirm(store.request(address, kind, frequency="daily", **what).id)
    sent = run_cli("alerts", "--send")
    assert sent.returncode == 0 and "alerts sent to 2 of 2" in sent.stdout, sent.stdout + sent.stderr[-2000:]
    for message in inbox.messages:
        where = f"alert to {message['To']}"
        text, html = mail_parts(message, where)
        assert_text_only(html, where)
        assert f"- {TITLE}" in text, where  # plain text, shown as it is
