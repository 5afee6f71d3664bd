"""The bundled demo site, crawled over real local HTTP the way the observatory's spiders see it."""

from __future__ import annotations

import datetime as dt
import difflib
import json
import re
from collections import Counter
from email.utils import parsedate_to_datetime
from urllib.error import HTTPError
from urllib.parse import urljoin
from urllib.request import Request, urlopen

import feedparser
import pytest
import yaml
from parsel import Selector

from core.paths import config_file
from web.demo_site import DATE_HELPERS, DemoSite

TODAY = dt.date(2026, 3, 10)
LATER = TODAY + dt.timedelta(weeks=260)  # same weekday, so weekend shifts are identical
FAR_FUTURE = dt.date(2031, 1, 1)
DATA = yaml.safe_load(config_file("demo/items.yaml").read_text(encoding="utf-8"))
SOURCES = yaml.safe_load(config_file("demo/sources.yaml").read_text(encoding="utf-8"))["sources"]
CHANNEL_OF_PATH = {ch["path"]: name for name, ch in DATA["channels"].items() if "path" in ch}
CHANNEL_OF_SECTION = {ch["section"]: name for name, ch in DATA["channels"].items()}
DEADLINE_FORMS = [DATE_HELPERS[name] for name in
                  ("fecha_es", "dia_es", "fecha_num", "date_en", "date_en_uk")]


def fetch(url: str, **headers: str) -> tuple[int, dict, bytes]:
    try:
        with urlopen(Request(url, headers=headers), timeout=10) as response:
            return response.status, dict(response.headers), response.read()
    except HTTPError as error:
        with error:
            return error.code, dict(error.headers), error.read()


def get(url: str) -> bytes:
    status, _, body = fetch(url)
    assert status == 200, url
    return body


def listing_links(source: dict, base: str) -> tuple[list[str], int]:
    """Follow a listing and its next pages with the source's selectors: (detail URLs, pages)."""
    links, pages, url = [], 0, base + source["url"]
    while url:
        page = Selector(text=get(url).decode())
        pages += 1
        links += [urljoin(url, href) for href in page.css(source["listing"]["item_links"]).getall()]
        next_href = page.css(source["listing"]["next_page"]).get()
        url = next_href and urljoin(url, next_href)
    return links, pages


def crawl(base: str) -> list[dict]:
    """One record per item the demo sources yield, completed from the item's HTML page."""
    records = []
    for source in SOURCES:
        body = get(base + source["url"])
        if source["type"] == "feed":
            found = [{"url": entry.link} for entry in feedparser.parse(body).entries]
        elif source["type"] == "ocds":
            newest = {}  # the newest release of each ocid holds the current state
            for release in json.loads(body)["releases"]:
                if release["date"] > newest.get(release["ocid"], {"date": ""})["date"]:
                    newest[release["ocid"]] = release
            found = [{"url": r["tender"]["documents"][0]["url"],
                      "end": dt.datetime.fromisoformat(r["tender"]["tenderPeriod"]["endDate"])}
                     for r in newest.values()]
        else:
            found = [{"url": url} for url in listing_links(source, base)[0]]
        records += [{**record, "source": source, "kind": source["kind"]} for record in found]
    for record in records:
        page = Selector(text=get(record["url"]).decode())
        deadline = page.css("time.cierre::attr(datetime)").get()
        record.update(lang=page.css("html::attr(lang)").get(),
                      text=" ".join(page.css("article .contenido *::text").getall()),
                      day=dt.date.fromisoformat(page.css("time.publicado::attr(datetime)").get()),
                      deadline=deadline and dt.date.fromisoformat(deadline[:10]))
    return records


@pytest.fixture(scope="module")
def site():
    with DemoSite(today=TODAY) as demo:
        yield demo.base_url


@pytest.fixture(scope="module")
def records(site):
    return crawl(site)


def test_robots_txt_allows_everything(site):
    status, headers, body = fetch(site + "/robots.txt")
    assert status == 200 and headers["Content-Type"] == "text/plain; charset=utf-8"
    assert "User-agent: *" in body.decode() and "Allow: /" in body.decode()


@pytest.mark.parametrize(("path", "media_type"), [
    ("/feeds/convocatorias.xml", "application/rss+xml"),
    ("/feeds/noticias.xml", "application/rss+xml"),
    ("/feeds/technews.atom", "application/atom+xml"),
    ("/ocds/releases.json", "application/json"),
    ("/avisos/index.html", "text/html"),
    ("/avisos/page-2.html", "text/html"),
    ("/licitaciones/", "text/html"),
    ("/", "text/html"),
])
def test_paths_are_served_with_their_media_type(site, path, media_type):
    status, headers, _ = fetch(site + path)
    assert status == 200
    assert headers["Content-Type"] == f"{media_type}; charset=utf-8"
    assert headers["ETag"] and parsedate_to_datetime(headers["Last-Modified"])


def test_unknown_paths_are_404(site):
    assert fetch(site + "/avisos/no-existe.html")[0] == 404
    assert fetch(site + "/feeds/")[0] == 404


def test_an_unchanged_page_revalidates_with_304(site):
    _, headers, _ = fetch(site + "/feeds/noticias.xml")
    assert fetch(site + "/feeds/noticias.xml", **{"If-None-Match": headers["ETag"]})[0] == 304


@pytest.mark.parametrize("source", [s for s in SOURCES if s["type"] == "feed"], ids=lambda s: s["id"])
def test_feeds_parse_cleanly_with_every_item(site, source):
    feed = feedparser.parse(get(site + source["url"]))
    assert not feed.bozo, feed.get("bozo_exception")
    assert feed.version == ("atom10" if source["url"].endswith(".atom") else "rss20")
    channel = CHANNEL_OF_PATH[source["url"]]
    assert len(feed.entries) == sum(item["channel"] == channel for item in DATA["items"])
    for entry in feed.entries:
        assert entry.title and entry.id and entry.get("author") and entry.tags
        assert entry.link.startswith(site + "/") and entry.published_parsed
        assert "<p>" in (entry.content[0].value if "content" in entry else entry.summary)


def test_feeds_escape_markup_and_carry_one_cdata_description(site):
    raw = get(site + "/feeds/convocatorias.xml").decode()
    assert "<![CDATA[<p>" in raw and "&lt;p&gt;" in raw and "AI &amp; data</title>" in raw
    entries = {e.title: e for e in feedparser.parse(raw).entries}
    title = "EU–LAC Digital Alliance: call for innovation projects on trustworthy AI & data"
    assert title in entries
    page = Selector(text=get(entries[title].link).decode())
    assert page.css("h1::text").get() == title


def test_ocds_release_package(site):
    package = json.loads(get(site + "/ocds/releases.json"))
    assert package["version"] == "1.1" and package["uri"] == site + "/ocds/releases.json"
    assert package["publisher"]["name"] and dt.datetime.fromisoformat(package["publishedDate"])
    releases = package["releases"]
    assert len({r["ocid"] for r in releases}) == sum(i["channel"] == "sicop" for i in DATA["items"])
    for release in releases:
        assert release["ocid"].startswith("ocds-demo01-")
        assert {"id", "date", "tag", "initiationType", "buyer", "parties", "tender"} <= set(release)
        assert release["buyer"]["id"] in {p["id"] for p in release["parties"]}
        tender = release["tender"]
        assert tender["status"] in {"active", "complete"} and tender["procurementMethod"]
        assert tender["value"]["amount"] > 0 and len(tender["value"]["currency"]) == 3
        period = tender["tenderPeriod"]
        assert dt.datetime.fromisoformat(period["startDate"]) < dt.datetime.fromisoformat(
            period["endDate"])
        assert tender["items"][0]["classification"]["scheme"] == "UNSPSC"
        assert tender["documents"][0]["url"].startswith(site + "/sicop/")
    by_ocid = Counter(r["ocid"] for r in releases)
    [amended] = [ocid for ocid, n in by_ocid.items() if n == 2]
    old, new = sorted((r for r in releases if r["ocid"] == amended), key=lambda r: r["date"])
    assert old["tag"] == ["tender"] and new["tag"] == ["tenderAmendment"]
    assert new["tender"]["tenderPeriod"]["endDate"] > old["tender"]["tenderPeriod"]["endDate"]
    assert new["tender"]["amendments"][0]["rationale"]


@pytest.mark.parametrize("source", [s for s in SOURCES if s["type"] == "html"], ids=lambda s: s["id"])
def test_listings_link_to_every_detail_page(site, source):
    links, pages = listing_links(source, site)
    section = source["url"].split("/")[1]
    expected = {f"{site}/{section}/{item.get('slug', item['id'])}.html" for item in DATA["items"]
                if item["channel"] == CHANNEL_OF_SECTION[section]}
    assert pages >= 2 and len(links) == len(set(links)) and set(links) == expected
    for link in links:
        page = Selector(text=get(link).decode())
        fields = {name: page.css(query).get() for name, query in source["fields"].items()}
        assert all(fields[name] for name in ("title", "body", "published", "organization"))
        assert fields["deadline"] and dt.date.fromisoformat(fields["deadline"][:10])


def test_totals_per_kind_and_language(records):
    assert len({r["url"] for r in records}) == len(records) >= 60
    kinds, langs = Counter(r["kind"] for r in records), Counter(r["lang"] for r in records)
    assert min(kinds["funding_call"], kinds["tender"], kinds["news"]) >= 20, kinds
    assert langs["es"] >= 30 and langs["en"] >= 10, langs
    for kind in ("funding_call", "news"):  # both languages within each kind that has them
        assert {r["lang"] for r in records if r["kind"] == kind} == {"es", "en"}


def test_opportunities_mostly_open_with_deadlines_in_the_prose(records):
    for kind in ("funding_call", "tender"):
        deadlines = [r["deadline"] for r in records if r["kind"] == kind]
        assert all(deadlines) and all(d.weekday() < 5 for d in deadlines)
        still_open = [d for d in deadlines if d >= TODAY]
        assert len(still_open) >= 15 and len(still_open) < len(deadlines)
        assert all(d <= TODAY + dt.timedelta(days=63) for d in still_open)
    for record in records:  # the prose of a feed item or notice says when it closes
        if record["deadline"] and record["source"]["type"] != "ocds":
            forms = [form(record["deadline"]) for form in DEADLINE_FORMS]
            assert any(form in record["text"] for form in forms), record["url"]


def test_news_every_week_for_the_past_thirteen_weeks(records):
    weeks = Counter(r["day"].isocalendar()[:2] for r in records if r["kind"] == "news")
    for n in range(1, 14):
        assert weeks[(TODAY - dt.timedelta(weeks=n)).isocalendar()[:2]] >= 1, n
    assert all(r["day"] < TODAY for r in records)


def test_search_for_inteligencia_artificial_finds_every_kind(records):
    kinds = {r["kind"] for r in records if "inteligencia artificial" in r["text"].lower()}
    assert kinds == {"funding_call", "tender", "news"}


def test_ai_and_cybersecurity_rise_while_blockchain_falls():
    def share(topic, recent):
        items = [i for i in DATA["items"] if (i["published"] >= -42) == recent]
        return sum(topic in i["topics"] for i in items) / len(items)

    for topic in ("ai", "cybersecurity"):
        assert share(topic, recent=True) > 2 * share(topic, recent=False)
    assert share("blockchain", recent=True) < share("blockchain", recent=False) / 3
    assert any(not i["topics"] and i["kind"] == "tender" for i in DATA["items"])
    assert any(not i["topics"] and i["kind"] == "news" for i in DATA["items"])


def test_near_duplicates_are_served_from_two_sources(records):
    by_url = {r["url"].rsplit("/", 1)[1].removesuffix(".html"): r for r in records}
    pairs = [(i["id"], i["duplicate_of"]) for i in DATA["items"] if "duplicate_of" in i]
    assert len(pairs) == 2
    for copy, original in pairs:
        a, b = by_url[copy], by_url[original]
        assert a["source"]["id"] != b["source"]["id"] and a["kind"] == b["kind"]
        assert a["text"] != b["text"]
        words_a, words_b = (re.findall(r"\w+", r["text"].lower()) for r in (a, b))
        assert difflib.SequenceMatcher(None, words_a, words_b, autojunk=False).ratio() > 0.5


def test_dates_move_with_today():
    with DemoSite(today=TODAY) as now, DemoSite(today=LATER) as later:
        served = {site: [(r["url"].removeprefix(site.base_url), r) for r in crawl(site.base_url)]
                  for site in (now, later)}
        texts = {site: _all_text(site.base_url) + " ".join(r["text"] for _, r in served[site])
                 for site in (now, later)}
    shift = LATER - TODAY
    before, after = dict(served[now]), dict(served[later])
    assert before.keys() == after.keys()
    for path, record in before.items():
        assert after[path]["day"] - record["day"] == shift, path
        if record["deadline"]:
            assert after[path]["deadline"] - record["deadline"] == shift, path
    for site, today in ((now, TODAY), (later, LATER)):
        years = set(re.findall(r"\b20\d\d\b", texts[site]))
        assert years <= {str(today.year + n) for n in (-1, 0, 1)}, years


def _all_text(base: str) -> str:
    """Every channel and listing page, without URLs (namespaces, ports) and UUIDs."""
    pages = [get(base + s["url"]).decode() for s in SOURCES]
    pages += [get(f"{base}/{ch['section']}/index.html").decode()
              for ch in DATA["channels"].values()]
    return re.sub(r"https?://[^\s\"<]+|urn:uuid:[0-9a-f-]+", "", "\n".join(pages))


def test_far_future_still_has_open_opportunities():
    with DemoSite(today=FAR_FUTURE) as demo:
        records = crawl(demo.base_url)
    for kind in ("funding_call", "tender"):
        still_open = [r for r in records if r["kind"] == kind and r["deadline"] >= FAR_FUTURE]
        assert len(still_open) >= 10, kind
    newest = max(r["end"] for r in records if "end" in r)
    assert newest.date() > FAR_FUTURE


def test_sources_yaml_names_served_channels(site):
    ids = [s["id"] for s in SOURCES]
    assert len(ids) == len(set(ids))
    for source in SOURCES:
        assert re.fullmatch(r"demo(_[a-z0-9]+)+", source["id"])
        assert {"kind", "type", "url", "language", "country"} <= set(source)
        assert source["url"].startswith("/") and fetch(site + source["url"])[0] == 200
