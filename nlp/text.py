"""Text normalisation shared by every matcher: lower case, no diacritics."""

from __future__ import annotations

import re
import unicodedata

WORD_JOINER = re.compile(r"(?<=[^\W\d_])[-‐‑/](?=[^\W\d_])")


def fold(text: str) -> str:
    """Lower-case and strip diacritics, so "Tecnología" and "tecnologia" compare equal."""
    decomposed = unicodedata.normalize("NFKD", text.lower())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def hyphens_as_spaces(text: str) -> str:
    """"e-commerce" reads as "e commerce" and "ISO/IEC" as "ISO IEC"; the length is kept."""
    return WORD_JOINER.sub(" ", text)


def cue_distance(before: str, cues: re.Pattern, other_cues: re.Pattern) -> int | None:
    """How far back the last cue in `before` is, unless a competing cue comes after it.

    "Fecha límite ... 15/12" is a deadline; "fecha límite de la sesión informativa: 1/12"
    is not, because the competing cue is nearer to the date.
    """
    folded = fold(before)
    cue = _last(cues, folded)
    other = _last(other_cues, folded)
    if cue is None or (other is not None and other > cue):
        return None
    return len(folded) - cue


def _last(pattern: re.Pattern, text: str) -> int | None:
    positions = [m.start() for m in pattern.finditer(text)]
    return positions[-1] if positions else None
