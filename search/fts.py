"""Turn what a user types into a safe SQLite FTS5 query, and FTS5 snippets into safe HTML."""

from __future__ import annotations

import html
import re
from typing import NamedTuple

TERM = re.compile(r'(-?)"([^"]*)"?|(-?)([^\s"]+)')
WORD = re.compile(r"\w+")


class FtsQuery(NamedTuple):
    """What must match and what must not; either may be None."""

    match: str | None
    exclude: str | None


def fts_match(text: str) -> FtsQuery:
    """Words are ANDed, "quoted phrases" kept together, -word excluded.

    Every term is rebuilt from its word characters and double-quoted, so no input can reach
    FTS5's query syntax. Words of four letters or more match as prefixes after dropping a
    plural "s", so "convocatoria" finds "convocatorias" and "tecnologias" finds "tecnología"
    (the tokenizer folds diacritics on both sides).
    """
    include: list[str] = []
    exclude: list[str] = []
    for neg_phrase, phrase, neg_word, word in TERM.findall(text):
        if phrase or neg_phrase:
            term = _quote(WORD.findall(phrase))
            negative = bool(neg_phrase)
        else:
            words = WORD.findall(word)
            term = _prefix(words[0]) if len(words) == 1 else _quote(words)
            negative = bool(neg_word)
        if term:
            (exclude if negative else include).append(term)
    return FtsQuery(" AND ".join(include) or None, " OR ".join(exclude) or None)


def _quote(words: list[str]) -> str:
    return f'"{" ".join(words)}"' if words else ""


def _prefix(word: str) -> str:
    stem = word[:-1] if len(word) > 4 and word.lower().endswith("s") else word
    return f'"{stem}"*' if len(stem) >= 4 else f'"{word}"'


def snippet_to_html(snippet: str | None) -> str:
    """Escape a snippet whose matches FTS5 wrapped in \\x02 … \\x03, then mark the matches."""
    if not snippet:
        return ""
    return html.escape(snippet).replace("\x02", "<mark>").replace("\x03", "</mark>")
