"""Attachments: only real PDFs are kept, under generated names; downloads are attachments; versions keep theirs."""

from __future__ import annotations

import hashlib
import io
import json
import os
import re
from pathlib import Path

import pytest
from werkzeug.datastructures import FileStorage
from werkzeug.test import encode_multipart

from portal.auth.roles import Role
from portal.proposals.models import Proposal
from tests.conftest import csrf_token, post
from tests.proposals.conftest import (
    attachments_of,
    event_data,
    events,
    reload,
    sign_and_submit,
    signed_in,
    stored_files,
    text,
    upload,
    versions_of,
)

STORAGE_NAME = re.compile(r"^[0-9a-f]{32}\.pdf$")


@pytest.fixture
def draft(factory):  # noqa: ANN201
    pi = factory.user(Role.INVESTIGATOR)
    return pi, factory.proposal(pi, complete=False)


def test_a_real_pdf_is_stored_under_a_generated_name(app, factory, draft):
    pi, proposal = draft
    client = signed_in(app, pi)
    content = factory.pdf("The research plan, page one.")

    response = upload(client, proposal.id, content, "plan.pdf", follow_redirects=True)
    assert response.status_code == 200
    assert "Attached plan.pdf (1 pages)." in text(response)

    [attachment] = attachments_of(proposal.id)
    assert attachment.filename == "plan.pdf"
    assert STORAGE_NAME.match(attachment.storage_name)
    assert attachment.sha256 == hashlib.sha256(content).hexdigest()
    assert attachment.size == len(content)
    assert attachment.pages == 1
    assert attachment.has_active_content is False
    assert attachment.uploaded_by_id == pi.id
    assert attachment.removed_at is None

    assert stored_files(app) == [attachment.storage_name]  # no temporary file left, no "plan.pdf"
    assert (Path(app.config["ATTACHMENT_DIR"]) / attachment.storage_name).read_bytes() == content

    [event] = events("attachment.uploaded")
    assert event.actor_id == pi.id
    assert event.target_type == "attachments"
    assert event.target_id == str(attachment.id)
    assert event_data(event) == {
        "proposal_id": proposal.id,
        "filename": "plan.pdf",
        "sha256": attachment.sha256,
        "size": len(content),
    }

    page = text(client.get(f"/proposals/{proposal.id}"))
    assert f"/proposals/{proposal.id}/attachments/{attachment.id}" in page
    assert attachment.sha256[:16] in page


def test_the_uploaded_name_is_never_a_path(app, factory, draft):
    pi, proposal = draft
    client = signed_in(app, pi)
    response = upload(client, proposal.id, factory.pdf(), "../../../etc/passwd")
    assert response.status_code == 302
    [attachment] = attachments_of(proposal.id)
    assert "/" not in attachment.filename
    assert attachment.filename.endswith(".pdf")
    assert STORAGE_NAME.match(attachment.storage_name)
    assert stored_files(app) == [attachment.storage_name]
    assert not (Path(app.config["ATTACHMENT_DIR"]).parent / "etc").exists()


def test_two_uploads_of_the_same_file_get_different_names(app, factory, draft):
    pi, proposal = draft
    client = signed_in(app, pi)
    content = factory.pdf()
    upload(client, proposal.id, content, "plan.pdf")
    upload(client, proposal.id, content, "plan.pdf")
    first, second = attachments_of(proposal.id)
    assert first.storage_name != second.storage_name
    assert first.sha256 == second.sha256
    assert stored_files(app) == sorted([first.storage_name, second.storage_name])


REFUSED = {
    "renamed executable": (b"MZ\x90\x00" + os.urandom(2048), "not a PDF"),
    "html named pdf": (b"<html><script>alert(1)</script></html>", "not a PDF"),
    "garbage after the pdf magic": (b"%PDF-1.7\n" + os.urandom(4096), "damaged or cannot be read"),
    "only the pdf magic": (b"%PDF-", "damaged or cannot be read"),
    "empty file": (b"", None),
}


@pytest.mark.parametrize("kind", list(REFUSED))
def test_files_that_are_not_pdfs_are_refused(app, draft, kind):
    pi, proposal = draft
    content, reason = REFUSED[kind]
    client = signed_in(app, pi)
    response = upload(client, proposal.id, content, "plan.pdf", follow_redirects=True)
    assert response.status_code == 200
    page = text(response)
    assert "Problem:" in page
    if reason:
        assert reason in page
        assert "Nothing was attached." in page
    assert attachments_of(proposal.id) == []
    assert stored_files(app) == []
    assert events("attachment.uploaded") == []
    assert "Attach at least one PDF document" in page  # still missing


def test_upload_without_a_file_is_refused(app, draft):
    pi, proposal = draft
    client = signed_in(app, pi)
    response = post(client, f"/proposals/{proposal.id}/attachments", {}, follow_redirects=True)
    assert "Choose a PDF file to upload." in text(response)
    assert attachments_of(proposal.id) == []


def test_upload_over_the_size_limit_is_413(app, draft):
    pi, proposal = draft
    client = signed_in(app, pi)
    limit = app.config["MAX_CONTENT_LENGTH"]
    assert limit == 2 * 1024 * 1024
    content = b"%PDF-1.4\n" + b"0" * (limit + 1 - 9)
    assert len(content) == limit + 1
    # Encoded in memory: the test client would otherwise spool a body this large to a temporary file it never closes.
    boundary, body = encode_multipart(
        {"csrf_token": csrf_token(client, "/dashboard"), "document": FileStorage(io.BytesIO(content), "big.pdf")}
    )
    assert len(body) > limit + 1
    response = client.post(
        f"/proposals/{proposal.id}/attachments",
        data=body,
        content_type=f"multipart/form-data; boundary={boundary}",
    )
    assert response.status_code == 413
    page = text(response)
    assert "The upload is too large" in page
    assert "Files up to 2 MB can be uploaded. Nothing was saved." in page
    assert attachments_of(proposal.id) == []
    assert stored_files(app) == []
    assert events("attachment.uploaded") == []


def test_download_is_an_attachment_with_the_exact_bytes(app, factory, draft):
    pi, proposal = draft
    client = signed_in(app, pi)
    content = factory.pdf("Downloaded exactly.")
    upload(client, proposal.id, content, "plan.pdf")
    [attachment] = attachments_of(proposal.id)

    response = client.get(f"/proposals/{proposal.id}/attachments/{attachment.id}")
    try:
        assert response.status_code == 200
        assert response.headers["Content-Disposition"].startswith("attachment")
        assert "plan.pdf" in response.headers["Content-Disposition"]
        assert response.headers["Content-Type"] == "application/pdf"
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        assert response.headers["Cache-Control"] == "no-store"
        assert "ETag" not in response.headers
        assert response.data == content
    finally:
        response.close()
    [event] = events("attachment.downloaded")
    assert (event.actor_id, event.target_id) == (pi.id, str(attachment.id))

    outsider = signed_in(app, factory.user(Role.INVESTIGATOR, institution=pi.institution))
    response = outsider.get(f"/proposals/{proposal.id}/attachments/{attachment.id}")
    assert response.status_code == 404
    assert content not in response.data
    assert len(events("attachment.downloaded")) == 1


def test_an_attachment_of_another_proposal_is_404(app, factory, draft):
    pi, proposal = draft
    client = signed_in(app, pi)
    upload(client, proposal.id, factory.pdf(), "mine.pdf")
    other = factory.proposal(factory.user(Role.INVESTIGATOR))
    [foreign] = attachments_of(other.id)
    # The attachment id belongs to someone else's proposal; asking for it under my proposal is a 404.
    assert client.get(f"/proposals/{proposal.id}/attachments/{foreign.id}").status_code == 404
    assert client.get(f"/proposals/{proposal.id}/attachments/999999").status_code == 404


def test_a_missing_file_on_disk_is_404_not_500(app, factory, draft):
    pi, proposal = draft
    client = signed_in(app, pi)
    upload(client, proposal.id, factory.pdf(), "plan.pdf")
    [attachment] = attachments_of(proposal.id)
    (Path(app.config["ATTACHMENT_DIR"]) / attachment.storage_name).unlink()
    assert client.get(f"/proposals/{proposal.id}/attachments/{attachment.id}").status_code == 404


def test_removing_from_a_draft_hides_it_but_keeps_row_and_file(app, factory, draft):
    pi, proposal = draft
    client = signed_in(app, pi)
    upload(client, proposal.id, factory.pdf(), "gone.pdf")
    [attachment] = attachments_of(proposal.id)

    response = post(client, f"/proposals/{proposal.id}/attachments/{attachment.id}/remove", follow_redirects=True)
    assert "Removed gone.pdf." in text(response)
    page = text(client.get(f"/proposals/{proposal.id}"))
    assert "gone.pdf" not in page
    assert "No documents attached yet." in page
    assert "Attach at least one PDF document" in page
    [kept] = attachments_of(proposal.id)
    assert kept.removed_at is not None
    assert stored_files(app) == [kept.storage_name]
    assert event_data(events("attachment.removed")[0]) == {"proposal_id": proposal.id}

    # Removing it again is a 404, and it cannot be removed without the CSRF token.
    assert post(client, f"/proposals/{proposal.id}/attachments/{attachment.id}/remove").status_code == 404
    assert len(events("attachment.removed")) == 1


def test_removal_needs_a_csrf_token(app, factory, draft):
    pi, proposal = draft
    client = signed_in(app, pi)
    upload(client, proposal.id, factory.pdf(), "kept.pdf")
    [attachment] = attachments_of(proposal.id)
    response = client.post(f"/proposals/{proposal.id}/attachments/{attachment.id}/remove")
    assert response.status_code == 400
    assert attachments_of(proposal.id)[0].removed_at is None


def test_a_removed_attachment_stays_in_the_submitted_version(app, factory):
    pi = factory.user(Role.INVESTIGATOR)
    proposal = factory.proposal(pi, complete=True, submitted=False)
    client = signed_in(app, pi)
    [plan] = attachments_of(proposal.id)
    plan_bytes = (Path(app.config["ATTACHMENT_DIR"]) / plan.storage_name).read_bytes()
    assert "Version 1 was signed" in text(sign_and_submit(client, proposal, pi))

    appendix = factory.pdf("An appendix.")
    assert upload(client, proposal.id, appendix, "appendix.pdf").status_code == 302
    removed = post(client, f"/proposals/{proposal.id}/attachments/{plan.id}/remove", follow_redirects=True)
    assert "Removed plan.pdf. Earlier submitted versions still list it." in text(removed)

    page = text(client.get(f"/proposals/{proposal.id}"))
    assert "appendix.pdf" in page
    assert "plan.pdf" not in page
    assert "changes that are not in version 1 yet" in page

    [version] = versions_of(proposal.id)
    snapshot = json.loads(version.snapshot)
    assert [(a["filename"], a["sha256"]) for a in snapshot["attachments"]] == [("plan.pdf", plan.sha256)]

    version_page = text(client.get(f"/proposals/{proposal.id}/versions/1"))
    assert "plan.pdf" in version_page
    assert plan.sha256 in version_page
    assert "appendix.pdf" not in version_page
    link = f"/proposals/{proposal.id}/attachments/{plan.id}"
    assert link in version_page
    response = client.get(link)
    try:
        assert response.status_code == 200
        assert response.data == plan_bytes
        assert hashlib.sha256(response.data).hexdigest() == plan.sha256
    finally:
        response.close()

    # The amendment records the swap, and the difference page names both documents.
    assert "Version 2 was signed" in text(sign_and_submit(client, proposal, pi))
    second = json.loads(versions_of(proposal.id)[1].snapshot)
    assert [a["filename"] for a in second["attachments"]] == ["appendix.pdf"]
    diff = text(client.get(f"/proposals/{proposal.id}/diff?a=1&b=2"))
    assert "Added: appendix.pdf" in diff
    assert "Removed: plan.pdf" in diff
    assert "plan.pdf" in text(client.get(f"/proposals/{proposal.id}/versions/1"))


def test_uploads_are_refused_once_the_proposal_cannot_be_edited(app, factory):
    pi = factory.user(Role.INVESTIGATOR)
    proposal = factory.proposal(pi, submitted=True)
    client = signed_in(app, pi)
    assert post(client, f"/proposals/{proposal.id}/withdraw", {"reason": "Stopped."}).status_code == 302
    assert reload(Proposal, proposal.id).state == "withdrawn"
    before = stored_files(app)
    response = upload(client, proposal.id, factory.pdf(), "late.pdf")
    assert response.status_code == 403
    assert stored_files(app) == before
    assert len(attachments_of(proposal.id)) == 1


def test_a_pdf_with_javascript_is_flagged(app, factory, draft):
    pi, proposal = draft
    client = signed_in(app, pi)
    content = factory.pdf().replace(
        b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Catalog /Pages 2 0 R /OpenAction << /S /JavaScript >> >>"
    )
    response = upload(client, proposal.id, content, "active.pdf", follow_redirects=True)
    assert response.status_code == 200
    [attachment] = attachments_of(proposal.id)
    assert attachment.has_active_content is True
    assert "Contains scripts or embedded files" in text(response)
