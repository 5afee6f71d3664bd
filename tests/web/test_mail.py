"""E-mail through a real local SMTP server (aiosmtpd)."""

from email.message import EmailMessage

import pytest
from aiosmtpd.controller import Controller

from core.errors import ConfigError
from tests.helpers import free_port
from web.mail import MailError, send, smtp_settings


class Inbox:
    """An SMTP handler that keeps what it receives and refuses one address."""

    def __init__(self):
        self.messages = []

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address.startswith("nobody@"):
            return "550 no such user"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        self.messages.append((envelope.mail_from, envelope.rcpt_tos, envelope.content.decode()))
        return "250 Message accepted"


@pytest.fixture
def smtp_server():
    inbox = Inbox()
    port = free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    yield f"smtp://127.0.0.1:{port}?from=obs@example.org", inbox
    controller.stop()


def message(to: str) -> EmailMessage:
    msg = EmailMessage()
    msg["To"], msg["Subject"] = to, "Resumen semanal"
    msg.set_content("Hola")
    return msg


def test_messages_arrive_and_a_refused_recipient_does_not_stop_the_others(smtp_server):
    url, inbox = smtp_server
    refused = send([message("a@example.org"), message("nobody@example.org"), message("b@example.org")], url)
    assert list(refused) == ["nobody@example.org"]
    assert [(m[0], m[1]) for m in inbox.messages] == [
        ("obs@example.org", ["a@example.org"]), ("obs@example.org", ["b@example.org"])]


def test_an_unreachable_server_is_a_clear_error():
    with pytest.raises(MailError, match="could not send through 127.0.0.1:1"):
        send([message("a@example.org")], "smtp://127.0.0.1:1")


@pytest.mark.parametrize("url", ["", "http://mail.example.org", "smtp://", "mail.example.org:25"])
def test_bad_settings_say_what_is_expected(url, monkeypatch):
    monkeypatch.delenv("OBSERVATORIO_SMTP_URL", raising=False)
    with pytest.raises(ConfigError, match="OBSERVATORIO_SMTP_URL"):
        smtp_settings(url or None)


def test_credentials_and_tls_modes():
    settings = smtp_settings("smtp+starttls://user%40x:p%3Ass@mail.example.org?from=o@example.org")
    assert (settings["user"], settings["password"], settings["port"]) == ("user@x", "p:ss", 587)
    assert smtp_settings("smtps://mail.example.org")["port"] == 465
