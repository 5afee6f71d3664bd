"""Links to documents (terms of reference, bases, carteles) found in a notice."""

from __future__ import annotations

from urllib.parse import urljoin, urlsplit

from parsel import Selector

from .attachments import DOCUMENT_SUFFIXES
from .config import AttachmentRule
from .text import normalise_space

MIME_TYPES = {
    "application/pdf": "pdf",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "docx",
    "application/vnd.oasis.opendocument.text": "odt",
}


def select(selector: Selector, query: str):
    """CSS, or XPath when the query starts with "/" or "("."""
    return selector.xpath(query) if query.startswith(("/", "(")) else selector.css(query)


def looks_like_document(url: str, rule: AttachmentRule | None, mime_type: str = "") -> bool:
    """A URL whose path ends in one of the rule's types, or a link typed as one."""
    types = rule.types if rule else tuple(DOCUMENT_SUFFIXES)
    if MIME_TYPES.get(mime_type.split(";")[0].strip().lower()) in types:
        return True
    path = urlsplit(url).path.lower()
    return any(path.endswith(suffix) for kind in types for suffix in DOCUMENT_SUFFIXES[kind])


def document_links(html: Selector | str, base_url: str, rule: AttachmentRule | None) -> list[dict]:
    """Links to documents in a page or fragment: those `rule.links` selects, or any <a> whose
    URL ends in a followed type; each once, with the link text as title."""
    selector = html if isinstance(html, Selector) else Selector(text=html or "<p></p>")
    found: dict[str, str] = {}
    if rule and rule.links:
        for match in select(selector, rule.links):  # elements (<a>) or strings (::attr(href))
            text_only = isinstance(match.root, str)
            href = match.root if text_only else match.attrib.get("href")
            if href:
                found.setdefault(urljoin(base_url, href.strip()), "" if text_only else _text(match))
    else:
        for anchor in selector.css("a[href]"):
            url = urljoin(base_url, anchor.attrib["href"].strip())
            if looks_like_document(url, rule):
                found.setdefault(url, _text(anchor))
    return [{"url": url, "title": title} for url, title in found.items()]


def _text(anchor: Selector) -> str:
    return normalise_space(" ".join(anchor.css("::text").getall()))
