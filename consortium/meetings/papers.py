"""What kind of document a meeting paper is, told by its content rather than its name.

A paper may be a PDF, an Office Open XML document (DOCX, XLSX, PPTX: a zip whose
``[Content_Types].xml`` names the document's main part) or an OpenDocument file (ODT, ODS, ODP:
a zip whose first entry ``mimetype`` names the type). The file's extension must agree with what
the content is. Only the small parts that say the type are read from a zip, never the whole
archive, so a zip bomb costs nothing. Pure: no Flask, no database.
"""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass
from pathlib import PurePosixPath

MAX_PAPER_BYTES = 20 * 1024 * 1024
# The parts that say an archive's type are a few hundred bytes; more is no office document.
MAX_TYPE_PART_BYTES = 64 * 1024


@dataclass(frozen=True)
class PaperKind:
    extension: str
    media_type: str


PDF = PaperKind("pdf", "application/pdf")
OOXML_MAIN_PARTS = {
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml": PaperKind(
        "docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    ),
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml": PaperKind(
        "xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    ),
    "application/vnd.openxmlformats-officedocument.presentationml.presentation.main+xml": PaperKind(
        "pptx", "application/vnd.openxmlformats-officedocument.presentationml.presentation"
    ),
}
ODF_TYPES = {
    "application/vnd.oasis.opendocument.text": PaperKind(
        "odt", "application/vnd.oasis.opendocument.text"
    ),
    "application/vnd.oasis.opendocument.spreadsheet": PaperKind(
        "ods", "application/vnd.oasis.opendocument.spreadsheet"
    ),
    "application/vnd.oasis.opendocument.presentation": PaperKind(
        "odp", "application/vnd.oasis.opendocument.presentation"
    ),
}
ALLOWED_EXTENSIONS = ("pdf", "docx", "xlsx", "pptx", "odt", "ods", "odp")


class PaperRefused(ValueError):
    """A file that cannot be a paper; ``reason`` says why: "empty", "too_large", "extension"
    (not one of the allowed extensions), "content" (the content is none of the allowed kinds)
    or "mismatch" (the content is another kind than the extension says; ``found`` names it)."""

    def __init__(self, reason: str, found: str = "") -> None:
        super().__init__(reason if not found else f"{reason}: {found}")
        self.reason = reason
        self.found = found


def extension_of(filename: str) -> str:
    return PurePosixPath(filename).suffix.lower().lstrip(".")


def kind_of(content: bytes) -> PaperKind | None:
    """The kind of document the bytes are, or None when they are none of the allowed kinds."""
    if content.startswith(b"%PDF-"):
        return PDF
    if not content.startswith(b"PK\x03\x04"):
        return None
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            return _office_kind(archive)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, NotImplementedError, ValueError, OSError):
        return None


def _small_part(archive: zipfile.ZipFile, name: str) -> bytes | None:
    try:
        info = archive.getinfo(name)
    except KeyError:
        return None
    if info.file_size > MAX_TYPE_PART_BYTES:
        return None
    with archive.open(info) as part:
        return part.read(MAX_TYPE_PART_BYTES + 1)[:MAX_TYPE_PART_BYTES]


def _office_kind(archive: zipfile.ZipFile) -> PaperKind | None:
    names = archive.namelist()
    if names and names[0] == "mimetype":
        declared = (_small_part(archive, "mimetype") or b"").decode("ascii", "replace").strip()
        return ODF_TYPES.get(declared)
    content_types = _small_part(archive, "[Content_Types].xml")
    if content_types is None:
        return None
    text = content_types.decode("utf-8", "replace")
    for main_part, kind in OOXML_MAIN_PARTS.items():
        # The main part's override; a macro-enabled document (docm, xlsm) names another type.
        if f'ContentType="{main_part}"' in text:
            return kind
    return None


def check_paper(filename: str, content: bytes, max_bytes: int = MAX_PAPER_BYTES) -> PaperKind:
    """The kind of the paper; PaperRefused when it may not be attached."""
    if not content:
        raise PaperRefused("empty")
    if len(content) > max_bytes:
        raise PaperRefused("too_large")
    extension = extension_of(filename)
    if extension not in ALLOWED_EXTENSIONS:
        raise PaperRefused("extension")
    kind = kind_of(content)
    if kind is None:
        raise PaperRefused("content")
    if kind.extension != extension:
        raise PaperRefused("mismatch", kind.extension.upper())
    return kind
