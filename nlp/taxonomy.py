"""The editable topic taxonomy (`config/topics.yaml`): schema, validation and loading."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

from pydantic import Field, field_validator, model_validator

from core.errors import ConfigError
from core.models import Strict
from core.paths import config_file
from core.text import fold
from core.yamlfile import LocatedError, load_model, unique

from .normalizer import phrase_norms

__all__ = ["Concept", "ConfigError", "Taxonomy", "Topic", "load_taxonomy"]

# Single words that match far too much to be a keyword on their own (header of topics.yaml).
TOO_GENERIC = {"seguridad", "dato", "datos", "nube", "red", "cadena", "plataforma", "sistema", "digital",
               "virtual", "programacion", "aplicacion", "electronico", "tecnologia", "innovacion",
               "security", "data", "cloud", "network", "chain", "platform", "system", "application",
               "electronic", "technology", "innovation", "smart", "inteligente", "app", "servidor",
               "server", "conectividad", "connectivity"}


class Localized(Strict):
    es: str = Field(min_length=1)
    en: str = Field(min_length=1)


class Phrases(Strict):
    es: list[str] = []
    en: list[str] = []

    def all(self) -> list[str]:
        return [p.strip() for p in (*self.es, *self.en) if p.strip()]


class Sector(Phrases):
    """Technology applied to a sector: words that name the sector, and the technologies."""

    technologies: list[str] = Field(min_length=1)


class Concept(Strict):
    """A technology described instead of named: a thing (`what`: a device, a record, a service)
    and what it does (`does`: a verb, the data it produces, where it works), written close
    together. Each part alone may be a common word; only the two near each other count."""

    what: Phrases
    does: Phrases

    @model_validator(mode="after")
    def _both_parts(self) -> Concept:
        for part in ("what", "does"):
            if not getattr(self, part).all():
                raise ValueError(f"a concept needs phrases in {part!r}")
        return self


class Topic(Strict):
    slug: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    label: Localized
    description: Localized
    keywords: Phrases
    acronyms: list[Annotated[str, Field(pattern=r"^\S*[A-Z]\S*$")]] = []
    exclude: Phrases = Phrases()
    sector: Sector | None = None
    concepts: list[Concept] = []
    examples: list[str] = []

    @model_validator(mode="after")
    def _keywords_are_usable(self) -> Topic:
        if not self.keywords.all():
            raise ValueError(f"topic {self.slug!r} has no keywords")
        for lang in ("es", "en"):
            seen: dict[tuple[str, ...], str] = {}
            for index, phrase in enumerate(getattr(self.keywords, lang)):
                norms = phrase_norms(phrase, lang)
                if norms in seen:
                    raise LocatedError(("keywords", lang, index), f"keyword {phrase!r} repeats "
                                       f"{seen[norms]!r} (the same words once normalised)")
                if len(norms) == 1 and {norms[0], fold(phrase.strip())} & TOO_GENERIC:
                    raise LocatedError(("keywords", lang, index),
                                       f"keyword {phrase!r} is too generic: write a specific phrase")
                seen[norms] = phrase
        return self

    @model_validator(mode="after")
    def _exclusions_spare_keywords(self) -> Topic:
        """An exclusion found inside one of the topic's own keywords would cancel that keyword."""
        for lang in ("es", "en"):
            for index, excluded in enumerate(getattr(self.exclude, lang)):
                for keyword in self.keywords.all():
                    if _contains(phrase_norms(keyword, lang), phrase_norms(excluded, lang)):
                        raise LocatedError(("exclude", lang, index),
                                           f"exclusion {excluded!r} would also cancel keyword {keyword!r}; "
                                           "make it longer than the keyword it neutralises")
        return self


class Taxonomy(Strict):
    topics: list[Topic] = Field(min_length=1)

    @field_validator("topics")
    @classmethod
    def _unique_slugs(cls, topics: list[Topic]) -> list[Topic]:
        seen = {topic.slug for topic in unique(topics, "slug", "topic slug")}
        for index, topic in enumerate(topics):
            unknown = [t for t in (topic.sector.technologies if topic.sector else []) if t not in seen]
            if unknown:
                raise LocatedError((index, "sector", "technologies"), f"unknown topic {unknown[0]!r}")
        return topics

    def get(self, slug: str) -> Topic | None:
        return next((t for t in self.topics if t.slug == slug), None)

    @property
    def slugs(self) -> list[str]:
        return [t.slug for t in self.topics]


def _contains(keyword: tuple[str, ...], excluded: tuple[str, ...]) -> bool:
    size = len(excluded)
    return any(keyword[i:i + size] == excluded for i in range(len(keyword) - size + 1))


def default_taxonomy() -> Path:
    """topics.yaml in the configuration directory."""
    return config_file("topics.yaml")


def load_taxonomy(path: Path | str | None = None) -> Taxonomy:
    """Load and validate the taxonomy (default: the configured one); raise ConfigError naming
    file, line and field."""
    return load_model(path or default_taxonomy(), Taxonomy)
