"""The commission's list (subscribers.yaml in the configuration directory): who the operator
subscribes to the weekly digest, imported as confirmed subscriptions (web/subscriptions.py)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Literal

from pydantic import AfterValidator

from core.models import Strict
from core.paths import config_file
from core.yamlfile import load_model

from .subscriptions import normal_address


class Subscriber(Strict):
    email: Annotated[str, AfterValidator(normal_address)]
    name: str = ""
    lang: Literal["es", "en"] = "es"
    topics: tuple[str, ...] = ()  # a working group's topics; empty = everything


class Subscribers(Strict):
    subscribers: list[Subscriber] = []


def load_subscribers(path: Path | str | None = None) -> list[Subscriber]:
    """Load and validate the list (default: the configured one); raise ConfigError naming file,
    line and field."""
    return load_model(path or config_file("subscribers.yaml"), Subscribers).subscribers
