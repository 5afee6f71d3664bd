"""Which language a text is in: Spanish, English, or another one; reliable on a title alone.

lingua, restricted to the languages that occur in the catalogue, is accurate on paragraphs
but on a few words it can be swayed by a place name ("5G rollout reaches Pérez Zeledón") or an
English loanword ("Startup de agtech"). So its confidences are combined with a vote of the
words only one of the two lexicons knows (spaCy's lemma tables and stop words), leaving out
capitalised words inside the text, which are mostly names. Another language is reported
only when lingua's confidence in it clearly exceeds the share of words Spanish or English
know (Portuguese shares many of Spanish's).
"""

from __future__ import annotations

import re
from functools import cache

from lingua import Language, LanguageDetectorBuilder

from .normalizer import lexicon

LANGUAGES = (Language.SPANISH, Language.ENGLISH, Language.PORTUGUESE, Language.FRENCH)
SAMPLE_CHARS = 400  # a title and an opening paragraph; lingua costs grow with length
VOTERS = 40  # words that vote: a title and the opening words are enough
LEXICON_WEIGHT = 1.0  # the lexicon vote, 0..1, added to lingua's confidence
OTHER_CONFIDENCE = 0.7  # lingua's confidence needed to report a third language, and it must
OTHER_MARGIN = 0.1  # exceed the share of words Spanish or English know by this much
MIN_SCORE = 0.5  # below this, the hint (the source's language) wins
WORD = re.compile(r"(?<![\w.])([^\W\d_]+)")


@cache
def _detector():
    return LanguageDetectorBuilder.from_languages(*LANGUAGES).build()


def detect_language(text: str, hint: str | None = None) -> str:
    """ISO 639-1 code of `text`; the hint (the source's language) wins when the text says little."""
    sample = text.strip()[:SAMPLE_CHARS]
    if not sample:
        return hint or "und"
    confidences = {c.language.iso_code_639_1.name.lower(): c.value
                   for c in _detector().compute_language_confidence_values(sample)}
    words = _common_words(sample)[:VOTERS]
    known_es = {w for w in words if w in lexicon("es")}
    known_en = {w for w in words if w in lexicon("en")}
    best = max(confidences, key=confidences.get)
    coverage = sum(w in known_es or w in known_en for w in words) / len(words) if words else 0.0
    confident = confidences[best] >= max(OTHER_CONFIDENCE, coverage + OTHER_MARGIN)
    if best not in ("es", "en") and confident:
        return best
    only_es, only_en = len(known_es - known_en), len(known_en - known_es)
    votes = max(1, only_es + only_en)
    scores = {"es": confidences["es"] + LEXICON_WEIGHT * only_es / votes,
              "en": confidences["en"] + LEXICON_WEIGHT * only_en / votes}
    lang = max(scores, key=scores.get)
    return hint if hint and scores[lang] < MIN_SCORE else lang


def _common_words(text: str) -> list[str]:
    """Lower-cased words, without capitalised ones after the first word (names, mostly)."""
    words = []
    for index, match in enumerate(WORD.finditer(text)):
        word = match.group(1)
        if index and word[0].isupper():
            continue
        words.append(word.lower())
    return words
