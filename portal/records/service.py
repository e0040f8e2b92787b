"""The records package as the rest of the portal uses it: keys and limits come from the app's configuration.

Call these inside an app context (a request, a CLI command, or a job that pushes one):

    envelope = sign(record)                 # RecordShapeError, KeyProblem
    signed = sign_and_render(record)        # + RenderError; signed.envelope, signed.pdf
    write_pdf(path, signed.pdf)             # FileWriteError (DiskFullError)
    result = verify(pdf_bytes)              # never raises for a bad file: result.valid, result.reasons
    zip_path = export_zip(items, path, progress=callback)   # BulkExportError, FileWriteError
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from flask import current_app

from portal.records import bulk, keys, render
from portal.records.sandbox import MB, Limits
from portal.records.sandbox import RenderUnavailable as RenderUnavailable  # the reason names what to install
from portal.records.shape import check_shape
from portal.records.signing import key_id, sign_record
from portal.records.verify import Verification, verify_pdf

write_pdf = render.write_pdf
rendering_unavailable_reason = render.rendering_unavailable_reason


@dataclass(frozen=True)
class SignedRecord:
    envelope: dict[str, Any]
    pdf: bytes


def key_paths() -> keys.KeyPaths:
    config = current_app.config
    return keys.KeyPaths(Path(config["RECORDS_PRIVATE_KEY"]), Path(config["RECORDS_PUBLIC_KEY"]))


def signing_key() -> Ed25519PrivateKey:
    paths = key_paths()
    _create_in_demo_or_tests(paths)
    return keys.load_private_key(paths.private)


def trusted_keys(extra: Sequence[Path] = ()) -> dict[str, Ed25519PublicKey]:
    """The configured public key, plus any given (older keys, say), by key id."""
    paths = key_paths()
    _create_in_demo_or_tests(paths)
    public_keys = [keys.load_public_key(path) for path in (paths.public, *extra)]
    return {key_id(public_key): public_key for public_key in public_keys}


def limits() -> Limits:
    config = current_app.config
    return Limits(
        seconds=float(config["RECORDS_RENDER_TIMEOUT"]), memory_bytes=int(config["RECORDS_RENDER_MEMORY_MB"]) * MB
    )


def sign(record: dict[str, Any]) -> dict[str, Any]:
    check_shape(record)
    return sign_record(record, signing_key())


def sign_and_render(record: dict[str, Any]) -> SignedRecord:
    envelope = sign(record)
    return SignedRecord(envelope, render.render_pdf(envelope, limits=limits()))


def render_page(html: str, name: str, images: dict[str, bytes]) -> bytes:
    return render.render_page_pdf(html, name, images, limits=limits())


def verify(content: bytes, extra_keys: Sequence[Path] = ()) -> Verification:
    return verify_pdf(content, trusted_keys(extra_keys))


def export_zip(
    items: Sequence[tuple[str, dict[str, Any]]],
    destination: str | os.PathLike[str],
    *,
    progress: Callable[[bulk.ExportProgress], None] | None = None,
) -> Path:
    return bulk.export_zip(items, destination, private_key=signing_key(), progress=progress, limits=limits())


def _create_in_demo_or_tests(paths: keys.KeyPaths) -> None:
    config = current_app.config
    if config.get("DEMO") or config.get("TESTING"):
        keys.ensure_key_pair(paths, reason="the demo" if config.get("DEMO") else "the tests")
