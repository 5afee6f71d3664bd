"""Shared fixtures: a data directory per test, real local HTTP servers and a real SMTP server."""

from __future__ import annotations

import os
from collections.abc import Iterator
from email import message_from_bytes, policy
from email.message import EmailMessage
from functools import partial
from http.server import SimpleHTTPRequestHandler
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller

from core import clock
from core.httpd import serving
from tests.helpers import FIXTURES, free_port

# Keyword-only NLP unless a test asks for embeddings: loading torch costs seconds per process.
os.environ.setdefault("OBSERVATORIO_EMBEDDING_MODEL", "none")
# One instant for the whole run, in this process and every process it starts (core.clock): no
# result depends on the hour the suite runs at or on crossing midnight while it runs. Set it
# yourself to try an hour, e.g. OBSERVATORIO_CLOCK=2026-12-03T23:59:30-06:00 scripts/test.
os.environ.setdefault("OBSERVATORIO_CLOCK", clock.now().isoformat())
# Every test site runs on loopback, which crawls refuse unless allowed (crawlers/addresses.py);
# tests of the refusal itself remove it.
os.environ.setdefault("OBSERVATORIO_ALLOW_PRIVATE", "1")


@pytest.fixture
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty OBSERVATORIO_DATA_DIR for this test."""
    folder = tmp_path / "data"
    folder.mkdir()
    monkeypatch.setenv("OBSERVATORIO_DATA_DIR", str(folder))
    return folder


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format, *args):  # noqa: A002 - the stdlib's signature
        pass


@pytest.fixture(scope="session")
def fixture_server() -> Iterator[str]:
    """tests/fixtures served over real HTTP on loopback; yields the base URL."""
    with serving(partial(_QuietHandler, directory=str(FIXTURES))) as url:
        yield url


@pytest.fixture(scope="session")
def demo_site() -> Iterator[str]:
    """The bundled demo site, rendered for today; yields the base URL."""
    from web.demo_site import DemoSite

    site = DemoSite()
    yield site.start()
    site.stop()


class Inbox:
    """A real local SMTP server's handler (aiosmtpd): keeps every message it receives, parsed."""

    def __init__(self):
        self.messages: list[EmailMessage] = []

    async def handle_DATA(self, server, session, envelope):
        self.messages.append(message_from_bytes(envelope.content, policy=policy.default))
        return "250 Message accepted"

    def to(self, address: str) -> list[EmailMessage]:
        return [m for m in self.messages if address in m["To"]]


@pytest.fixture
def inbox(monkeypatch):
    inbox, port = Inbox(), free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    monkeypatch.setenv("OBSERVATORIO_SMTP_URL", f"smtp://127.0.0.1:{port}?from=obs@example.org")
    yield inbox
    controller.stop()
