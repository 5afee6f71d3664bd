"""The source catalogue (`sources.yaml`): schema, validation and loading."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any, Literal
from urllib.parse import urljoin, urlsplit

import jmespath
from croniter import croniter
from cssselect import GenericTranslator, SelectorError
from jmespath.exceptions import JMESPathError
from lxml import etree
from pydantic import AfterValidator, Field, ValidationInfo, field_validator, model_validator

from core.errors import ConfigError
from core.models import Strict
from core.paths import config_file
from core.yamlfile import LocatedError, load_model, unique
from search.document import Kind

DEFAULT_USER_AGENT = "ObservatorioTIC/0.1 (+https://github.com/observatorio-tic/observatorio)"
DEBIAN_CHROMIUM = "/usr/bin/chromium"
ATTACHMENT_TYPES = ("pdf", "docx", "odt")

__all__ = ["Catalogue", "ConfigError", "CrawlerOptions", "Cron", "Source", "load_catalogue", "load_sources"]


def _http_url(url: str) -> str:
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ValueError(f"{url!r} is not an absolute http(s) URL")
    return url


def _jmespath(expression: str | None) -> str | None:
    if expression is not None:
        try:
            jmespath.compile(expression)
        except JMESPathError as exc:
            reason = str(exc).splitlines()[0]  # the rest repeats the expression with a caret
            raise ValueError(f"{expression!r} is not a JMESPath expression: {reason}") from None
    return expression


def _cron(expression: str) -> str:
    if not croniter.is_valid(expression):
        raise ValueError(f"{expression!r} is not a cron expression (minute hour day month weekday)")
    return expression


Cron = Annotated[str, AfterValidator(_cron)]  # "0 6 * * *": five fields, as crontab(5) reads them


def _page_selector(query: str | None) -> str | None:
    """A selector the browser can wait for or click: CSS, or XPath when it starts with "/" or "(".
    Parsel's `::text` and `::attr()` read values and select nothing to click."""
    if query is None:
        return None
    try:
        if query.startswith(("/", "(")):
            etree.XPath(query)
        else:
            GenericTranslator().css_to_xpath(query)
    except (etree.XPathSyntaxError, SelectorError) as exc:
        kind = "an XPath expression" if query.startswith(("/", "(")) else "a CSS selector"
        raise ValueError(f"{query!r} is not {kind} a browser can wait for or click: {exc}") from None
    return query


class CrawlerOptions(Strict):
    """The `crawler:` block: how the observatory treats every publisher."""

    user_agent: str = DEFAULT_USER_AGENT
    concurrent_per_domain: int = Field(default=2, ge=1, le=16)
    autothrottle: bool = True
    download_delay: float = Field(default=0, ge=0, le=600)
    timeout: float = Field(default=30, gt=0, le=600)
    retries: int = Field(default=3, ge=0, le=10)
    retry_backoff: float = Field(default=2, ge=0, le=600)  # first wait; doubles on each retry
    max_retry_wait: float = Field(default=120, ge=0, le=3600)  # longer Retry-After: give up
    max_response_mb: float = Field(default=20, gt=0, le=1024)
    browser_path: str = DEBIAN_CHROMIUM  # the chromium `browser` sources render in

    @field_validator("user_agent")
    @classmethod
    def _names_a_contact(cls, value: str) -> str:
        if "http://" not in value and "https://" not in value:
            raise ValueError("the User-Agent must name a contact URL, e.g. 'Bot/1.0 (+https://...)'")
        return value


class AttachmentRule(Strict):
    """Follow links to terms of reference (PDF, DOCX, ODT) and index their text."""

    links: str | None = None  # html: selector for the links; default: links ending in a type below
    types: tuple[Literal["pdf", "docx", "odt"], ...] = ATTACHMENT_TYPES
    max_files: int = Field(default=5, ge=1, le=50)
    max_mb: float = Field(default=10, gt=0, le=200)


class SourceBase(Strict):
    id: str = Field(pattern=r"^[a-z][a-z0-9]*(_[a-z0-9]+)*$", max_length=80)
    name: str = ""
    kind: Kind
    url: str
    language: str = Field(pattern=r"^[a-z]{2}$")
    country: str | None = Field(default=None, pattern=r"^[A-Z]{2}$")
    enabled: bool = True
    download_delay: float | None = Field(default=None, ge=0, le=600)  # seconds between requests
    recrawl_days: float = Field(default=7, ge=0)  # refetch stored detail pages this old
    attachments: AttachmentRule | None = None
    allow_private: bool = False  # crawl it even on a private, loopback or link-local address
    schedule: Cron | None = None  # when `observatorio schedule` crawls it; default: schedule.yaml's

    @field_validator("url")
    @classmethod
    def _absolute_url(cls, url: str, info: ValidationInfo) -> str:
        """Relative URLs resolve against the demo site's base URL, and only there."""
        base = (info.context or {}).get("base_url")
        if base:
            url = urljoin(base.rstrip("/") + "/", url.lstrip("/"))
        return _http_url(url)

    @field_validator("attachments", mode="before")
    @classmethod
    def _attachments_flag(cls, value: Any) -> Any:
        """`attachments: true` follows them with the defaults; `false` is the same as absent."""
        if value is True:
            return {}
        return None if value is False else value

    @property
    def label(self) -> str:
        return self.name or self.id


class FeedSource(SourceBase):
    """RSS or Atom."""

    type: Literal["feed"]
    fetch_article: bool = False  # fetch each entry's page for its main text


class ArchiveLimits(Strict):
    """How much of a ZIP archive is read (zip bombs stop here); the download cap applies first."""

    max_members: int = Field(default=10_000, ge=1, le=1_000_000)  # files opened in one archive
    max_uncompressed_mb: float = Field(default=500, gt=0, le=10_240)  # JSON read from one archive


class OcdsSource(SourceBase):
    """OCDS release or record packages, plain or in ZIP archives."""

    type: Literal["ocds"]
    archive: ArchiveLimits = ArchiveLimits()
    max_pages: int = Field(default=1_000, ge=1, le=100_000)  # package pages (links.next) in one run
    package: str | None = None  # JMESPath to the package when an API wraps it (e.g. releasePackage)
    next: str | None = None  # JMESPath to the next page's URL when it is not the package's links.next

    @field_validator("package", "next")
    @classmethod
    def _expressions(cls, value: str | None) -> str | None:
        return _jmespath(value)


class Listing(Strict):
    item_links: str  # selector yielding the detail page links
    next_page: str | None = None  # selector yielding the next listing page link
    max_pages: int = Field(default=50, ge=1, le=10_000)  # listing pages followed in one run


class HtmlFields(Strict):
    """Selectors on the detail page; a field without one falls back to page metadata."""

    title: str | None = None
    summary: str | None = None
    body: str | None = None
    published: str | None = None
    deadline: str | None = None
    amount: str | None = None
    organization: str | None = None


class HtmlSource(SourceBase):
    """A listing page with links to notice pages."""

    type: Literal["html"]
    listing: Listing
    fields: HtmlFields = HtmlFields()


class BrowserActions(Strict):
    """What the browser does on a listing page before it is read; selectors as `_page_selector`."""

    wait_for: str  # the listing is ready when this matches (e.g. the result rows' links)
    next_click: str | None = None  # the button that shows the next listing page in place
    details_wait_for: str | None = None  # render notice pages too, read once this matches

    @field_validator("wait_for", "next_click", "details_wait_for")
    @classmethod
    def _selectors(cls, value: str | None) -> str | None:
        return _page_selector(value)


class BrowserSource(HtmlSource):
    """An HTML listing that a script builds in the browser (scrapy-playwright, chromium)."""

    type: Literal["browser"]  # type: ignore[assignment]
    browser: BrowserActions


class ApiFields(Strict):
    """JMESPath expressions (a dotted path is one) evaluated on each record."""

    url: str
    title: str
    summary: str | None = None
    body: str | None = None
    published: str | None = None
    updated: str | None = None  # a newer value than the last fetch refetches the article
    deadline: str | None = None
    amount: str | None = None  # a number, or text such as "USD 50,000"
    currency: str | None = None
    organizations: str | None = None  # a string or a list of strings
    categories: str | None = None
    attachments: str | None = None  # a list of URLs, or of objects with `url` (and `title`)

    @field_validator("*")
    @classmethod
    def _expressions(cls, value: str | None) -> str | None:
        return _jmespath(value)


class Pagination(Strict):
    """How to ask for the next page of an API."""

    style: Literal["none", "page", "offset", "cursor", "next_link"] = "none"
    param: str | None = None  # the parameter carrying the page number, offset or cursor
    location: Literal["query", "body"] | None = None  # where parameters go; default: GET query, POST body
    start: int = Field(default=1, ge=0)  # the first page number (page) or offset (offset)
    size: int | None = Field(default=None, ge=1)  # records per page; the offset step
    size_param: str | None = None  # parameter that asks for `size` records
    next: str | None = None  # JMESPath to the cursor (cursor) or the next URL (next_link)
    max_pages: int = Field(default=20, ge=1, le=10_000)

    @field_validator("next")
    @classmethod
    def _expression(cls, value: str | None) -> str | None:
        return _jmespath(value)

    @model_validator(mode="after")
    def _complete(self) -> Pagination:
        needs = {"page": ["param"], "offset": ["param", "size"], "cursor": ["param", "next"],
                 "next_link": ["next"], "none": []}[self.style]
        missing = [name for name in needs if getattr(self, name) is None]
        if missing:
            raise LocatedError((missing[0],), f"pagination style {self.style!r} needs {missing[0]!r}")
        return self


class ApiSource(SourceBase):
    """A JSON endpoint: records at `items`, fields mapped by JMESPath."""

    type: Literal["api"]
    method: Literal["GET", "POST"] = "GET"
    body: dict[str, Any] | None = None  # JSON body of a POST
    headers: dict[str, str] = Field(default_factory=dict)
    items: str  # JMESPath to the list of records
    fields: ApiFields
    pagination: Pagination = Pagination()
    fetch_article: bool = False  # fetch each record's page for its main text

    @field_validator("items")
    @classmethod
    def _expression(cls, value: str) -> str:
        return _jmespath(value)


Source = Annotated[FeedSource | OcdsSource | HtmlSource | BrowserSource | ApiSource,
                   Field(discriminator="type")]


class Catalogue(Strict):
    crawler: CrawlerOptions = CrawlerOptions()
    sources: list[Source] = Field(min_length=1)

    @field_validator("sources")
    @classmethod
    def _unique_ids(cls, sources: list[SourceBase]) -> list[SourceBase]:
        return unique(sources, "id", "source id")


def default_sources() -> Path:
    """sources.yaml in the configuration directory."""
    return config_file("sources.yaml")


def demo_sources() -> Path:
    """The bundled demo site's catalogue, with URLs relative to wherever the site is served."""
    return config_file("demo/sources.yaml")


def load_catalogue(path: Path | str | None = None, base_url: str | None = None) -> Catalogue:
    """Load and validate the catalogue (default: sources.yaml in the configuration directory);
    raise ConfigError naming file, line and field."""
    return load_model(path or default_sources(), Catalogue, context={"base_url": base_url})


def load_sources(path: Path | str | None = None, base_url: str | None = None) -> list[Source]:
    """The validated sources of a catalogue."""
    return load_catalogue(path, base_url).sources


def select(sources: list[Source], ids: list[str] | None) -> list[Source]:
    """The enabled sources, or exactly those named (enabled or not); unknown ids are an error."""
    if not ids:
        return [s for s in sources if s.enabled]
    by_id = {s.id: s for s in sources}
    unknown = [i for i in ids if i not in by_id]
    if unknown:
        raise ConfigError("--source", None, f"unknown source id {unknown[0]!r}")
    return [by_id[i] for i in dict.fromkeys(ids)]
