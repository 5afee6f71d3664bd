"""Why an opportunity fits a firm, spelled out in Spanish for the firm and the commission."""

from __future__ import annotations

from nlp.taxonomy import Taxonomy
from search.document import Document

from . import location
from .profiles import Firm

SIMILAR_ENOUGH = 0.30  # cosine above which the closest sentence is worth quoting
QUOTE_CHARS = 160
KIND_PLURAL = {"funding_call": "convocatorias de financiamiento", "tender": "licitaciones"}


class Explainer:
    """Reasons in Spanish, with the taxonomy's Spanish labels."""

    def __init__(self, taxonomy: Taxonomy):
        self.slugs = taxonomy.slugs
        self.labels = {t.slug: _lower_first(t.label.es) for t in taxonomy.topics}

    def reasons(self, firm: Firm, document: Document, sentence: tuple[str, float] | None,
                in_zone: bool, cantons: list[str]) -> list[str]:
        """Shared topics, the firm's closest sentence, the place, and the kind it asked for."""
        found = []
        shared = [t for t in document.topics if t in firm.topics]
        if shared:
            found.append(f"coincide con sus temas {join([self.labels[t] for t in shared])}")
        if sentence and sentence[1] >= SIMILAR_ENOUGH:
            found.append(f"se parece a su proyecto: «{_quote(sentence[0])}»")
        home = location.canton_index(firm.canton)
        if home is not None and location.CANTONS[home] in cantons:
            found.append(f"menciona su cantón, {location.CANTONS[home]}")
        elif home is not None and in_zone:
            found.append(f"es para la Zona Sur, donde está la empresa ({location.CANTONS[home]})")
        found.append(f"le interesan las {KIND_PLURAL[document.kind.value]}")
        return found


def _lower_first(label: str) -> str:
    """"Agrotecnología" reads "agrotecnología" in a sentence; "IoT" stays as it is."""
    return label[0].lower() + label[1:] if label[1:2].islower() else label


def join(words: list[str]) -> str:
    return words[0] if len(words) == 1 else f"{', '.join(words[:-1])} y {words[-1]}"


def _quote(sentence: str) -> str:
    sentence = sentence.rstrip(".;")
    return sentence if len(sentence) <= QUOTE_CHARS else sentence[:QUOTE_CHARS].rsplit(" ", 1)[0] + "…"
