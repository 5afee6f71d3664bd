"""A member firm's profile, and `firms.yaml` (a list of profiles) read and written as YAML."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

import yaml
from pydantic import Field, RootModel, ValidationInfo, field_validator

from core.models import Strict
from core.yamlfile import load_model, unique

Size = Literal["micro", "small", "medium", "large"]
Interest = Literal["funding_call", "tender"]


class Firm(Strict):
    """What a firm says about itself; `topics` empty means "suggest them from the description"."""

    id: str = Field(pattern=r"^[a-z0-9]+(-[a-z0-9]+)*$", max_length=64)
    name: str = Field(min_length=1, max_length=200)
    description: str = Field(min_length=20, max_length=5000)
    topics: tuple[str, ...] = ()
    canton: str = Field(min_length=1, max_length=100)
    size: Size
    interests: tuple[Interest, ...] = Field(min_length=1)
    email: str = Field(pattern=r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
    public: bool = False

    @field_validator("topics")
    @classmethod
    def _known_topics(cls, topics: tuple[str, ...], info: ValidationInfo) -> tuple[str, ...]:
        """Every topic is a slug of the taxonomy (given as the validation context's `topics`)."""
        known = (info.context or {}).get("topics")
        unknown = [t for t in topics if known is not None and t not in known]
        if unknown:
            raise ValueError(f"unknown topic {unknown[0]!r}")
        return tuple(dict.fromkeys(topics))

    @field_validator("interests")
    @classmethod
    def _once_each(cls, interests: tuple[str, ...]) -> tuple[str, ...]:
        return tuple(dict.fromkeys(interests))


class FirmList(RootModel[list[Firm]]):
    """firms.yaml: a list of profiles, ids unique."""

    @field_validator("root")
    @classmethod
    def _unique_ids(cls, firms: list[Firm]) -> list[Firm]:
        return unique(firms, "id", "firm id")


def load_firms(path: Path | str, topics: set[str] | None = None) -> list[Firm]:
    """Validate a firms file; raise ConfigError naming file, line and field. `topics`: the
    taxonomy's slugs, which every profile's topics must be among."""
    return load_model(path, FirmList, context={"topics": topics}).root


def dump_firms(firms: list[Firm]) -> str:
    """The profiles as a firms.yaml that `load_firms` reads back unchanged."""
    return yaml.safe_dump([firm.model_dump(mode="json") for firm in firms],
                          allow_unicode=True, sort_keys=False, width=100)
