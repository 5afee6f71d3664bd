"""Real PDF, DOCX and ODT files made with the libraries' writers, for the attachment tests."""

from __future__ import annotations

from io import BytesIO
from pathlib import Path

import docx
from odf import text as odf_text
from odf.opendocument import OpenDocumentText
from pypdf import PdfWriter
from pypdf.generic import DecodedStreamObject, DictionaryObject, NameObject

BASES = [
    "Bases del concurso de innovación en ciberseguridad",
    "Fecha límite de presentación: 30 de abril de 2026.",
    "Monto máximo por proyecto: ₡12.000.000.",
]


def pdf(lines: list[str], password: str | None = None) -> bytes:
    """A one-page PDF whose text (Helvetica, WinAnsi) is `lines`."""
    writer = PdfWriter()
    page = writer.add_blank_page(612, 792)
    font = DictionaryObject({NameObject(k): NameObject(v) for k, v in (
        ("/Type", "/Font"), ("/Subtype", "/Type1"), ("/BaseFont", "/Helvetica"),
        ("/Encoding", "/WinAnsiEncoding"))})
    page[NameObject("/Resources")] = DictionaryObject(
        {NameObject("/Font"): DictionaryObject({NameObject("/F1"): writer._add_object(font)})})
    shown = b" 0 -16 Td ".join(b"(" + _pdf_string(line) + b") Tj" for line in lines)
    content = DecodedStreamObject()
    content.set_data(b"BT /F1 11 Tf 72 720 Td " + shown + b" ET")
    page[NameObject("/Contents")] = writer._add_object(content)
    if password:
        writer.encrypt(user_password=password, owner_password=password + "-owner", algorithm="AES-128")
    out = BytesIO()
    writer.write(out)
    return out.getvalue()


def _pdf_string(line: str) -> bytes:
    raw = line.replace("₡", "CRC ").encode("cp1252")
    return raw.replace(b"\\", b"\\\\").replace(b"(", b"\\(").replace(b")", b"\\)")


def docx_file(lines: list[str]) -> bytes:
    document = docx.Document()
    document.add_heading(lines[0], level=1)
    for line in lines[1:]:
        document.add_paragraph(line)
    table = document.add_table(rows=1, cols=2)
    table.rows[0].cells[0].text, table.rows[0].cells[1].text = "Contacto", "fondos@example.org"
    out = BytesIO()
    document.save(out)
    return out.getvalue()


def odt_file(lines: list[str]) -> bytes:
    document = OpenDocumentText()
    document.text.addElement(odf_text.H(outlinelevel=1, text=lines[0]))
    for line in lines[1:]:
        document.text.addElement(odf_text.P(text=line))
    out = BytesIO()
    document.write(out)
    return out.getvalue()


def write_all(folder: Path) -> Path:
    """The documents the fixture pages link to, written into `folder`."""
    folder.mkdir(parents=True, exist_ok=True)
    files = {
        "bases.pdf": pdf(BASES),
        "terminos.docx": docx_file(["Términos de referencia", "Servicios de nube para la municipalidad.",
                                    "Plazo de entrega: 60 días naturales."]),
        "cartel.odt": odt_file(["Cartel de licitación", "Adquisición de sensores IoT para fincas."]),
        "protegido.pdf": pdf(["Documento confidencial"], password="secreto"),
        "roto.pdf": pdf(BASES)[:300],
        "grande.pdf": pdf(BASES) + b"%" + b" " * (1536 * 1024) + b"\n",  # 1.5 MiB: beyond a 1 MB cap
        "no-es-documento.pdf": b"<html><body>Pagina de error</body></html>",
    }
    for name, content in files.items():
        (folder / name).write_bytes(content)
    return folder
