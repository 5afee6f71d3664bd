"""Who receives the weekly digest (subscribers.yaml in the configuration directory), and their messages."""

from __future__ import annotations

from email.message import EmailMessage
from email.utils import formataddr
from pathlib import Path
from typing import Literal

from pydantic import Field

from core.models import Strict
from core.paths import config_file
from core.yamlfile import load_model


class Subscriber(Strict):
    email: str = Field(pattern=r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
    name: str = ""
    lang: Literal["es", "en"] = "es"
    topics: tuple[str, ...] = ()  # a working group's topics; empty = everything


class Subscribers(Strict):
    subscribers: list[Subscriber] = []


def load_subscribers(path: Path | str | None = None) -> list[Subscriber]:
    """Load and validate the list (default: the configured one); raise ConfigError naming file,
    line and field."""
    return load_model(path or config_file("subscribers.yaml"), Subscribers).subscribers


def digest_message(subscriber: Subscriber, subject: str, text: str, html: str) -> EmailMessage:
    """A multipart message: the Markdown digest as text, the HTML digest as the alternative."""
    message = EmailMessage()
    message["To"] = formataddr((subscriber.name, subscriber.email))
    message["Subject"] = subject
    message.set_content(text)
    message.add_alternative(html, subtype="html")
    return message
