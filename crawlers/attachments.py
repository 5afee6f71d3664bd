"""Text of the documents a notice links to (PDF, DOCX, ODT): its terms, "bases" or "cartel"."""

from __future__ import annotations

import logging
import zipfile
from collections.abc import Iterator
from io import BytesIO

import docx
import pypdf
from odf import teletype
from odf.element import Element
from odf.namespaces import TEXTNS
from odf.opendocument import load as load_odf

from .errors import AttachmentError
from .text import normalise_space

MAX_PAGES = 200  # the first pages say what a call asks; later ones are forms and annexes
MAX_CHARS = 200_000
ODT_MIMETYPE = b"application/vnd.oasis.opendocument.text"
DOCUMENT_SUFFIXES = {"pdf": (".pdf",), "docx": (".docx",), "odt": (".odt",)}

# pypdf logs every repaired cross-reference table of a sloppy PDF as a warning.
logging.getLogger("pypdf").setLevel(logging.ERROR)


def document_type(body: bytes) -> str | None:
    """pdf, docx or odt by content (URLs like download.aspx?id=7 say nothing), else None."""
    if body.lstrip()[:5] == b"%PDF-":
        return "pdf"
    if body[:4] != b"PK\x03\x04":
        return None
    try:
        with zipfile.ZipFile(BytesIO(body)) as archive:
            names = set(archive.namelist())
            if "word/document.xml" in names:
                return "docx"
            if "content.xml" in names and archive.read("mimetype").strip() == ODT_MIMETYPE:
                return "odt"
    except (zipfile.BadZipFile, KeyError):
        return None
    return None


def extract_text(body: bytes, allowed: tuple[str, ...] = tuple(DOCUMENT_SUFFIXES)) -> str:
    """The plain text of a PDF, DOCX or ODT file; AttachmentError says why there is none."""
    kind = document_type(body)
    if kind is None:
        raise AttachmentError("not a PDF, DOCX or ODT file")
    if kind not in allowed:
        raise AttachmentError(f"{kind.upper()} files are not followed for this source")
    try:
        text = EXTRACTORS[kind](body)
    except AttachmentError:
        raise
    except Exception as exc:  # noqa: BLE001 - every parser has its own errors for a broken file
        raise AttachmentError(f"corrupt {kind.upper()} file: {exc}") from exc
    text = normalise_space(text)
    if not text:
        raise AttachmentError(f"no text in this {kind.upper()} file (a scan?)")
    return text[:MAX_CHARS]


def _pdf_text(body: bytes) -> str:
    reader = pypdf.PdfReader(BytesIO(body))
    if reader.is_encrypted:
        try:
            readable = reader.decrypt("")  # many PDFs only restrict printing: an empty password opens them
        except Exception:  # noqa: BLE001 - an unsupported cipher is as unreadable as a password
            readable = False
        if not readable:
            raise AttachmentError("encrypted PDF: a password is needed to read it")
    return "\n".join(page.extract_text() or "" for page in reader.pages[:MAX_PAGES])


def _docx_text(body: bytes) -> str:
    document = docx.Document(BytesIO(body))
    paragraphs = [p.text for p in document.paragraphs]
    cells = [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    return "\n".join(paragraphs + cells)


def _odt_text(body: bytes) -> str:
    document = load_odf(BytesIO(body))
    return "\n".join(teletype.extractText(p) for p in _odt_paragraphs(document.text))


def _odt_paragraphs(node: Element) -> Iterator[Element]:
    """Headings and paragraphs in document order, tables and lists included."""
    for child in node.childNodes:
        if getattr(child, "qname", None) in ((TEXTNS, "p"), (TEXTNS, "h")):
            yield child
        elif getattr(child, "childNodes", None):
            yield from _odt_paragraphs(child)


EXTRACTORS = {"pdf": _pdf_text, "docx": _docx_text, "odt": _odt_text}
