"""Score open opportunities against firm profiles, and say why in Spanish.

The score of a pair is a weighted mean of three signals, each in 0..1:
- similarity: the opportunity's cosine to the firm's description or its closest sentence,
  scaled from SIMILARITY_FLOOR (unrelated) to SIMILARITY_CEILING (clearly the same work);
- topics: the cosine of the opportunity's topic scores and the firm's topics, so a firm covering
  every topic of the taxonomy is not a perfect fit for everything;
- location: the opportunity names the Zona Sur or its cantons and the firm is there (half), or
  names the firm's own canton (all).
A kind the firm is not interested in scores 0. Only pairs at THRESHOLD or above are matches:
location alone never reaches it. Without an embedding model the other weights are rescaled.
The scores of all pairs come from matrix products, a block of opportunities at a time.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np

from search.document import Document

from . import location
from .profiles import Firm
from .reasons import Explainer
from .vectors import FirmMatrices, OpportunityMatrices

WEIGHTS = {"similarity": 0.45, "topics": 0.45, "location": 0.10}
SIMILARITY_FLOOR = 0.20
SIMILARITY_CEILING = 0.60
STRONG_SIMILARITY = 0.65
THRESHOLD = 0.35
UNCONFIDENT = THRESHOLD * 0.99
BLOCK = 2048  # opportunities scored at once: bounds the memory of the m × sentences product


@dataclass(frozen=True)
class Match:
    firm: Firm
    document: Document
    score: float
    reasons: list[str]


@dataclass(frozen=True)
class Scores:
    """The scores of a block of opportunities (rows) against every firm (columns)."""

    total: np.ndarray
    best_sentence: np.ndarray | None  # the index (into FirmMatrices.sentences) of the closest sentence
    similarity: np.ndarray | None  # its cosine, or the whole description's when higher


class Matcher:
    """Firm profiles ready to be matched: their matrices are built once."""

    def __init__(self, firms: list[Firm], explainer: Explainer):
        self.explainer = explainer
        self.firms = FirmMatrices.build(firms, explainer.slugs)

    @property
    def dimensions(self) -> int | None:
        return None if self.firms.description is None else self.firms.description.shape[1]

    def scores(self, documents: list[Document]) -> Iterator[tuple[OpportunityMatrices, Scores]]:
        """Every document against every firm, a block of documents at a time."""
        for start in range(0, len(documents), BLOCK):
            block = OpportunityMatrices.build(documents[start:start + BLOCK], self.explainer.slugs,
                                              self.dimensions)
            yield block, self._score(block)

    def _score(self, opportunities: OpportunityMatrices) -> Scores:
        firms, weights = self.firms, dict(WEIGHTS)
        interested = (opportunities.kinds @ firms.interests.T) > 0
        topic_norms = np.outer(np.linalg.norm(opportunities.topics, axis=1),
                               np.linalg.norm(firms.topics, axis=1))
        topics = np.divide(opportunities.topics @ firms.topics.T, topic_norms,
                           out=np.zeros_like(topic_norms), where=topic_norms > 0)
        place = 0.5 * np.outer(opportunities.in_zone, firms.in_zone) + 0.5 * (
            opportunities.cantons @ firms.cantons.T)
        total = weights["topics"] * topics + weights["location"] * place
        best = similarity = None
        if opportunities.vectors is not None and len(firms.firms):
            whole = opportunities.vectors @ firms.description.T
            per_sentence = opportunities.vectors @ firms.sentence.T
            closest = np.maximum.reduceat(per_sentence, firms.starts, axis=1)
            best = _argmax_per_firm(per_sentence, firms.starts)
            similarity = np.maximum(whole, closest)
            scaled = np.clip((similarity - SIMILARITY_FLOOR) / (SIMILARITY_CEILING - SIMILARITY_FLOOR), 0, 1)
            total = total + weights["similarity"] * scaled
        else:
            weights.pop("similarity")
        total = total / sum(weights.values())
        # Without a shared topic only a very close description is evidence enough: a text about
        # guards or roads can sit near a security or telecom firm's words.
        evidence = topics > 0
        if similarity is not None:
            evidence |= similarity >= STRONG_SIMILARITY
        total = np.where(evidence, total, np.minimum(total, UNCONFIDENT))
        return Scores(total=np.where(interested, total, 0.0),
                      best_sentence=best, similarity=similarity)

    def for_firm(self, firm_id: str, documents: list[Document], size: int) -> list[Match]:
        """The firm's `size` best opportunities among `documents`, best first."""
        column = next(j for j, f in enumerate(self.firms.firms) if f.id == firm_id)
        found = []
        for block, scores in self.scores(documents):
            rows = np.flatnonzero(scores.total[:, column] >= THRESHOLD)
            found += [(float(scores.total[i, column]), block, scores, i) for i in rows]
        found.sort(key=lambda m: (-m[0], m[1].documents[m[3]].id))
        return [self._match(block, scores, i, column) for _, block, scores, i in found[:size]]

    def for_document(self, document: Document, size: int) -> list[Match]:
        """The `size` firms that fit `document` best, best first."""
        block, scores = next(self.scores([document]))
        row = scores.total[0]
        columns = [j for j in np.argsort(-row, kind="stable") if row[j] >= THRESHOLD][:size]
        return [self._match(block, scores, 0, j) for j in columns]

    def best_per_firm(self, documents: list[Document], size: int) -> dict[str, list[Match]]:
        """Each firm's `size` best opportunities among `documents`, best first, with reasons."""
        found: list[list[tuple[float, int, OpportunityMatrices, Scores]]] = [[] for _ in self.firms.firms]
        for block, scores in self.scores(documents):
            keep = min(size, len(block.documents))
            # each firm's keep-th best score in this block; ties with it are kept, for the final order
            cut = -np.partition(-scores.total, keep - 1, axis=0)[keep - 1]
            rows, columns = np.nonzero(scores.total >= np.maximum(cut, THRESHOLD))
            for i, column in zip(rows.tolist(), columns.tolist(), strict=True):
                found[column].append((float(scores.total[i, column]), i, block, scores))
        return {firm.id: [self._match(block, scores, i, column) for _, i, block, scores in
                          sorted(candidates, key=lambda c: (-c[0], c[2].documents[c[1]].id))[:size]]
                for column, (firm, candidates) in enumerate(zip(self.firms.firms, found, strict=True))}

    def all_matches(self, documents: list[Document]) -> Iterator[Match]:
        """Every pair at THRESHOLD or above, with its reasons."""
        for block, scores in self.scores(documents):
            rows, columns = np.nonzero(scores.total >= THRESHOLD)
            for i, column in zip(rows.tolist(), columns.tolist(), strict=True):
                yield self._match(block, scores, i, column)

    def _match(self, block: OpportunityMatrices, scores: Scores, row: int, column: int) -> Match:
        firm, document = self.firms.firms[column], block.documents[row]
        sentence = None
        if scores.best_sentence is not None:
            sentence = (self.firms.sentences[scores.best_sentence[row, column]],
                        float(scores.similarity[row, column]))
        named = [location.CANTONS[k] for k in np.flatnonzero(block.cantons[row])]
        reasons = self.explainer.reasons(firm, document, sentence, bool(block.in_zone[row]), named)
        return Match(firm=firm, document=document, score=round(float(scores.total[row, column]), 4),
                     reasons=reasons)


def _argmax_per_firm(per_sentence: np.ndarray, starts: np.ndarray) -> np.ndarray:
    """For each row and firm, the column of the firm's most similar sentence."""
    ends = np.append(starts[1:], per_sentence.shape[1])
    best = np.empty((per_sentence.shape[0], len(starts)), dtype=np.int64)
    for column, (start, end) in enumerate(zip(starts, ends, strict=True)):
        best[:, column] = start + np.argmax(per_sentence[:, start:end], axis=1)
    return best
