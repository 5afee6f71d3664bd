"""The matrices matching multiplies: embeddings, topics, interests and places of firms and
opportunities, one row per firm or opportunity."""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np

from nlp import embeddings
from search.document import Document

from . import location
from .profiles import Firm

KINDS = ("funding_call", "tender")
SENTENCE_END = re.compile(r"(?<=[.!?;])\s+|\n+")
MIN_SENTENCE = 15  # characters: shorter pieces ("Ltda.", a list bullet) say nothing alone
EMBED_CHARS = 2000  # the model reads about 256 word pieces; the title and opening say the most


def sentences(description: str) -> list[str]:
    """The description's sentences (the whole of it when it has no long one)."""
    found = [s.strip() for s in SENTENCE_END.split(description) if len(s.strip()) >= MIN_SENTENCE]
    return found or [description.strip()]


_vectors: dict[tuple[str, str], np.ndarray] = {}  # (model, text) -> unit vector
KEPT_VECTORS = 50_000  # about 75 MB of 384-dimension vectors: every profile's, many times over


def embed(texts: list[str]) -> np.ndarray | None:
    """Unit vectors (len(texts) × dimensions), or None in keyword-only mode. Each text's vector is
    kept: the same profiles are matched again and again, all together or a few at a time."""
    if not embeddings.enabled():
        return None
    model = embeddings.model_name()
    missing = list(dict.fromkeys(t for t in texts if (model, t) not in _vectors))
    if missing:
        if len(_vectors) + len(missing) > KEPT_VECTORS:
            _vectors.clear()
        _vectors.update(((model, t), v) for t, v in zip(
            missing, np.asarray(embeddings.embed(missing), dtype=np.float32), strict=True))
    return np.stack([_vectors[(model, t)] for t in texts]).astype(np.float32, copy=False)


@dataclass(frozen=True)
class FirmMatrices:
    firms: list[Firm]
    sentences: list[str]  # every firm's sentences, firm after firm
    starts: np.ndarray  # index of each firm's first sentence
    description: np.ndarray | None  # n × d
    sentence: np.ndarray | None  # sentences × d
    topics: np.ndarray  # n × topics, 0/1
    interests: np.ndarray  # n × kinds, 0/1
    cantons: np.ndarray  # n × Zona Sur cantons, 0/1
    in_zone: np.ndarray  # n, bool

    @classmethod
    def build(cls, firms: list[Firm], slugs: list[str]) -> FirmMatrices:
        split = [sentences(f.description) for f in firms]
        flat = [s for firm_sentences in split for s in firm_sentences]
        starts = np.cumsum([0, *map(len, split)])[:-1]
        vectors = embed([f.description for f in firms] + flat) if firms else None
        cantons = np.zeros((len(firms), len(location.CANTONS)), dtype=np.float32)
        for row, firm in enumerate(firms):
            index = location.canton_index(firm.canton)
            if index is not None:
                cantons[row, index] = 1
        return cls(
            firms=firms, sentences=flat, starts=starts,
            description=vectors[:len(firms)] if vectors is not None else None,
            sentence=vectors[len(firms):] if vectors is not None else None,
            topics=_one_hot([f.topics for f in firms], slugs),
            interests=_one_hot([f.interests for f in firms], KINDS),
            cantons=cantons, in_zone=cantons.any(axis=1))


@dataclass(frozen=True)
class OpportunityMatrices:
    documents: list[Document]
    vectors: np.ndarray | None  # m × d
    topics: np.ndarray  # m × topics, the tagger's scores
    kinds: np.ndarray  # m × kinds, 0/1
    cantons: np.ndarray  # m × Zona Sur cantons named, 0/1
    in_zone: np.ndarray  # m, bool: names the region or one of its cantons

    @classmethod
    def build(cls, documents: list[Document], slugs: list[str],
              dimensions: int | None) -> OpportunityMatrices:
        texts = [text_of(doc) for doc in documents]
        vectors = None
        if dimensions:
            have = np.array([len(doc.embedding or ()) == dimensions for doc in documents], dtype=bool)
            vectors = np.zeros((len(documents), dimensions), dtype=np.float32)
            if have.any():
                vectors[have] = np.asarray([d.embedding for d, ok in zip(documents, have, strict=True) if ok],
                                           dtype=np.float32)
            if not have.all():
                vectors[~have] = embed([text for text, ok in zip(texts, have, strict=True) if not ok])
        column = {slug: k for k, slug in enumerate(slugs)}
        topics = np.zeros((len(documents), len(slugs)), dtype=np.float32)
        for row, doc in enumerate(documents):
            for slug in doc.topics:
                if slug in column:
                    topics[row, column[slug]] = min(1.0, doc.topic_scores.get(slug, 1.0))
        in_zone, cantons = location.mentions(texts)
        return cls(documents=documents, vectors=vectors, topics=topics,
                   kinds=_one_hot([(doc.kind.value,) for doc in documents], KINDS),
                   cantons=cantons.astype(np.float32), in_zone=in_zone)


def text_of(doc: Document) -> str:
    """What an opportunity is about: its title, summary and the start of its text."""
    return "\n".join(p for p in (doc.title, doc.summary, doc.searchable_text()) if p)[:EMBED_CHARS]


def _one_hot(values: list[tuple[str, ...]], names: tuple[str, ...] | list[str]) -> np.ndarray:
    column = {name: k for k, name in enumerate(names)}
    matrix = np.zeros((len(values), len(names)), dtype=np.float32)
    for row, row_values in enumerate(values):
        for value in row_values:
            if value in column:
                matrix[row, column[value]] = 1
    return matrix
