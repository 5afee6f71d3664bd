"""spaCy component: set each token's NORM to its folded, lower-cased lemma."""

from __future__ import annotations

from spacy.language import Language
from spacy.lookups import load_lookups
from spacy.tokens import Doc

from .text import fold


@Language.factory("obs_normalizer")
def make_normalizer(nlp: Language, name: str) -> Normalizer:
    return Normalizer(nlp.lang)


class Normalizer:
    """Phrase matchers then compare "Redes Neuronales" with "red neuronal" as equals.

    spacy-lookups-data's lemma tables are case-sensitive, so the lemma is looked up on the
    lower-cased word; where the table has no entry the word itself is kept.
    """

    def __init__(self, lang: str):
        try:
            self.lemmas = load_lookups(lang, ["lemma_lookup"]).get_table("lemma_lookup")
        except (ValueError, KeyError):  # no lookup table for this language
            self.lemmas = {}

    def __call__(self, doc: Doc) -> Doc:
        for token in doc:
            lower = token.lower_
            token.norm_ = fold(self.lemmas.get(lower, lower))
        return doc
