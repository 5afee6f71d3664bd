"""The source catalogue (`sources.yaml`): schema, validation and loading."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Literal
from urllib.parse import urljoin, urlsplit

from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, field_validator

from search.document import Kind
from search.yamlfile import ConfigError, LocatedError, load_model

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_SOURCES = ROOT / "config" / "sources.yaml"
DEMO_SOURCES = ROOT / "config" / "demo" / "sources.yaml"

__all__ = ["ConfigError", "Source", "load_sources"]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class SourceBase(_Strict):
    id: str = Field(pattern=r"^[a-z][a-z0-9]*(_[a-z0-9]+)*$", max_length=80)
    name: str = ""
    kind: Kind
    url: str
    language: str = Field(pattern=r"^[a-z]{2}$")
    country: str | None = Field(default=None, pattern=r"^[A-Z]{2}$")
    enabled: bool = True

    @field_validator("url")
    @classmethod
    def _absolute_url(cls, url: str, info: ValidationInfo) -> str:
        """Relative URLs resolve against the demo site's base URL, and only there."""
        base = (info.context or {}).get("base_url")
        if base:
            url = urljoin(base.rstrip("/") + "/", url.lstrip("/"))
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise ValueError(f"{url!r} is not an absolute http(s) URL")
        return url

    @property
    def label(self) -> str:
        return self.name or self.id


class FeedSource(SourceBase):
    """RSS or Atom."""

    type: Literal["feed"]


class OcdsSource(SourceBase):
    """OCDS release packages."""

    type: Literal["ocds"]


class Listing(_Strict):
    item_links: str  # selector yielding the detail page links
    next_page: str | None = None  # selector yielding the next listing page link


class HtmlFields(_Strict):
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


Source = Annotated[FeedSource | OcdsSource | HtmlSource, Field(discriminator="type")]


class Catalogue(_Strict):
    sources: list[Source] = Field(min_length=1)

    @field_validator("sources")
    @classmethod
    def _unique_ids(cls, sources: list[SourceBase]) -> list[SourceBase]:
        seen: set[str] = set()
        for index, source in enumerate(sources):
            if source.id in seen:
                raise LocatedError((index, "id"), f"source id {source.id!r} is used twice")
            seen.add(source.id)
        return sources


def load_sources(path: Path | str = DEFAULT_SOURCES, base_url: str | None = None) -> list[Source]:
    """Load and validate the catalogue; raise ConfigError naming file, line and field."""
    return load_model(path, Catalogue, context={"base_url": base_url}).sources


def select(sources: list[Source], ids: list[str] | None) -> list[Source]:
    """The enabled sources, or exactly those named (enabled or not); unknown ids are an error."""
    if not ids:
        return [s for s in sources if s.enabled]
    by_id = {s.id: s for s in sources}
    unknown = [i for i in ids if i not in by_id]
    if unknown:
        raise ConfigError("--source", None, f"unknown source id {unknown[0]!r}")
    return [by_id[i] for i in dict.fromkeys(ids)]
