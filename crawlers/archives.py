"""JSON files inside ZIP archives, read in memory within limits (a zip bomb stops at them)."""

from __future__ import annotations

import zipfile
import zlib
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from io import BytesIO
from pathlib import PurePosixPath

from .config import ArchiveLimits
from .errors import UnreadableContent

ZIP_MAGIC = b"PK\x03\x04"
JSON_SUFFIXES = (".json", ".jsonl", ".jl", ".ndjson")
SNIFF_BYTES = 64  # enough to see past a BOM and blank lines to the first { or [
# What a broken or unsupported member raises: bad CRC or header, bad deflate data, a
# password (RuntimeError), a compression method zipfile lacks, a truncated stream.
MEMBER_ERRORS = (zipfile.BadZipFile, zlib.error, RuntimeError, NotImplementedError, EOFError, OSError)


def is_zip(body: bytes) -> bool:
    """Whether a body is a ZIP archive, by its magic bytes (URLs and Content-Types lie)."""
    return body[:4] == ZIP_MAGIC


@dataclass
class ZipMembers:
    """The JSON members of one archive, within the source's `archive` limits.

    What is not read is counted in `skipped` (directories, empty, hidden and `__MACOSX` files,
    other files); members that cannot be read are described in `errors`, and the others go on.
    """

    limits: ArchiveLimits
    skipped: Counter = field(default_factory=Counter)
    errors: list[str] = field(default_factory=list)
    opened: int = 0
    read: int = 0

    def members(self, body: bytes) -> Iterator[tuple[str, bytes]]:
        """(name, bytes) of each JSON member; UnreadableContent when the archive is corrupt."""
        try:
            archive = zipfile.ZipFile(BytesIO(body))
        except (zipfile.BadZipFile, ValueError, EOFError, OSError) as exc:
            raise UnreadableContent(f"corrupt ZIP archive: {exc}") from exc
        with archive:
            budget = int(self.limits.max_uncompressed_mb * 1024 * 1024)
            for info in archive.infolist():
                kind = _skipped_kind(info)
                if kind:
                    self.skipped[kind] += 1
                elif self.opened == self.limits.max_members:
                    self.skipped["beyond max_members"] += 1
                else:
                    self.opened += 1
                    data = self._read(archive, info, budget)
                    if data is not None:
                        budget -= len(data)
                        self.read += 1
                        yield info.filename, data
        beyond = self.skipped["beyond max_members"]
        if beyond:
            self.errors.append(f"members beyond max_members ({self.limits.max_members}) not read: {beyond}")

    def reject(self, name: str, reason: Exception) -> None:
        """Count a member that was read but is not usable (not JSON) as unreadable."""
        self.read -= 1
        self.errors.append(f"{name}: {reason}")

    def _read(self, archive: zipfile.ZipFile, info: zipfile.ZipInfo, budget: int) -> bytes | None:
        """The member's bytes, or None when it is not JSON or cannot be read (noted why)."""
        if info.flag_bits & 0x1:
            self.errors.append(f"{info.filename}: encrypted member: a password is needed to read it")
            return None
        if info.file_size > budget:
            self.errors.append(self._too_large(info.filename))
            return None
        try:
            with archive.open(info) as member:
                data = member.read(SNIFF_BYTES)
                if not _json_name(info.filename) and not _looks_like_json(data):
                    self.skipped["other"] += 1
                    return None
                data += member.read(max(budget + 1 - len(data), 0))  # the declared size may lie
        except MEMBER_ERRORS as exc:
            self.errors.append(f"{info.filename}: unreadable member: {exc}")
            return None
        if len(data) > budget:
            self.errors.append(self._too_large(info.filename))
            return None
        return data

    def _too_large(self, name: str) -> str:
        return (f"{name}: beyond the uncompressed limit of {self.limits.max_uncompressed_mb:g} MB "
                "for this archive (archive.max_uncompressed_mb)")

    def summary(self) -> str:
        """One line for the log: what was read and what was skipped."""
        skipped = ", ".join(f"{count} {kind}" for kind, count in sorted(self.skipped.items())) or "nothing"
        return f"JSON members read: {self.read}; skipped: {skipped}; unreadable: {len(self.errors)}"


def _skipped_kind(info: zipfile.ZipInfo) -> str | None:
    """Why a member is not even opened: a directory, an empty file, a hidden or `__MACOSX` file."""
    if info.is_dir():
        return "directory"
    if not info.file_size:  # zipfile never reads past the declared size
        return "empty"
    parts = PurePosixPath(info.filename).parts
    if any(part.startswith(".") or part == "__MACOSX" for part in parts):
        return "hidden"
    return None


def _json_name(name: str) -> bool:
    return name.lower().endswith(JSON_SUFFIXES)


def _looks_like_json(head: bytes) -> bool:
    """Whether a member's first bytes open a JSON object or array (after a BOM and spaces)."""
    for bom in (b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff"):
        head = head.removeprefix(bom)
    return head.replace(b"\x00", b"").lstrip()[:1] in (b"{", b"[")
