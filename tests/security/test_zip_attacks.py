"""Check 15, zip attacks (security-test-plan.md §6): the portal accepts no archive (uploads are PDF only; it only
*writes* ZIPs, in portal/records/bulk.py). So a crafted archive sent where a file is accepted, as the attachment
upload of a proposal and the record verify page, must be refused as "not a PDF" by its content, whatever it is
named: nothing written under ATTACHMENT_DIR (hidden temporary files included), no row and no audit event (every
table hashes as before), and no file left in the temporary directory uploads spool to.

If an archive import is ever added, its inspector needs this corpus too, asserting it is rejected before any byte
reaches the target folder."""

from __future__ import annotations

import io
import tempfile
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from werkzeug.datastructures import FileStorage
from werkzeug.test import encode_multipart

from portal.auth.roles import Role
from portal.extensions import db
from tests.conftest import csrf_token
from tests.factories import Factory
from tests.reviews.conftest import client_for
from tests.security.manifest import database_state

ONE_MEBIBYTE = bytes(1 << 20)


def _archive(fill: Callable[[zipfile.ZipFile], None], compression: int = zipfile.ZIP_STORED) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression, compresslevel=9 if compression else None) as archive:
        fill(archive)
    return buffer.getvalue()


def _bomb(archive: zipfile.ZipFile) -> None:
    """About 1 MB on the wire that inflates to 1 GiB of zeros."""
    with archive.open("zeros.bin", "w", force_zip64=True) as member:
        for _ in range(1024):
            member.write(ONE_MEBIBYTE)


def _many_members(archive: zipfile.ZipFile) -> None:
    for n in range(10_000):
        archive.writestr(f"member-{n}.txt", b"")


def _symlink(archive: zipfile.ZipFile) -> None:
    link = zipfile.ZipInfo("plan-link")
    link.create_system = 3  # Unix, so the mode bits below are read as a file type
    link.external_attr = 0o120777 << 16  # a symbolic link
    archive.writestr(link, "/etc/hostname")


ARCHIVES: dict[str, Callable[[], bytes]] = {
    "bomb 1 MB to 1 GiB": lambda: _archive(_bomb, zipfile.ZIP_DEFLATED),
    "10 000 members": lambda: _archive(_many_members),
    "../../x": lambda: _archive(lambda a: a.writestr("../../x", b"escaped")),
    "/abs": lambda: _archive(lambda a: a.writestr("/abs", b"absolute")),
    "C:\\x": lambda: _archive(lambda a: a.writestr("C:\\x", b"drive")),
    "symlink member": lambda: _archive(_symlink),
}


@pytest.fixture(scope="module")
def archives() -> dict[str, bytes]:
    """Built once: the bomb alone takes seconds to deflate."""
    return {name: build() for name, build in ARCHIVES.items()}


@pytest.fixture(scope="module")
def people(module_app: Flask) -> dict[str, object]:
    factory = Factory()
    pi = factory.user(Role.INVESTIGATOR, name="Zip test investigator")
    draft = factory.proposal(pi, title="A fictional draft for zip uploads", complete=False)
    governance = factory.user(Role.GOVERNANCE, institution=pi.institution, name="Zip test governance")
    db.session.commit()
    return {"draft_id": draft.id, "pi": client_for(module_app, pi), "governance": client_for(module_app, governance)}


@pytest.fixture
def spool(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    """The temporary directory Werkzeug spools large uploads to, made observable (its spool file is nameless on
    Linux, so this catches a named temporary file some future code path would leave behind)."""
    folder = tmp_path / "spool"
    folder.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(folder))
    return folder


def _files(folder: str | Path) -> list[str]:
    path = Path(folder)
    return sorted(str(p.relative_to(path)) for p in path.rglob("*")) if path.exists() else []


def _post_file(client: FlaskClient, url: str, token_page: str, content: bytes):  # noqa: ANN202
    # Encoded in memory: the test client would otherwise spool a large body to a temporary file it never closes.
    boundary, body = encode_multipart(
        {"csrf_token": csrf_token(client, token_page), "document": FileStorage(io.BytesIO(content), "plan.pdf")}
    )
    return client.post(url, data=body, content_type=f"multipart/form-data; boundary={boundary}")


@pytest.mark.parametrize("name", ARCHIVES)
def test_an_archive_is_not_attached_to_a_proposal(module_app: Flask, people, archives, spool: Path, name: str) -> None:
    url = f"/proposals/{people['draft_id']}"
    before = database_state()

    response = _post_file(people["pi"], f"{url}/attachments", url, archives[name])

    assert response.status_code == 302
    assert database_state() == before, "a refused upload left a row or an audit event"
    assert _files(module_app.config["ATTACHMENT_DIR"]) == []
    assert _files(spool) == []
    page = people["pi"].get(response.headers["Location"]).get_data(as_text=True)
    assert "this file is not a PDF" in page
    assert "Nothing was attached." in page


@pytest.mark.parametrize("name", ARCHIVES)
def test_an_archive_is_not_verified_as_a_record(module_app: Flask, people, archives, spool: Path, name: str) -> None:
    before = database_state()

    response = _post_file(people["governance"], "/records/verify", "/records/verify", archives[name])

    assert response.status_code == 400
    assert "This file is not a PDF. Decision records are PDF files." in response.get_data(as_text=True)
    assert database_state() == before
    assert _files(module_app.config["ATTACHMENT_DIR"]) == []
    assert _files(spool) == []
