"""Turn what a user types into a safe SQLite FTS5 query, and FTS5 snippets into safe HTML."""

from __future__ import annotations

import html
import re
from typing import NamedTuple

TERM = re.compile(r'(-?)"([^"]*)"?|(-?)([^\s"]+)')
WORD = re.compile(r"\w+")


class Term(NamedTuple):
    """One thing the user asked for: a word (maybe matched as a prefix) or a phrase."""

    words: tuple[str, ...]  # word characters only: nothing of any query syntax survives
    prefix: str | None  # for a lone word of four letters or more: the stem to match as a prefix
    negative: bool


class FtsQuery(NamedTuple):
    """What must match and what must not; either may be None."""

    match: str | None
    exclude: str | None


def parse_terms(text: str) -> list[Term]:
    """Split what a user typed into words, "quoted phrases" and -exclusions.

    Words of four letters or more match as prefixes after dropping a plural "s", so
    "convocatoria" finds "convocatorias" and "tecnologias" finds "tecnología" (both backends
    fold diacritics on both sides). Every backend builds its query from these terms.
    """
    terms = []
    for neg_phrase, phrase, neg_word, word in TERM.findall(text):
        words = tuple(WORD.findall(phrase if phrase or neg_phrase else word))
        if words:
            prefix = _stem(words[0]) if len(words) == 1 and not (phrase or neg_phrase) else None
            terms.append(Term(words, prefix, bool(neg_phrase or neg_word)))
    return terms


def fts_match(text: str) -> FtsQuery:
    """Terms are ANDed, exclusions ORed; each term is double-quoted, so no input reaches
    FTS5's query syntax."""
    include = [_fts(t) for t in parse_terms(text) if not t.negative]
    exclude = [_fts(t) for t in parse_terms(text) if t.negative]
    return FtsQuery(" AND ".join(include) or None, " OR ".join(exclude) or None)


def _fts(term: Term) -> str:
    return f'"{term.prefix}"*' if term.prefix else f'"{" ".join(term.words)}"'


def _stem(word: str) -> str | None:
    stem = word[:-1] if len(word) > 4 and word.lower().endswith("s") else word
    return stem if len(stem) >= 4 else None


def snippet_to_html(snippet: str | None, marks: tuple[str, str] = ("\x02", "\x03")) -> str:
    """Escape a snippet whose matches are wrapped in `marks` (FTS5's \\x02 … \\x03 by default),
    then mark the matches."""
    if not snippet:
        return ""
    return html.escape(snippet).replace(marks[0], "<mark>").replace(marks[1], "</mark>")
