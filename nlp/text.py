"""Word joiners read as spaces, for every matcher (folding itself is core.text.fold)."""

from __future__ import annotations

import re

WORD_JOINER = re.compile(r"(?<=[^\W\d_])[-‐‑/](?=[^\W\d_])")


def hyphens_as_spaces(text: str) -> str:
    """"e-commerce" reads as "e commerce" and "ISO/IEC" as "ISO IEC"; the length is kept."""
    return WORD_JOINER.sub(" ", text)
