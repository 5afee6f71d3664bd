"""The app, its test client and a seeded index in a temporary data directory."""

from datetime import date, datetime, time, timedelta

import pytest

from core import clock
from search.backend import get_backend
from search.document import Amount
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
