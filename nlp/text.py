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
