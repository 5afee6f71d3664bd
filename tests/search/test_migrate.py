"""`observatorio migrate` copies every document across backends, and back, without loss."""

from __future__ import annotations

import uuid

import pytest

from search.backend import get_backend
from search.migrate import MigrationIncomplete, migrate
from tests.helpers import run_cli
from tests.search.conftest import drop_elasticsearch_index
from tests.search.test_backend_contract import CORPUS, NOW, doc
from tests.search.test_hybrid_contract import with_vectors

DOCUMENTS = [
    *(with_vectors(d, keyphrases=["pymes"]) for d in CORPUS),
    doc("rich", "Licitación con todo", kind="tender", amount={"value": 1.5e6, "currency": "USD"},
        deadline=NOW.date(), topic_scores={"cloud": 0.75}, topics=["cloud"],
        topic_evidence={"cloud": {"terms": ["nube", "cloud"], "score": 0.75}},
        attachments=[{"url": "https://example.org/a.pdf", "title": "Cartel", "text": "Anexo técnico"},
                     {"url": "https://example.org/b.pdf", "error": "HTTP 404"}],
        organizations=["ICE", "MICITT"], country="CR", categories=["43000000"], published_estimated=True),
    *(doc(f"bulk-{n:04d}", f"Noticia número {n}", body="tecnología " * 20) for n in range(1200)),
]


@pytest.fixture
def es_index(elasticsearch_url, monkeypatch):
    alias = f"test-migrate-{uuid.uuid4().hex[:8]}"
    monkeypatch.setenv("OBSERVATORIO_ELASTICSEARCH_URL", elasticsearch_url)
    monkeypatch.setenv("OBSERVATORIO_ELASTICSEARCH_INDEX", alias)
    yield alias
    drop_elasticsearch_index(get_backend("elasticsearch"))


def test_migrate_there_and_back_keeps_every_document_equal(data_dir, tmp_path, es_index, monkeypatch):
    get_backend("sqlite").upsert(DOCUMENTS)
    there = run_cli("migrate", "--to", "elasticsearch")
    assert there.returncode == 0, there.stderr
    assert f"copied {len(DOCUMENTS)} document(s) from sqlite to elasticsearch" in there.stdout
    elsewhere = tmp_path / "elsewhere"
    back = run_cli("migrate", "--to", "sqlite", env={"OBSERVATORIO_DATA_DIR": str(elsewhere)})
    assert back.returncode == 0, back.stderr
    monkeypatch.setenv("OBSERVATORIO_DATA_DIR", str(elsewhere))
    returned = {d.id: d for d in get_backend("sqlite").iter_documents()}
    assert returned == {d.id: d for d in DOCUMENTS}


def test_a_document_the_target_refuses_is_named(data_dir, es_index):
    source = get_backend("sqlite")
    source.upsert([*CORPUS, doc("odd", "Vector de otro tamaño", embedding=[1.0, 0.0])])
    target = get_backend("elasticsearch")
    target.upsert([doc("first", "Fija la dimensión", embedding=[1.0, 0.0, 0.0])])
    with pytest.raises(MigrationIncomplete) as caught:
        migrate(source, target)
    assert caught.value.missing == ["odd"] and "dimensions" in caught.value.failures["odd"]
    assert target.count() == len(CORPUS) + 1


def test_migrate_to_itself_is_a_usage_error(data_dir):
    result = run_cli("migrate", "--to", "sqlite", "--from", "sqlite")
    assert result.returncode == 2 and "both sqlite" in result.stderr


def test_an_unreachable_target_fails_before_copying(data_dir):
    get_backend("sqlite").upsert(CORPUS)
    result = run_cli("migrate", "--to", "elasticsearch",
                     env={"OBSERVATORIO_ELASTICSEARCH_URL": "http://127.0.0.1:9"})
    assert result.returncode == 2 and "cannot reach Elasticsearch at http://127.0.0.1:9" in result.stderr
