"""Serve the bundled demo site over local HTTP, rendering dates relative to `today`.

`observatorio demo` and the end-to-end tests crawl it like real sources (RSS, Atom, OCDS, HTML).
Items live once in ``demo/items.yaml`` of the configuration directory, with dates as day
offsets, and every format is rendered from them per request, so on any day the board has open
calls and trends have history.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import uuid
from email.utils import format_datetime
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from urllib.parse import urlsplit

import jinja2
import yaml
from markupsafe import escape

from core import clock
from core.httpd import BackgroundServer
from core.money import SYMBOLS
from core.paths import config_file

MESES = ["enero", "febrero", "marzo", "abril", "mayo", "junio", "julio", "agosto", "septiembre",
         "octubre", "noviembre", "diciembre"]
DIAS = ["lunes", "martes", "miércoles", "jueves", "viernes", "sábado", "domingo"]
MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September",
          "October", "November", "December"]
WEEKDAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]

DATE_HELPERS = {  # for the item texts and the page templates
    "days": lambda n: dt.timedelta(days=n),
    "fecha_es": lambda d: f"{d.day} de {MESES[d.month - 1]} de {d.year}",
    "fecha_dia_es": lambda d: f"{DIAS[d.weekday()]} {d.day} de {MESES[d.month - 1]} de {d.year}",
    "dia_es": lambda d: f"{DIAS[d.weekday()]} {d.day} de {MESES[d.month - 1]}",
    "fecha_num": lambda d: f"{d.day:02d}/{d.month:02d}/{d.year}",
    "date_en": lambda d: f"{MONTHS[d.month - 1]} {d.day}, {d.year}",
    "date_en_uk": lambda d: f"{d.day} {MONTHS[d.month - 1]} {d.year}",
    "weekday_en": lambda d: WEEKDAYS[d.weekday()],
}
CONTENT_TYPES = {".xml": "application/rss+xml", ".atom": "application/atom+xml",
                 ".json": "application/json", ".txt": "text/plain", ".html": "text/html"}
FEED_TEMPLATES = {"rss": "rss.xml", "atom": "atom.xml", "ocds": "releases.json"}


def _weekday(today: dt.date, offset: int, step: int) -> dt.date:
    """The day `offset` days from `today`, moved off a weekend in the direction of `step`."""
    day = today + dt.timedelta(days=offset)
    while day.weekday() >= 5:
        day += dt.timedelta(days=step)
    return day


def _html(text: str) -> str:
    """Turn plain-text paragraphs (a paragraph of "- " lines is a list) into an HTML fragment."""
    blocks = []
    for block in text.split("\n\n"):
        lines = [line.strip() for line in block.strip().splitlines()]
        if all(line.startswith("- ") for line in lines):
            blocks.append("<ul>" + "".join(f"<li>{escape(li[2:])}</li>" for li in lines) + "</ul>")
        else:
            blocks.append(f"<p>{escape(' '.join(lines))}</p>")
    return "\n".join(blocks)


def _money(amount: dict, lang: str) -> str:
    digits = f"{amount['value']:,.0f}"
    sign = SYMBOLS.get(amount["currency"], amount["currency"] + " ")
    return sign + (digits if lang == "en" else digits.replace(",", "."))


class DemoSite:
    """Serve the bundled demo site over local HTTP, rendering dates relative to `today`."""

    def __init__(self, root: Path | None = None, today: dt.date | None = None,
                 host: str = "127.0.0.1", port: int = 0):
        self.root, self.today, self.host, self.port = Path(root or config_file("demo")), today, host, port
        data = yaml.safe_load((self.root / "items.yaml").read_text(encoding="utf-8"))
        self.channels = {name: {**ch, "name": name} for name, ch in data["channels"].items()}
        self.items, self.topic_labels = data["items"], data["topic_labels"]
        texts = jinja2.Environment(undefined=jinja2.StrictUndefined, autoescape=False)
        self._text = functools.cache(texts.from_string)  # item texts are plain-text templates
        self._pages = jinja2.Environment(
            loader=jinja2.FileSystemLoader(self.root / "site"), undefined=jinja2.StrictUndefined,
            autoescape=jinja2.select_autoescape(["html", "xml"]), trim_blocks=True,
            lstrip_blocks=True)
        self._pages.globals.update(DATE_HELPERS, money=_money, ui=data["ui"], urn=lambda name:
                                   f"urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, name)}")
        self._pages.filters.update(rfc822=format_datetime, rfc3339=dt.datetime.isoformat)
        self._pages.policies["json.dumps_kwargs"] = {"ensure_ascii": False}
        self._server: BackgroundServer | None = None

    @property
    def base_url(self) -> str:
        if self._server is None:
            raise RuntimeError("the demo site is not running; call start() first")
        return self._server.url

    def start(self) -> str:
        """Serve from a daemon thread; return the base URL."""
        handler = type("DemoHandler", (_Handler,), {"site": self})
        self._server = BackgroundServer(handler, self.host, self.port)
        return self.base_url

    def stop(self) -> None:
        if self._server is not None:
            self._server.stop()
            self._server = None

    def __enter__(self) -> DemoSite:
        self.start()
        return self

    def __exit__(self, *exc) -> None:
        self.stop()

    def current_day(self) -> dt.date:
        return self.today or clock.today()

    def render(self, path: str, base_url: str) -> tuple[str, str] | None:
        """Return (content, media type) for a served path, or None when there is no such page."""
        page = self._routes(self.current_day(), base_url.rstrip("/")).get(path)
        return page and (page(), CONTENT_TYPES[Path(path).suffix or ".html"])

    def _routes(self, today: dt.date, base: str) -> dict:
        """Map every served path to a function rendering it."""
        items = sorted((self._item(raw, today, base) for raw in self.items),
                       key=lambda i: i["published"], reverse=True)
        context = {"base": base, "today": today, "channels": self.channels}

        def page(template: str, **kwargs):
            return lambda: self._pages.get_template(template).render(context, **kwargs)

        routes = {"/robots.txt": page("robots.txt"), "/": page("index.html")}
        routes["/index.html"] = routes["/"]
        for name, channel in self.channels.items():
            mine, folder = [i for i in items if i["channel"] == name], f"/{channel['section']}/"
            if channel["format"] in FEED_TEMPLATES:
                template = FEED_TEMPLATES[channel["format"]]
                routes[channel["path"]] = page(template, channel=channel, items=mine)
            size = channel["page_size"]
            pages = [mine[n:n + size] for n in range(0, len(mine), size)]
            for n, chunk in enumerate(pages, 1):
                routes[folder + ("index.html" if n == 1 else f"page-{n}.html")] = page(
                    "listing.html", channel=channel, items=chunk, page=n, pages=len(pages))
            routes[folder] = routes[folder + "index.html"]
            for item in mine:
                routes[f"{folder}{item['slug']}.html"] = page("detail.html", channel=channel,
                                                              item=item)
        return routes

    def _item(self, raw: dict, today: dt.date, base: str) -> dict:
        """One item with its dates resolved against `today` and its texts rendered."""
        if raw["kind"] == "news":
            day = today + dt.timedelta(days=raw["published"])
        else:  # calls and tenders are published on working days
            day = _weekday(today, raw["published"], -1)
        digest = int(hashlib.sha1(raw["id"].encode()).hexdigest(), 16)  # a stable time of day
        published = dt.datetime.combine(day, dt.time(7 + digest % 11, digest // 11 % 60), clock.LOCAL_TZ)

        def closing(offset: int | None) -> dt.datetime | None:
            if offset is None:
                return None
            hour, minute = map(int, raw.get("deadline_time", "23:59").split(":"))
            return dt.datetime.combine(_weekday(today, offset, +1), dt.time(hour, minute), clock.LOCAL_TZ)

        final = raw.get("amendment", raw)  # an amended tender closes on the amended date
        deadline, slug = closing(final.get("deadline")), raw.get("slug", raw["id"])
        ctx = {**DATE_HELPERS, "today": today, "pub": day, "deadline": deadline and deadline.date(),
               "tender_id": f"{day.year}{raw['tender_ref']}" if "tender_ref" in raw else None}
        body = self._text(raw["body"]).render(ctx).strip()
        item = {**raw, "slug": slug, "published": published, "deadline": deadline, "body": body,
                "title": self._text(raw["title"]).render(ctx).strip(), "html": _html(body),
                "summary": body.split("\n\n")[0], "tender_id": ctx["tender_id"],
                "url": f"{base}/{self.channels[raw['channel']]['section']}/{slug}.html",
                "categories": [self.topic_labels[t][raw["lang"]] for t in raw.get("topics", [])]
                + raw.get("tags", [])}
        if "ocds" in raw:  # one OCDS release per version of the tender, newest first
            item["releases"] = [{"number": 1, "date": published, "tag": "tender",
                                 "end": closing(raw["deadline"])}]
        if "amendment" in raw:
            amended = dt.datetime.combine(_weekday(today, final["published"], -1),
                                          published.timetz())
            item["releases"].insert(0, {
                "number": 2, "date": amended, "tag": "tenderAmendment", "end": deadline,
                "rationale": self._text(final["rationale"]).render(ctx).strip()})
        return item


class _Handler(BaseHTTPRequestHandler):
    server_version = "ObservatorioDemo/1.0"
    site: DemoSite  # bound by DemoSite.start

    def do_GET(self) -> None:
        site = self.site
        page = site.render(urlsplit(self.path).path, site.base_url)
        content, media_type = page or ("Not found\n", "text/plain")
        data = content.encode("utf-8")
        etag = '"' + hashlib.sha1(data).hexdigest()[:20] + '"'
        status = 404 if page is None else 304 if self.headers.get("If-None-Match") == etag else 200
        self.send_response(status)
        self.send_header("ETag", etag)
        midnight = dt.datetime.combine(site.current_day(), dt.time(0), clock.LOCAL_TZ).astimezone(dt.UTC)
        self.send_header("Last-Modified", format_datetime(midnight, usegmt=True))
        if status != 304:
            self.send_header("Content-Type", f"{media_type}; charset=utf-8")
            self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        if status != 304:
            self.wfile.write(data)

    def log_message(self, format: str, *args) -> None:  # noqa: A002 - the stdlib's signature
        pass  # keep test and demo output quiet
