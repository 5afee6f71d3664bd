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


def decode(body: bytes, declared: str | None = None) -> str:
    """The text of a response body: by its BOM, else UTF-8, else the declared charset, else
    Windows-1252 (a superset of Latin-1 that decodes any byte).

    Strict UTF-8 is tried before the declaration because servers often declare Latin-1 for
    UTF-8 bodies, and text that is not UTF-8 almost never decodes as UTF-8 by accident.
    """
    encoding, bom = read_bom(body)
    if encoding:
        return body[len(bom):].decode(encoding, errors="replace")
    for candidate in ("utf-8", declared):
        if candidate:
            try:
                return body.decode(candidate)
            except (UnicodeDecodeError, LookupError):
                continue
    return body.decode("cp1252", errors="replace")


def main_text(html: str) -> str:
    """The main text of a page, without menus, footers and comments (by trafilatura)."""
    return trafilatura.extract(html, include_comments=False, include_tables=True) or ""
