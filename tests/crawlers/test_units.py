"""The crawler's pure parts: text decoding, attachments, links, Retry-After, crawl state."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from parsel import Selector
from scrapy.http import Response

from core import clock
from crawlers.attachments import document_type, extract_text
from crawlers.config import AttachmentRule, CrawlerOptions, FeedSource
from crawlers.errors import AttachmentError
from crawlers.links import document_links, looks_like_document
from crawlers.middlewares import retry_after
from crawlers.settings import source_settings
from crawlers.state import CrawlState, PageState, Version
from crawlers.text import decode, derived_title
from tests.crawlers.documents import BASES, docx_file, odt_file, pdf


@pytest.mark.parametrize(("body", "declared", "text"), [
    ("Año".encode(), None, "Año"),
    ("Año".encode(), "iso-8859-1", "Año"),  # a wrong declaration: the body is UTF-8
    ("Año".encode("latin-1"), "iso-8859-1", "Año"),
    ("“Año” – ñ".encode("cp1252"), None, "“Año” – ñ"),  # undeclared legacy bytes
    ("\ufeffAño".encode("utf-16-le"), None, "Año"),
    ("Año".encode("latin-1"), "no-such-charset", "Año"),
])
def test_decode(body, declared, text):
    assert decode(body, declared) == text


@pytest.mark.parametrize(("text", "title"), [
    ("Hola mundo. Segunda frase.", "Hola mundo."),
    ("Primera línea sin punto\nsegunda línea", "Primera línea sin punto"),
    ("La Dra. Rojas y el Ing. Mora abren. Más", "La Dra. Rojas y el Ing. Mora abren."),
    ("Fondos de EE.UU. para pymes. Otra", "Fondos de EE.UU. para pymes."),
    ("Call open! Apply now.", "Call open!"),
    ("palabra " * 30, ("palabra " * 12).strip() + "…"),  # at a word boundary, ~100 characters
    ("x" * 150, "x" * 100 + "…"),
])
def test_derived_title(text, title):
    assert derived_title(text) == title


@pytest.mark.parametrize(("make", "kind"), [(pdf, "pdf"), (docx_file, "docx"), (odt_file, "odt")])
def test_each_document_type_gives_its_text(make, kind):
    body = make(BASES)
    assert document_type(body) == kind
    text = extract_text(body)
    assert "Fecha límite de presentación: 30 de abril de 2026." in text


@pytest.mark.parametrize(("body", "allowed", "message"), [
    (pdf(["x"], password="secreto"), ("pdf",), "encrypted PDF"),
    (pdf(BASES)[:300], ("pdf",), "corrupt PDF"),
    (b"PK\x03\x04 not really a zip", ("docx",), "not a PDF, DOCX or ODT"),
    (docx_file(BASES), ("pdf",), "DOCX files are not followed"),
    (pdf([""]), ("pdf",), "no text in this PDF"),
])
def test_unreadable_documents_say_why(body, allowed, message):
    with pytest.raises(AttachmentError, match=message):
        extract_text(body, allowed)


def test_document_links_by_suffix_or_selector():
    html = Selector(text='<a href="/b.PDF">Bases</a> <a href="x.html">Página</a> '
                         '<a class="doc" href="get?id=7">Cartel</a> <a href="t.odt">T</a>')
    default = document_links(html, "https://e.org/a/", None)
    assert default == [{"url": "https://e.org/b.PDF", "title": "Bases"},
                       {"url": "https://e.org/a/t.odt", "title": "T"}]
    only_pdf = document_links(html, "https://e.org/a/", AttachmentRule(types=("pdf",)))
    assert [link["url"] for link in only_pdf] == ["https://e.org/b.PDF"]
    chosen = document_links(html, "https://e.org/a/", AttachmentRule(links="a.doc"))
    assert chosen == [{"url": "https://e.org/a/get?id=7", "title": "Cartel"}]
    by_attr = document_links(html, "https://e.org/a/", AttachmentRule(links="a.doc::attr(href)"))
    assert by_attr == [{"url": "https://e.org/a/get?id=7", "title": ""}]
    assert looks_like_document("https://e.org/get?id=7", None, "application/pdf; charset=binary")


@pytest.mark.parametrize(("value", "seconds"), [
    ("5", 5.0), ("Wed, 25 Nov 2026 12:00:30 GMT", 30.0), ("Wed, 25 Nov 2026 11:00:00 GMT", 0.0),
    ("soon", None), ("", None),
])
def test_retry_after(value, seconds):
    response = Response("https://e.org", status=429, headers={"Retry-After": value} if value else {})
    assert retry_after(response, now=datetime(2026, 11, 25, 12, tzinfo=UTC)) == seconds


def test_crawl_state_round_trip_and_freshness(tmp_path):
    store = CrawlState(tmp_path / "state.db")
    state = store.load("src")
    now = clock.now()
    state.remember(PageState("https://e.org/feed", now - timedelta(days=2), etag='"x"',
                             last_modified="Mon, 02 Mar 2026 12:00:00 GMT",
                             links=[("detail:parse_notice", "https://e.org/1")], items=3))
    state.set_version("ocds-1", Version("2026-03-02T00:00:00+00:00", "2026-03-01T00:00:00+00:00"))
    store.save(state)
    again = store.load("src")
    page = again.pages["https://e.org/feed"]
    assert (page.items, page.links) == (3, [("detail:parse_notice", "https://e.org/1")])
    assert again.versions["ocds-1"].first == "2026-03-01T00:00:00+00:00"
    assert again.validators("https://e.org/feed") == {"If-None-Match": '"x"',
                                                      "If-Modified-Since": "Mon, 02 Mar 2026 12:00:00 GMT"}
    assert again.fresh("https://e.org/feed", 7)
    assert not again.fresh("https://e.org/feed", 1)  # older than recrawl_days
    assert not again.fresh("https://e.org/feed", 7, updated=now)  # changed since it was fetched
    assert not again.fresh("https://e.org/feed", 0)  # recrawl_days 0: always ask
    assert not again.fresh("https://e.org/other", 7)
    assert store.load("another").pages == {}


def test_settings_per_source():
    options = CrawlerOptions(user_agent="Bot/2 (+https://e.org/bot)", download_delay=0.5, max_response_mb=2)
    feed = FeedSource(id="a", kind="news", type="feed", url="https://e.org/f", language="es")
    slow = feed.model_copy(update={"download_delay": 5.0})
    assert source_settings(options, feed)["DOWNLOAD_DELAY"] == 0.5
    settings = source_settings(options, slow)
    assert settings["DOWNLOAD_DELAY"] == 5.0 and settings["AUTOTHROTTLE_START_DELAY"] == 5.0
    assert settings["USER_AGENT"] == "Bot/2 (+https://e.org/bot)"
    assert settings["DOWNLOAD_MAXSIZE"] == 2 * 1024 * 1024 and settings["CONCURRENT_REQUESTS_PER_DOMAIN"] == 2
