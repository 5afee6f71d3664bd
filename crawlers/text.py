"""Plain text from untrusted HTML: crawled markup is never stored or shown as HTML."""

from __future__ import annotations

import re

import lxml.html
import trafilatura
from lxml import etree
from w3lib.encoding import read_bom

BLOCKS = {"p", "div", "br", "li", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6", "tr", "table",
          "section", "article", "header", "footer", "blockquote", "pre", "dd", "dt", "hr"}
SPACES = re.compile(r"[ \t\r\f\v\u00a0]+")
BLANK_LINES = re.compile(r"\n\s*\n+")
SENTENCE_END = re.compile(r"(?<=[.!?…])\s|\n")
# Sr. Dra. Ing. · etc. pág. núm. · EE.UU. U.S.: periods that do not end a sentence
ABBREVIATION = re.compile(r"(?:^|\s)(?:[A-ZÁÉÍÓÚÑ][a-záéíóúñ]{0,2}|etc|p|pp|pág|núm|art|aprox|vol|"
                          r"(?:[A-Za-z]{1,2}\.)+[A-Za-z]{1,2})\.$")
TITLE_LIMIT = 100  # characters of a title derived from the text, as feed readers show them


def html_to_text(markup: str | None) -> str:
    """Text content of an HTML fragment, one line per block, scripts and styles dropped."""
    if not markup or not markup.strip():
        return ""
    if "<" not in markup:
        return normalise_space(markup)
    try:
        root = lxml.html.fragment_fromstring(markup, create_parent="div")
    except (etree.ParserError, ValueError):
        return normalise_space(markup)
    etree.strip_elements(root, "script", "style", "noscript", "template", etree.Comment,
                         with_tail=False)
    for element in root.iter():
        if isinstance(element.tag, str) and element.tag.lower() in BLOCKS:
            element.tail = "\n" + (element.tail or "")
    return normalise_space(root.text_content())


def normalise_space(text: str) -> str:
    lines = (SPACES.sub(" ", line).strip() for line in text.split("\n"))
    return BLANK_LINES.sub("\n\n", "\n".join(lines)).strip()


def excerpt(text: str, limit: int = 300) -> str:
    """The first sentences of `text`, at most about `limit` characters."""
    if len(text) <= limit:
        return text
    cut = text.rfind(". ", 0, limit)
    return text[: cut + 1] if cut > limit // 4 else text[:limit].rsplit(" ", 1)[0] + " …"


def derived_title(text: str, limit: int = TITLE_LIMIT) -> str:
    """A title for an entry that has none: the text's first sentence (or line), shortened at
    a word boundary with an ellipsis when longer than `limit`, as feed readers do."""
    first = _first_sentence(text.strip()[: limit + 1])  # a longer sentence is cut anyway
    if len(first) <= limit:
        return first
    cut = first[: limit + 1].rsplit(" ", 1)[0] if " " in first[:limit + 1] else first[:limit]
    return cut.rstrip(" ,;:-–—") + "…"


def _first_sentence(text: str) -> str:
    """Up to the first sentence end or line break, not at abbreviations such as "Sr." or "etc."."""
    for end in SENTENCE_END.finditer(text):
        if text[end.start()] == "\n" or not ABBREVIATION.search(text[: end.start()]):
            return text[: end.start()].strip()
    return text


def decode(body: bytes, declared: str | None = None) -> str:
    """The text of a response body, read with its `body_charset`."""
    encoding, bom = read_bom(body)
    if encoding:
        return body[len(bom):].decode(encoding, errors="replace")
    return body.decode(body_charset(body, declared), errors="replace")


def body_charset(body: bytes, declared: str | None = None) -> str:
    """The charset a body is in: by its BOM, else UTF-8, else the declared charset, else
    Windows-1252 (a superset of Latin-1 that decodes any byte).

    Strict UTF-8 is tried before the declaration because servers often declare Latin-1 for
    UTF-8 bodies, and text that is not UTF-8 almost never decodes as UTF-8 by accident.
    """
    encoding, _ = read_bom(body)
    if encoding:
        return encoding
    for candidate in ("utf-8", declared):
        if candidate:
            try:
                body.decode(candidate)
            except (UnicodeDecodeError, LookupError):
                continue
            return candidate
    return "cp1252"


def main_text(html: str) -> str:
    """The main text of a page, without menus, footers and comments (by trafilatura)."""
    return trafilatura.extract(html, include_comments=False, include_tables=True) or ""
