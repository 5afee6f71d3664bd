"""The embedding model: loaded once per process, batched, and off in keyword-only mode."""

import numpy as np

from nlp import embeddings


def test_keyword_only_mode(monkeypatch):
    monkeypatch.setenv("OBSERVATORIO_EMBEDDING_MODEL", "none")
    assert not embeddings.enabled() and embeddings.embed(["texto"]) is None


def test_the_bundled_model_is_loaded_once_and_gives_unit_vectors(monkeypatch):
    monkeypatch.delenv("OBSERVATORIO_EMBEDDING_MODEL")
    vectors = embeddings.embed(["Convocatoria de inteligencia artificial", "AI grant for startups", "Lluvia"])
    loads = embeddings.load_model.cache_info().misses
    embeddings.embed(["otra vez"])
    assert embeddings.load_model.cache_info().misses == loads
    matrix = np.asarray(vectors)
    assert matrix.shape == (3, 384) and np.allclose(np.linalg.norm(matrix, axis=1), 1, atol=1e-4)
    assert matrix[0] @ matrix[1] > matrix[0] @ matrix[2]
    assert embeddings.embed([]) == []
