"""Who receives the weekly digest (`config/subscribers.yaml`), and their messages."""

from __future__ import annotations

from email.message import EmailMessage
from email.utils import formataddr
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from search.yamlfile import load_model

DEFAULT_SUBSCRIBERS = Path(__file__).resolve().parent.parent / "config" / "subscribers.yaml"


class Subscriber(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    email: str = Field(pattern=r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
    name: str = ""
    lang: Literal["es", "en"] = "es"
    topics: tuple[str, ...] = ()  # a working group's topics; empty = everything


class Subscribers(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    subscribers: list[Subscriber] = []


def load_subscribers(path: Path | str = DEFAULT_SUBSCRIBERS) -> list[Subscriber]:
    """Load and validate the list; raise ConfigError naming file, line and field."""
    return load_model(path, Subscribers).subscribers


def digest_message(subscriber: Subscriber, subject: str, text: str, html: str) -> EmailMessage:
    """A multipart message: the Markdown digest as text, the HTML digest as the alternative."""
    message = EmailMessage()
    message["To"] = formataddr((subscriber.name, subscriber.email))
    message["Subject"] = subject
    message.set_content(text)
    message.add_alternative(html, subtype="html")
    return message
