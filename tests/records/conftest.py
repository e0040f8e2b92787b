"""Fixtures for decision records: one key pair and one rendered sample per session, PDF helpers.

Rendering needs WeasyPrint and its system libraries. Under CI=true a missing renderer fails the tests;
elsewhere they skip and say why.
"""

from __future__ import annotations

import io
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from flask import Flask
from pypdf import PdfReader

from portal.records import signing
from portal.records.render import rendering_unavailable_reason
from portal.records.signing import sign_record
from tests.databases import IN_CI
from tests.records.sample_record import sample_record


def _require(reason: str | None) -> None:
    if reason:
        if IN_CI:
            pytest.fail(f"CI must run the decision-record tests: {reason}")
        pytest.skip(reason)


@pytest.fixture(scope="session")
def renderer() -> None:
    """Use in every test that renders a PDF."""
    _require(rendering_unavailable_reason())


@pytest.fixture(scope="session")
def pdftotext() -> str:
    path = shutil.which("pdftotext")
    _require(None if path else "pdftotext is not installed (Debian package poppler-utils)")
    return path


@pytest.fixture(scope="session")
def private_key() -> Ed25519PrivateKey:
    return signing.new_private_key()


@pytest.fixture(scope="session")
def envelope(private_key: Ed25519PrivateKey) -> dict[str, Any]:
    return sign_record(sample_record(), private_key)


@pytest.fixture(scope="session")
def sample_pdf(renderer: None, envelope: dict[str, Any]) -> bytes:
    from portal.records.render import render_pdf

    return render_pdf(envelope)


@pytest.fixture
def app_key(app: Flask, private_key: Ed25519PrivateKey) -> Ed25519PrivateKey:
    """Install the session's key pair as the app's, so that the session's sample PDF verifies there."""
    for config_key, pem in (
        ("RECORDS_PRIVATE_KEY", signing.private_pem(private_key)),
        ("RECORDS_PUBLIC_KEY", signing.public_pem(private_key.public_key())),
    ):
        path = Path(app.config[config_key])
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(pem)
    return private_key


def pdf_text(pdftotext: str, pdf: bytes) -> str:
    """The text a reader sees, in document order (content streams are compressed: never grep the raw bytes)."""
    done = subprocess.run([pdftotext, "-raw", "-enc", "UTF-8", "-", "-"], input=pdf, capture_output=True, check=True)
    return done.stdout.decode("utf-8")


def flat(text: str) -> str:
    """Text with every run of whitespace as one space, so that wrapped lines compare."""
    return " ".join(text.split())


def embedded_files(pdf: bytes) -> dict[str, list[bytes]]:
    return dict(PdfReader(io.BytesIO(pdf)).attachments)


def squeezed(text: str) -> str:
    """Text without any whitespace: long values (fingerprints, digests) may wrap anywhere in a cell."""
    return "".join(text.split())
