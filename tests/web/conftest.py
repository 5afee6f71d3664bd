"""The app, its test client and a seeded index in a temporary data directory; a real SMTP server."""

from datetime import date, datetime, time, timedelta
from email import message_from_bytes, policy
from email.message import EmailMessage

import pytest
from aiosmtpd.controller import Controller

from core import clock
from search.backend import get_backend
from search.document import Amount
from tests.helpers import free_port
from tests.search.test_backend_contract import CORPUS, NOW, doc
from web import create_app

HOSTILE_TITLE = '<script>alert("x")</script><img src=x onerror=alert(1)> inteligencia'
HOSTILE = doc("hostile", HOSTILE_TITLE,
              body='<img src=x onerror=alert(1)> inteligencia artificial <b>bold</b>', topics=["ai"],
              summary="<script>summary()</script>", organizations=["<script>org</script>"],
              kind="funding_call", deadline=(NOW + timedelta(days=9)).date(),
              topic_evidence={"ai": {"phrases": ["<img src=x onerror=alert(2)>"]}},
              url="javascript:alert(3)")
# A funding call with every field the item page shows, and a copy of it from another source.
FULL = doc("full-call", "Fondo PROPYME de innovación en ciberseguridad", kind="funding_call",
           summary="El MICITT financia proyectos de ciberseguridad para pymes.",
           body="El MICITT financia proyectos de ciberseguridad para pymes de la Región Brunca.\n"
                "Cierre: 15 de diciembre de 2099.",
           deadline=date(2099, 12, 15), amount=Amount(value=25_000_000, currency="CRC"),
           organizations=["MICITT"], country="CR", topics=["cybersecurity", "ai"],
           topic_scores={"cybersecurity": 0.91, "ai": 0.4},
           topic_evidence={"cybersecurity": {"phrases": ["ciberseguridad"], "similarity": 0.62}},
           published=NOW - timedelta(days=4))
COPY = doc("full-call-copy", "Fondo PROPYME de innovación en ciberseguridad", kind="funding_call",
           source="demo_b", duplicate_of="full-call", topics=["cybersecurity"],
           deadline=date(2099, 12, 15), published=NOW - timedelta(days=5))  # days apart: no ties
TIMED = doc("timed-tender", "Licitación de servidores para la nube municipal", kind="tender",
            deadline=datetime.combine(clock.today() + timedelta(days=1), time(12), clock.LOCAL_TZ),
            amount=Amount(value=1500.5, currency="USD"),
            organizations=["Municipalidad de Osa"], topics=["cloud"], published=NOW - timedelta(days=20))
SEEDED = [*CORPUS, HOSTILE, FULL, COPY, TIMED]


def seed(data_dir, documents=SEEDED) -> None:
    backend = get_backend("sqlite", path=data_dir / "observatorio.db")
    backend.upsert(documents)
    backend.close()


@pytest.fixture
def app(data_dir):
    seed(data_dir)
    return create_app({"TESTING": True, "DATA_DIR": str(data_dir)})


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def english(client):
    """The client with English chosen through the language switch."""
    client.get("/lang/en")
    return client


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
