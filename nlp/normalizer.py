"""spaCy component: set each token's NORM to its folded, lower-cased lemma."""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import cache

import spacy
from spacy.language import Language
from spacy.lookups import load_lookups
from spacy.tokens import Doc

from core.text import fold

from .text import hyphens_as_spaces

# Regular plurals of words the lookup tables do not know ("drones", "chatbots", "LLMs").
PLURAL = {"es": re.compile(r"(?<=[a-záéíóúñ]{3})(?:(?<=[rnld])es|(?<![sui])s)$"),
          "en": re.compile(r"(?<=[a-z]{3})(?<![sui])s$")}


@cache
def lemma_table(lang: str):
    """spacy-lookups-data's lemma table for `lang` (word -> lemma), loaded once; {} if none."""
    try:
        return load_lookups(lang, ["lemma_lookup"]).get_table("lemma_lookup")
    except (ValueError, KeyError):  # no lookup table for this language
        return {}


class Lexicon:
    """The word forms spaCy knows in one language: lemma-table words and lemmas, stop words."""

    def __init__(self, lang: str):
        self.table = lemma_table(lang)
        self.words = frozenset({*(str(v).lower() for v in self.table.values()),
                                *spacy.blank(lang).Defaults.stop_words})

    def __contains__(self, word: str) -> bool:
        return word in self.words or word in self.table


@cache
def lexicon(lang: str) -> Lexicon:
    return Lexicon(lang)


@Language.factory("obs_normalizer")
def make_normalizer(nlp: Language, name: str) -> Normalizer:
    return Normalizer(nlp.lang)


class Normalizer:
    """Phrase matchers then compare "Redes Neuronales" with "red neuronal" as equals.

    spacy-lookups-data's lemma tables are case-sensitive, so the lemma is looked up on the
    lower-cased word; a word the table does not know loses a regular plural ending, and in
    Spanish every plural is read as a noun first (the table takes "redes" for the verb "redar").
    Clitics, words of one or two letters and all-caps acronyms are not looked up: the English
    table reads "ai" (from "ain't") and "'s" as "have", so "AI-powered" would be "have power".
    """

    def __init__(self, lang: str):
        self.lang = lang
        self.lemmas = lemma_table(lang)
        self.plural = PLURAL.get(lang)
        self.cache: dict[tuple[str, bool], str] = {}

    def __call__(self, doc: Doc) -> Doc:
        for token in doc:
            key = (token.lower_, _verbatim(token.text))
            norm = self.cache.get(key)
            if norm is None:
                norm = self.cache[key] = self.norm(*key)
            token.norm_ = norm
        return doc

    def norm(self, lower: str, verbatim: bool = False) -> str:
        word = lower
        if self.lang == "es" and self.plural and lower.isalpha():
            word = self.plural.sub("", lower)  # plurals read as nouns: "redes" is "red", not "redar"
        lemma = None if verbatim else self.lemmas.get(word)
        if lemma is None and self.plural and word.isalpha():
            lemma = self.plural.sub("", word)
        return fold(lemma or word)


def _verbatim(text: str) -> bool:
    """A clitic ("'s"), a word of one or two letters or an all-caps acronym ("AI", "IA"): no lemma."""
    return text.startswith(("'", "’")) or len(text) <= 2 or (text.isupper() and len(text) <= 5)


@cache
def _normalizer(lang: str) -> Normalizer:
    return Normalizer(lang)


def pattern_docs(nlp: Language, phrases: Iterable[str]) -> list[Doc]:
    """Phrases as PhraseMatcher patterns with their NORMs set, in `nlp`'s vocabulary.

    A hyphenated phrase also gets its spaced form, the form nlp.enrich gives texts
    ("CSIRT-CR" and "CSIRT CR").
    """
    normalizer = _normalizer(nlp.lang)
    variants = dict.fromkeys(v for p in phrases for v in (p, hyphens_as_spaces(p)))
    return [normalizer(nlp.make_doc(v)) for v in variants]


@cache
def phrase_norms(phrase: str, lang: str) -> tuple[str, ...]:
    """The NORMs a phrase matches on in `lang`, punctuation and spaces left out."""
    doc = _normalizer(lang)(_blank(lang).make_doc(hyphens_as_spaces(phrase)))
    return tuple(t.norm_ for t in doc if not (t.is_punct or t.is_space))


@cache
def _blank(lang: str) -> Language:
    return spacy.blank(lang)
