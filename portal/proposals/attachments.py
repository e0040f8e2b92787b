"""Attachment files: recognising PDFs by their content and storing them under generated names."""

from __future__ import annotations

import io
import logging
import os
import tempfile
import uuid
from dataclasses import dataclass
from pathlib import Path

from pypdf import PdfReader

from portal.errors import PortalError
from portal.i18n.marks import N_

PDF_MAGIC = b"%PDF-"
_ACTIVE_KEYS = ("/JavaScript", "/JS", "/OpenAction", "/AA", "/EmbeddedFiles", "/Launch")


class AttachmentRefused(PortalError):
    """The upload is not an acceptable PDF; the message says why."""


@dataclass(frozen=True)
class PdfFacts:
    pages: int
    has_active_content: bool


def inspect_pdf(content: bytes) -> PdfFacts:
    """Accept only real PDFs, whatever the file is called."""
    if not content:
        raise AttachmentRefused(N_("The file is empty."))
    if PDF_MAGIC not in content[:1024]:
        raise AttachmentRefused(N_("Only PDF documents can be attached, and this file is not a PDF."))
    logging.getLogger("pypdf").setLevel(logging.ERROR)
    try:
        reader = PdfReader(io.BytesIO(content), strict=False)
        pages = len(reader.pages)
        root = reader.trailer.get("/Root")
        catalogue = root.get_object() if root is not None else {}
        names = catalogue.get("/Names")
        names = names.get_object() if names is not None else {}
    except Exception as error:  # pypdf raises many types for damaged files
        raise AttachmentRefused(N_("This PDF is damaged or cannot be read. Save it again and retry.")) from error
    if pages < 1:
        raise AttachmentRefused(N_("This PDF has no pages."))
    active = any(key in catalogue for key in _ACTIVE_KEYS) or any(key in names for key in _ACTIVE_KEYS)
    return PdfFacts(pages=pages, has_active_content=active)


def clean_display_name(filename: str | None) -> str:
    """A name to show and to offer on download; never used as a path."""
    name = "".join(ch for ch in (filename or "") if ch.isprintable() and ch not in '/\\"')
    name = name.strip().strip(".") or "document.pdf"
    if not name.lower().endswith(".pdf"):
        name += ".pdf"
    return name[-200:]


def store_file(content: bytes, directory: str | os.PathLike[str]) -> str:
    """Write atomically under a generated name and return that name."""
    folder = Path(directory)
    folder.mkdir(parents=True, exist_ok=True)
    storage_name = f"{uuid.uuid4().hex}.pdf"
    with tempfile.NamedTemporaryFile(dir=folder, delete=False, prefix=".upload-") as handle:
        handle.write(content)
        handle.flush()
        os.fsync(handle.fileno())
        temp_name = handle.name
    os.replace(temp_name, folder / storage_name)
    return storage_name


def discard_file(storage_name: str, directory: str | os.PathLike[str]) -> None:
    """Remove a stored file that no row names: its unit of work failed after the file was written."""
    stored_path(storage_name, directory).unlink(missing_ok=True)


def stored_path(storage_name: str, directory: str | os.PathLike[str]) -> Path:
    if not storage_name.endswith(".pdf") or not all(c in "0123456789abcdef" for c in storage_name[:-4]):
        raise AttachmentRefused(N_("Unknown attachment."))
    return Path(directory) / storage_name
