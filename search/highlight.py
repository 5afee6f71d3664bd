"""Mark the user's words in a text, as safe HTML, the way the SQLite index matches them.

FTS5's own highlight() re-runs the whole MATCH for every row it marks, which costs more than
the search itself for prefix terms on a large index; the page's few documents are marked here
instead, with the same folding (case and diacritics) and the same prefix and phrase rules.
"""

from __future__ import annotations

import html
import re
from functools import lru_cache

from core.text import fold

from .fts import Term, parse_terms

TOKEN = re.compile(r"\w+")
SNIPPET_TOKENS = 24


fold_word = lru_cache(maxsize=100_000)(fold)  # a page's snippets fold the same words again and again


def highlight(text: str, q: str, snippet: bool = False) -> str:
    """`text` escaped with <mark> around each match of `q`; "" when nothing matches. A snippet
    keeps about SNIPPET_TOKENS words around the first match, with … where it cuts."""
    tokens = list(TOKEN.finditer(text))
    marked = _matches([fold_word(t.group()) for t in tokens], [t for t in parse_terms(q) if not t.negative])
    if not marked:
        return ""
    first, last = 0, len(tokens)
    if snippet:
        first = max(0, min(marked) - SNIPPET_TOKENS // 4)
        last = min(len(tokens), first + SNIPPET_TOKENS)
    start = tokens[first].start() if first else 0
    end = tokens[last - 1].end() if last < len(tokens) else len(text)
    parts, position = ["…" if start else ""], start
    for i in range(first, last):
        token = tokens[i]
        parts.append(html.escape(text[position:token.start()]))
        word = html.escape(token.group())
        parts.append(f"<mark>{word}</mark>" if i in marked else word)
        position = token.end()
    parts.append(html.escape(text[position:end]) + ("…" if end < len(text) else ""))
    return "".join(parts)


def _matches(folded: list[str], terms: list[Term]) -> set[int]:
    """Indexes of the tokens that match a word, a prefix or a whole phrase."""
    marked: set[int] = set()
    for term in terms:
        words = [fold_word(w) for w in term.words]
        if term.prefix:
            stem = fold_word(term.prefix)
            marked.update(i for i, token in enumerate(folded) if token.startswith(stem))
            continue
        for i in range(len(folded) - len(words) + 1):
            if folded[i:i + len(words)] == words:
                marked.update(range(i, i + len(words)))
    return marked
