"""Cosine similarity of documents to each topic's description and examples."""

from __future__ import annotations

from functools import cache

import numpy as np

from . import embeddings
from .taxonomy import Taxonomy

TopicTexts = tuple[tuple[str, tuple[str, ...]], ...]  # (slug, (description.es, description.en, examples...))


def topic_similarities(vectors: list[list[float]], taxonomy: Taxonomy) -> list[dict[str, float]]:
    """For each unit-length document vector, its cosine to every topic's centroid."""
    if not vectors:
        return []
    slugs, centroids = topic_centroids(embeddings.model_name(), _topic_texts(taxonomy))
    cosines = np.asarray(vectors, dtype=np.float32) @ centroids.T
    return [dict(zip(slugs, map(float, row), strict=True)) for row in cosines]


def _topic_texts(taxonomy: Taxonomy) -> TopicTexts:
    return tuple((t.slug, (t.description.es, t.description.en, *t.examples)) for t in taxonomy.topics)


@cache
def topic_centroids(model: str, topics: TopicTexts) -> tuple[list[str], np.ndarray]:
    """The mean of each topic's description and example vectors; computed once per process."""
    slugs = [slug for slug, _ in topics]
    vectors = np.asarray(embeddings.embed([text for _, texts in topics for text in texts]), dtype=np.float32)
    bounds = np.cumsum([0, *(len(texts) for _, texts in topics)])
    centroids = np.stack([vectors[a:b].mean(axis=0) for a, b in zip(bounds[:-1], bounds[1:], strict=True)])
    return slugs, centroids / np.linalg.norm(centroids, axis=1, keepdims=True)
