"""OCDS published as ZIP archives: every JSON member read like a response, within limits."""

from __future__ import annotations

import json
import zipfile
from io import BytesIO

import pytest

from crawlers.health import HealthStore
from tests.crawlers.conftest import catalogue, crawl_twice, report, source
from tests.helpers import FIXTURES

APPLE_DOUBLE = b"\x00\x05\x16\x07\x00\x02\x00\x00Mac OS X        "  # what __MACOSX/._* files hold


def zip_of(members: dict[str, bytes | None]) -> bytes:
    """A deflated ZIP archive; a None member is a directory entry."""
    out = BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            if data is None:
                archive.mkdir(name)
            else:
                archive.writestr(name, data)
    return out.getvalue()


def last_member_encrypted(archive: bytes) -> bytes:
    """The archive with its last member flagged as password-protected (bit 0 of its flags)."""
    data = bytearray(archive)
    data[data.rfind(b"PK\x01\x02") + 8] |= 0x1  # the central directory entry's flags
    return bytes(data)


def fixture(name: str, base: str) -> bytes:
    return (FIXTURES / "ocds" / name).read_bytes().replace(b"{{base}}", base.encode())


def release(ocid: str, date: str, title: str, buyer: str = "Poder Judicial") -> dict:
    return {"ocid": ocid, "id": f"{ocid}-{date[:10]}", "date": date, "tag": ["tender"],
            "buyer": {"name": buyer}, "tender": {"id": "1", "title": title}}


def package(*releases: dict, next_url: str | None = None) -> bytes:
    body = {"version": "1.1", "releases": list(releases)}
    if next_url:
        body["links"] = {"next": next_url}
    return json.dumps(body, ensure_ascii=False).encode()


def archives(base: str) -> dict[str, bytes]:
    """The archives the fixture server serves, by path."""
    amendment = package(
        release("ocds-fix01-2026LA-000002", "2026-03-09T08:00:00-06:00", "Limpieza de oficinas (enmienda)"),
        release("ocds-fix03-JL-1", "2026-03-01T00:00:00Z", "Licencias (borrador anterior)"))
    big = package(*(release(f"ocds-big-{n}", "2026-03-01T00:00:00Z", "x" * 200) for n in range(100)))
    valid = zip_of({"a.json": package(release("ocds-cut", "2026-03-01T00:00:00Z", "Truncado"))})
    return {
        # served as .json (Content-Type application/json): recognised by its magic bytes
        "/ocds/zip/datos-abiertos.json": zip_of({
            "ocds/": None,
            "ocds/release_package.json": fixture("release_package.json", base),
            "ocds/packages.jsonl": fixture("packages.jsonl", base),
            "ocds/registros.json": fixture("record_package.json", base),
            "ocds/z-enmienda.json": amendment,
        }),
        "/ocds/zip/latin1.zip": zip_of({"v10.json": fixture("release_package_v10.json", base)}),
        "/ocds/zip/roto.zip": valid[: len(valid) // 2],
        "/ocds/zip/grande.zip": zip_of({"grande.json": big,
                                        "pequeno.json": fixture("bare_release.json", base)}),
        "/ocds/zip/mixto.zip": last_member_encrypted(zip_of({
            "__MACOSX/._datos.json": APPLE_DOUBLE,
            ".DS_Store": b"\x00\x00\x00\x01Bud1",
            "LEEME.txt": b"Datos de contrataciones del Poder Judicial.",
            "exportacion": b"\xef\xbb\xbf\n" + package(release("ocds-pj-1", "2026-03-05T00:00:00Z",
                                                               "Equipos de videoconferencia")),
            "roto.json": b'{"releases": [',
            "cifrado.json": package(release("ocds-pj-2", "2026-03-05T00:00:00Z", "Secreto")),
        })),
        "/ocds/zip/muchos.zip": zip_of({
            f"{n}.json": package(release(f"ocds-many-{n}", "2026-03-01T00:00:00Z", f"Compra {n}"))
            for n in range(3)}),
        "/ocds/zip/page-1.json": package(release("ocds-page-1", "2026-03-01T00:00:00Z", "Primera página"),
                                         next_url=f"{base}/ocds/zip/page-2.zip"),
        "/ocds/zip/page-2.zip": zip_of({"2.json": package(
            release("ocds-page-2", "2026-03-02T00:00:00Z", "Segunda página"))}),
    }


SOURCES = {
    "fx_zip_bulk": ("/ocds/zip/datos-abiertos.json", ""),
    "fx_zip_latin1": ("/ocds/zip/latin1.zip", ""),
    "fx_zip_corrupt": ("/ocds/zip/roto.zip", ""),
    "fx_zip_too_big": ("/ocds/zip/grande.zip", "    archive: {max_uncompressed_mb: 0.01}\n"),
    "fx_zip_mixed": ("/ocds/zip/mixto.zip", ""),
    "fx_zip_many": ("/ocds/zip/muchos.zip", "    archive: {max_members: 2}\n"),
    "fx_zip_paged": ("/ocds/zip/page-1.json", ""),
}


@pytest.fixture(scope="module")
def crawled(tmp_path_factory, site):
    site.replaced.update(archives(site.base))
    folder = tmp_path_factory.mktemp("ocds-zip")
    entries = [source(sid, "tender", "ocds", site.base + path, extra)
               for sid, (path, extra) in SOURCES.items()]
    sources = catalogue(folder / "sources.yaml", *entries)
    first, second, docs = crawl_twice(sources, folder / "data")
    docs = {d.id: d for d in docs}
    health = HealthStore(folder / "data" / "health.db")
    errors = {sid: health.runs(sid, limit=2)[-1].errors for sid in SOURCES}  # the first run's
    return first, second, docs, errors


def test_each_archive_is_read_or_reported(crawled, site):
    first, _, _, errors = crawled
    assert first.returncode == 0, first.stderr
    rows = report(first.stdout)
    assert {sid: (row[0], int(row[1])) for sid, row in rows.items()} == {
        "fx_zip_bulk": ("ok", 5), "fx_zip_latin1": ("ok", 1), "fx_zip_corrupt": ("failed", 0),
        "fx_zip_too_big": ("partial", 1), "fx_zip_mixed": ("partial", 1), "fx_zip_many": ("partial", 2),
        "fx_zip_paged": ("ok", 2)}, first.stdout
    corrupt = f"{site.base}/ocds/zip/roto.zip: corrupt ZIP archive: File is not a zip file"
    assert errors["fx_zip_corrupt"] == [corrupt]


def test_every_packaging_in_the_members_is_read(crawled):
    docs = crawled[2]
    assert docs["ocds-fix02-REC-1"].title == "Red de sensores IoT para monitoreo de cuencas"  # a record
    assert docs["ocds-fix03-JL-2"].amount.currency == "USD"  # JSON lines
    assert docs["ocds-fix01-2026LA-000001"].amount.value == 45_000_000  # release package
    assert docs["ocds-fix06-V10-1"].title == "Digitalización del archivo municipal"  # Latin-1 member
    assert docs["ocds-page-2"].title == "Segunda página"  # a links.next page that is a ZIP


def test_the_newest_release_wins_across_members(crawled):
    docs = crawled[2]
    assert docs["ocds-fix01-2026LA-000002"].title == "Limpieza de oficinas (enmienda)"  # newer, second member
    assert docs["ocds-fix03-JL-1"].title == "Licencias de software de ciberseguridad"  # older draft ignored
    assert docs["ocds-fix01-2026LA-000002"].url.endswith("datos-abiertos.json#ocds-fix01-2026LA-000002")


def test_bad_members_are_reported_and_the_others_read(crawled):
    first, _, docs, errors = crawled
    assert docs["ocds-pj-1"].title == "Equipos de videoconferencia"  # JSON by content, no extension
    assert "ocds-pj-2" not in docs
    mixed = [error.split(": ", 1)[1] for error in errors["fx_zip_mixed"]]
    assert mixed[0].startswith("roto.json: not OCDS JSON: ")
    assert mixed[1:] == ["cifrado.json: encrypted member: a password is needed to read it"]
    assert "mixto.zip: JSON members read: 1; skipped: 2 hidden, 1 other; unreadable: 2" in first.stderr
    assert errors["fx_zip_too_big"][0].endswith("grande.json: beyond the uncompressed limit of 0.01 MB "
                                                "for this archive (archive.max_uncompressed_mb)")
    assert docs["ocds-fix05-BARE-1"].organizations  # the member after the oversized one
    assert errors["fx_zip_many"][0].endswith("members beyond max_members (2) not read: 1")
    assert {"ocds-many-0", "ocds-many-1"} <= docs.keys() and "ocds-many-2" not in docs


def test_a_second_run_finds_the_archive_unchanged(crawled):
    rows = report(crawled[1].stdout)
    assert rows["fx_zip_bulk"][1:4] == ["0", "0", "5"], crawled[1].stdout
    assert rows["fx_zip_paged"][1:4] == ["0", "0", "2"], crawled[1].stdout
