"""Search modes through the API and the CLI, and the reindex command."""

from __future__ import annotations

import pytest

from nlp import embeddings
from search.backend import get_backend
from search.document import Document
from tests.helpers import run_cli
from tests.search.test_backend_contract import CORPUS
from web import create_app


def test_semantic_without_embeddings_is_a_400_naming_mode(client):
    response = client.get("/api/search?q=inteligencia&mode=semantic")
    assert response.status_code == 400
    assert response.get_json()["error"]["field"] == "mode"
    assert "OBSERVATORIO_EMBEDDING_MODEL" in response.get_json()["error"]["message"]
    assert client.get("/api/search?q=x&mode=fuzzy").status_code == 400
    assert client.get("/api/search?q=inteligencia&mode=keyword").get_json()["total"] == 3


def test_hybrid_by_default_with_the_bundled_model(data_dir, monkeypatch):
    monkeypatch.delenv("OBSERVATORIO_EMBEDDING_MODEL")
    vectors = embeddings.embed([f"{d.title}. {d.body}" for d in CORPUS])
    backend = get_backend("sqlite", path=data_dir / "observatorio.db")
    backend.upsert(Document.model_validate(d.model_dump() | {"embedding": v})
                   for d, v in zip(CORPUS, vectors, strict=True))
    client = create_app({"TESTING": True, "DATA_DIR": str(data_dir)}).test_client()
    meaning = client.get("/api/search?q=ciberseguridad municipal&mode=semantic").get_json()
    assert [i["id"] for i in meaning["items"]] == ["cyber-tender"]
    hybrid = client.get("/api/search?q=ciberseguridad municipal").get_json()  # no mode: hybrid
    assert [i["id"] for i in hybrid["items"]] == ["cyber-tender"]
    item = client.get("/api/items/ai-call").get_json()
    assert "embedding" not in item and all("embedding" not in s for s in item["similar"])


@pytest.mark.parametrize("mode", ["semantic", "hybrid"])
def test_cli_mode_needs_embeddings(data_dir, mode):
    result = run_cli("search", "inteligencia", "--mode", mode)
    assert result.returncode == 2 and "needs embeddings" in result.stderr


def test_cli_reindex(data_dir):
    get_backend("sqlite").upsert(CORPUS)
    result = run_cli("reindex")
    assert result.returncode == 0
    assert f"reindexed {len(CORPUS)} document(s) in the sqlite backend" in result.stdout
    assert run_cli("search", "tecnologia", "--mode", "keyword").stdout.startswith("1 result(s)")
