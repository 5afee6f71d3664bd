"""Send e-mail through the SMTP server named by OBSERVATORIO_SMTP_URL."""

from __future__ import annotations

import os
import smtplib
import ssl
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from email.message import EmailMessage
from urllib.parse import parse_qs, unquote, urlsplit

from core.errors import ConfigError, ObservatorioError

DEFAULT_SENDER = "observatorio@localhost"


class MailError(ObservatorioError):
    """The SMTP server refused the session or could not be reached (a setting that is missing or
    malformed is a ConfigError)."""


def smtp_settings(url: str | None = None) -> dict:
    """Parse smtp://[user:password@]host[:port][?from=address]; smtps:// for implicit TLS,
    smtp+starttls:// to upgrade the connection."""
    url = url or os.environ.get("OBSERVATORIO_SMTP_URL")
    if not url:
        raise ConfigError("OBSERVATORIO_SMTP_URL", None,
                          "is not set, e.g. smtp+starttls://user:pass@mail.example.org:587")
    parts = urlsplit(url)
    schemes = {"smtp": 25, "smtps": 465, "smtp+starttls": 587}
    if parts.scheme not in schemes or not parts.hostname:
        raise ConfigError("OBSERVATORIO_SMTP_URL", None, f"must look like smtp://host:port, not {url!r}")
    return {
        "scheme": parts.scheme, "host": parts.hostname, "port": parts.port or schemes[parts.scheme],
        "user": unquote(parts.username) if parts.username else None,
        "password": unquote(parts.password) if parts.password else None,
        "sender": parse_qs(parts.query).get("from", [DEFAULT_SENDER])[0],
    }


@dataclass(frozen=True)
class Refusal:
    reason: str
    permanent: bool  # a 5xx answer: the same message would be refused again


def send(messages: Iterable[EmailMessage], url: str | None = None) -> dict[str, str]:
    """Send every message over one connection; return {recipient: reason} for those refused."""
    return {message["To"]: refusal.reason for message, refusal in deliver(messages, url) if refusal}


def deliver(messages: Iterable[EmailMessage], url: str | None = None
            ) -> Iterator[tuple[EmailMessage, Refusal | None]]:
    """Send each message over one connection as it comes, and say how each went.
    A refused recipient does not stop the others; an unreachable server stops everything.
    """
    settings = smtp_settings(url)
    client = smtplib.SMTP_SSL if settings["scheme"] == "smtps" else smtplib.SMTP
    try:
        with client(settings["host"], settings["port"], timeout=30) as smtp:
            if settings["scheme"] == "smtp+starttls":
                smtp.starttls(context=ssl.create_default_context())
            if settings["user"]:
                smtp.login(settings["user"], settings["password"] or "")
            for message in messages:
                if "From" not in message:
                    message["From"] = settings["sender"]
                try:
                    smtp.send_message(message)
                except smtplib.SMTPRecipientsRefused as exc:
                    answers = list(exc.recipients.values())
                    reason = "; ".join(f"{code} {_text(text)}" for code, text in answers)
                    yield message, Refusal(reason, all(code >= 500 for code, _ in answers))
                except smtplib.SMTPDataError as exc:
                    yield message, Refusal(f"{exc.smtp_code} {_text(exc.smtp_error)}", exc.smtp_code >= 500)
                else:
                    yield message, None
    except (OSError, smtplib.SMTPException) as exc:
        raise MailError(f"could not send through {settings['host']}:{settings['port']}: {exc}") from exc


def _text(answer: bytes | str) -> str:
    return answer.decode("utf-8", "replace") if isinstance(answer, bytes) else answer
