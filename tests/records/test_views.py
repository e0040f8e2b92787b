"""The verify page: who may use it, CSRF, refusals that explain themselves, and results shown as text."""

from __future__ import annotations

import io

import pytest
from werkzeug.datastructures import FileStorage
from werkzeug.test import encode_multipart

from portal.auth.roles import Role
from portal.records import signing
from tests.conftest import csrf_token
from tests.proposals.conftest import signed_in, text
from tests.records import tamper
from tests.records.sample_record import sample_record

PATH = "/records/verify"


def _upload(client, content: bytes, name: str = "record.pdf", token: str | None = "fetch"):  # noqa: ANN202
    data = {"document": (io.BytesIO(content), name)}
    if token == "fetch":
        token = csrf_token(client, PATH)
    if token:
        data["csrf_token"] = token
    return client.post(PATH, data=data, content_type="multipart/form-data")


@pytest.mark.parametrize(
    ("role", "allowed"),
    [
        (Role.GOVERNANCE, True),
        (Role.COORDINATOR, True),
        (Role.CHAIR, True),
        (Role.ADMIN, True),
        (Role.REVIEWER, False),
        (Role.INVESTIGATOR, False),
    ],
)
def test_who_may_verify(app, factory, role, allowed):
    client = signed_in(app, factory.user(role))
    page = client.get(PATH)
    assert page.status_code == (200 if allowed else 404)
    if allowed:
        assert "Verify a decision record" in text(page)
        assert _upload(client, b"%PDF-1.7 not really").status_code == 200
    else:
        posted = client.post(PATH, data={}, content_type="multipart/form-data")
        assert posted.status_code in (400, 404)  # CSRF refuses first without a token; never the page


def test_signed_out_visitors_are_sent_to_sign_in(client):
    response = client.get(PATH)
    assert response.status_code == 302
    assert "/sign-in" in response.headers["Location"]


@pytest.fixture
def governance(app, factory):  # noqa: ANN201
    return signed_in(app, factory.user(Role.GOVERNANCE))


def test_a_valid_record_shows_valid_with_its_fingerprint(governance, app_key, sample_pdf, envelope):
    response = _upload(governance, sample_pdf)
    body = text(response)
    assert response.status_code == 200
    assert "<h2>VALID</h2>" in body
    assert envelope["fingerprint"] in body and envelope["key_id"] in body
    assert "Prof. Henrik Dahl, 2026-11-24T16:02:11.000000Z" in body


def test_an_altered_record_shows_exactly_what_failed(governance, app_key, sample_pdf):
    body = text(_upload(governance, tamper.change_one_byte(sample_pdf, b"y", b"z")))
    assert "NOT VALID" in body
    assert "fingerprint mismatch: the record was altered" in body
    assert "cannot be trusted" in body


def test_without_a_csrf_token_nothing_is_checked(governance, app_key, sample_pdf):
    response = _upload(governance, sample_pdf, token=None)
    assert response.status_code == 400
    assert "Your form expired" in text(response)
    assert "VALID" not in text(response)


def test_a_file_that_is_not_a_pdf_is_refused_clearly(governance):
    response = _upload(governance, b"<html><script>alert(1)</script></html>", name="record.pdf")
    assert response.status_code == 400
    assert "This file is not a PDF" in text(response)
    assert "<script>alert(1)" not in text(response)


def test_no_file_is_refused_clearly(governance):
    response = governance.post(PATH, data={"csrf_token": csrf_token(governance, PATH)})
    assert response.status_code == 400
    assert "Choose the decision record" in text(response)


def test_an_oversize_upload_is_refused_clearly(app, governance, sample_pdf):
    app.config["RECORDS_VERIFY_MAX_BYTES"] = 1024
    response = _upload(governance, sample_pdf)
    assert response.status_code == 413
    assert "The file is larger than" in text(response)
    # Encoded in memory: the test client would otherwise spool a body this large to a file it never closes.
    big = FileStorage(io.BytesIO(b"%PDF-" + b"0" * app.config["MAX_CONTENT_LENGTH"]), "big.pdf")
    boundary, body = encode_multipart({"csrf_token": csrf_token(governance, PATH), "document": big})
    huge = governance.post(PATH, data=body, content_type=f"multipart/form-data; boundary={boundary}")
    assert huge.status_code == 413
    assert "Nothing was saved" in text(huge)


def test_record_text_is_shown_as_text(governance, app, app_key, sample_pdf):
    record = sample_record()
    record["proposal"]["title"] = '<script>alert("title")</script>{{ 7*7 }}'
    record["signatures"][0]["printed_name"] = "<img src=x onerror=alert(1)>"
    forged = tamper.replace_envelope(sample_pdf, signing.sign_record(record, app_key))
    body = text(_upload(governance, forged))
    assert "<h2>VALID</h2>" in body
    assert "&lt;script&gt;alert(&#34;title&#34;)&lt;/script&gt;{{ 7*7 }}" in body
    assert "&lt;img src=x onerror=alert(1)&gt;" in body
    assert "<script>alert" not in body and "<img src=x" not in body and ">49<" not in body
