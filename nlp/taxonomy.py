"""The editable topic taxonomy (`config/topics.yaml`): schema, validation and loading."""

from __future__ import annotations

from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from search.yamlfile import ConfigError, LocatedError, load_model

DEFAULT_TAXONOMY = Path(__file__).resolve().parent.parent / "config" / "topics.yaml"

__all__ = ["ConfigError", "Taxonomy", "Topic", "load_taxonomy"]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Localized(_Strict):
    es: str = Field(min_length=1)
    en: str = Field(min_length=1)


class Phrases(_Strict):
    es: list[str] = []
    en: list[str] = []

    def all(self) -> list[str]:
        return [p.strip() for p in (*self.es, *self.en) if p.strip()]


class Topic(_Strict):
    slug: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    label: Localized
    description: Localized
    keywords: Phrases
    acronyms: list[str] = []
    exclude: Phrases = Phrases()
    examples: list[str] = []

    @model_validator(mode="after")
    def _has_keywords(self) -> Topic:
        if not self.keywords.all():
            raise ValueError(f"topic {self.slug!r} has no keywords")
        return self


class Taxonomy(_Strict):
    topics: list[Topic] = Field(min_length=1)

    @field_validator("topics")
    @classmethod
    def _unique_slugs(cls, topics: list[Topic]) -> list[Topic]:
        seen: set[str] = set()
        for index, topic in enumerate(topics):
            if topic.slug in seen:
                raise LocatedError((index, "slug"), f"topic slug {topic.slug!r} is used twice")
            seen.add(topic.slug)
        return topics

    def get(self, slug: str) -> Topic | None:
        return next((t for t in self.topics if t.slug == slug), None)

    @property
    def slugs(self) -> list[str]:
        return [t.slug for t in self.topics]


def load_taxonomy(path: Path | str = DEFAULT_TAXONOMY) -> Taxonomy:
    """Load and validate the taxonomy; raise ConfigError naming file, line and field."""
    return load_model(path, Taxonomy)
