"""spaCy component: set each token's NORM to its folded, lower-cased lemma."""

from __future__ import annotations

import re
from functools import cache

import spacy
from spacy.language import Language
from spacy.lookups import load_lookups
from spacy.tokens import Doc

from .text import fold, hyphens_as_spaces

# Regular plurals of words the lookup tables do not know ("drones", "chatbots", "LLMs").
PLURAL = {"es": re.compile(r"(?<=[a-záéíóúñ]{3})(?:(?<=[rnldj])es|(?<![sui])s)$"),
          "en": re.compile(r"(?<=[a-z]{3})(?<![sui])s$")}


@Language.factory("obs_normalizer")
def make_normalizer(nlp: Language, name: str) -> Normalizer:
    return Normalizer(nlp.lang)


class Normalizer:
    """Phrase matchers then compare "Redes Neuronales" with "red neuronal" as equals.

    spacy-lookups-data's lemma tables are case-sensitive, so the lemma is looked up on the
    lower-cased word; a word the table does not know loses a regular plural ending.
    """

    def __init__(self, lang: str):
        try:
            self.lemmas = load_lookups(lang, ["lemma_lookup"]).get_table("lemma_lookup")
        except (ValueError, KeyError):  # no lookup table for this language
            self.lemmas = {}
        self.plural = PLURAL.get(lang)
        self.cache: dict[str, str] = {}

    def __call__(self, doc: Doc) -> Doc:
        for token in doc:
            lower = token.lower_
            norm = self.cache.get(lower)
            if norm is None:
                norm = self.cache[lower] = self.norm(lower)
            token.norm_ = norm
        return doc

    def norm(self, lower: str) -> str:
        lemma = self.lemmas.get(lower)
        if lemma is None:
            lemma = self.plural.sub("", lower) if self.plural and lower.isalpha() else lower
        return fold(lemma)


@cache
def _normalizer(lang: str) -> tuple[Language, Normalizer]:
    nlp = spacy.blank(lang)
    return nlp, Normalizer(lang)


def phrase_norms(phrase: str, lang: str) -> tuple[str, ...]:
    """The NORMs a phrase matches on in `lang`, punctuation and spaces left out."""
    nlp, normalizer = _normalizer(lang)
    doc = normalizer(nlp.make_doc(hyphens_as_spaces(phrase)))
    return tuple(t.norm_ for t in doc if not (t.is_punct or t.is_space))
