"""Which language a text is in: Spanish, English, or another one."""

from __future__ import annotations

from functools import cache

from lingua import Language, LanguageDetectorBuilder

# The languages that occur in the catalogue; restricting lingua to them makes it
# reliable on a title alone.
LANGUAGES = (Language.SPANISH, Language.ENGLISH, Language.PORTUGUESE, Language.FRENCH)
MIN_CONFIDENCE = 0.5


@cache
def _detector():
    return LanguageDetectorBuilder.from_languages(*LANGUAGES).build()


def detect_language(text: str, hint: str | None = None) -> str:
    """ISO 639-1 code of `text`; the hint (the source's language) wins when lingua is unsure."""
    sample = text.strip()[:1000]
    if not sample:
        return hint or "und"
    best = _detector().compute_language_confidence_values(sample)[0]
    if best.value < MIN_CONFIDENCE and hint:
        return hint
    return best.language.iso_code_639_1.name.lower()
