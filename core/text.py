"""Text folding shared by every matcher and highlighter: lower case, no diacritics."""

from __future__ import annotations

import unicodedata


def fold(text: str) -> str:
    """Lower-case and strip diacritics, so "Tecnología" and "tecnologia" compare equal."""
    text = text.lower()
    if text.isascii():
        return text
    return "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))
