"""The one record every layer speaks of (see ARCHITECTURE.md, "The document")."""

from __future__ import annotations

import hashlib
from array import array
from datetime import UTC, date, datetime, time
from enum import StrEnum
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from core import clock
from core.clock import LOCAL_TZ

__all__ = ["Amount", "Attachment", "Award", "Document", "Kind", "Stage", "Supplier", "ValidationError",
           "document_id"]


class Kind(StrEnum):
    funding_call = "funding_call"
    tender = "tender"
    award = "award"  # a contracting process at award stage or later: who won, for how much
    news = "news"
    event = "event"


class Stage(StrEnum):
    """How far an OCDS contracting process has gone."""

    planning = "planning"
    tender = "tender"
    award = "award"
    contract = "contract"
    implementation = "implementation"


class Amount(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    value: float = Field(ge=0)
    currency: str = Field(pattern=r"^[A-Z]{3}$")


class Attachment(BaseModel):
    """A linked file (terms of reference, bases, cartel) and its extracted text."""

    model_config = ConfigDict(extra="forbid")

    url: str
    title: str = ""
    text: str = ""
    error: str | None = None


class Supplier(BaseModel):
    """An awarded supplier: its name, and its identifier (scheme-id) where the publisher gives one."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    name: str = Field(min_length=1)
    id: str | None = None


class Award(BaseModel):
    """One award or contract of a contracting process: what, to whom, for how much, when."""

    model_config = ConfigDict(extra="forbid")

    title: str = ""
    status: str | None = None
    date: datetime | None = None
    amount: Amount | None = None
    suppliers: list[Supplier] = Field(default_factory=list)

    @field_validator("date")
    @classmethod
    def _utc(cls, value: datetime | None) -> datetime | None:
        return as_utc(value) if value else value


class Document(BaseModel):
    """A funding call, tender, news item or event, as stored and served."""

    model_config = ConfigDict(extra="forbid", validate_assignment=True)

    id: str = Field(min_length=1, max_length=256)
    url: str
    source: str
    kind: Kind
    title: str = Field(min_length=1)
    title_derived: bool = False  # the source gave none: taken from the text's first sentence
    summary: str = ""
    body: str = ""
    lang: str = Field(default="und", pattern=r"^([a-z]{2}|und)$")
    published: datetime | None = None
    published_estimated: bool = False  # no date in the source: Last-Modified or fetch time
    fetched: datetime | None = None
    deadline: date | datetime | None = None
    amount: Amount | None = None
    organizations: list[str] = Field(default_factory=list)
    country: str | None = Field(default=None, pattern=r"^[A-Z]{2}$")
    categories: list[str] = Field(default_factory=list)  # e.g. OCDS item classifications
    stage: Stage | None = None  # OCDS processes: the latest stage reached
    status: str | None = None  # OCDS processes: the tender's status (planned, active, complete, ...)
    suppliers: list[Supplier] = Field(default_factory=list)  # awarded suppliers, every award
    awards: list[Award] = Field(default_factory=list)
    topics: list[str] = Field(default_factory=list)
    topic_scores: dict[str, float] = Field(default_factory=dict)
    topic_evidence: dict[str, dict[str, Any]] = Field(default_factory=dict)
    keyphrases: list[str] = Field(default_factory=list)
    attachments: list[Attachment] = Field(default_factory=list)
    embedding: list[float] | None = None
    content_hash: str = ""
    duplicate_of: str | None = None

    @field_validator("published", "fetched")
    @classmethod
    def _utc(cls, value: datetime | None) -> datetime | None:
        return as_utc(value) if value else value

    @field_validator("embedding")
    @classmethod
    def _float32(cls, value: list[float] | None) -> list[float] | None:
        """Vectors are float32, as models produce them and both backends store them."""
        return array("f", value).tolist() if value is not None else None

    @field_validator("deadline")
    @classmethod
    def _deadline(cls, value: date | datetime | None) -> date | datetime | None:
        return as_utc(value) if isinstance(value, datetime) else value

    @property
    def deadline_at(self) -> datetime | None:
        """The deadline as a UTC instant: a bare date closes at the end of that day in Costa Rica."""
        if self.deadline is None or isinstance(self.deadline, datetime):
            return self.deadline
        return datetime.combine(self.deadline, time(23, 59, 59), LOCAL_TZ).astimezone(UTC)

    def is_open(self, now: datetime | None = None) -> bool:
        at = self.deadline_at
        return at is not None and at >= (now or clock.now())

    def searchable_text(self) -> str:
        """Everything a keyword search should find: body, awarded suppliers and attachment text."""
        suppliers = "\n".join(dict.fromkeys(s.name for s in self.suppliers))
        parts = [self.body, suppliers, *(a.text for a in self.attachments if a.text)]
        return "\n\n".join(p for p in parts if p)

    def with_content_hash(self) -> Document:
        return self.model_copy(update={"content_hash": content_hash(self)})

    def to_dict(self, *, embedding: bool = True) -> dict[str, Any]:
        """Serialise to JSON-ready data (ISO 8601 dates); the API omits the embedding."""
        return self.model_dump(mode="json", exclude=None if embedding else {"embedding"})

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Document:
        return cls.model_validate(data)


def as_utc(value: datetime) -> datetime:
    """Naive datetimes are taken as UTC; aware ones are converted."""
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def document_id(url: str, ocid: str | None = None) -> str:
    """The OCDS ocid where there is one, else a short hash of the canonical URL."""
    if ocid:
        return ocid
    return hashlib.sha256(url.encode()).hexdigest()[:24]


def content_hash(doc: Document) -> str:
    """Hash the fields a publisher edits, so a re-crawl can tell updated from unchanged."""
    parts = [doc.title, doc.summary, doc.searchable_text(), str(doc.deadline or ""),
             doc.amount.model_dump_json() if doc.amount else ""]
    if doc.stage:  # an OCDS process also changes by moving on: its stage, status and awards
        parts += [doc.kind, doc.stage, doc.status or "", *(a.model_dump_json() for a in doc.awards)]
    return hashlib.sha256("\x1f".join(parts).encode()).hexdigest()
