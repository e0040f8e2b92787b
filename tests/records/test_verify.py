"""verify_pdf names exactly what is wrong with a record file."""

from __future__ import annotations

import json

import pytest

from portal.demo.pdf import simple_pdf
from portal.records import signing
from portal.records.verify import ALTERED, NO_ATTACHMENT, SIGNATURE_INVALID, verify_pdf
from tests.records import tamper
from tests.records.sample_record import sample_record


@pytest.fixture
def trusted(private_key):  # noqa: ANN201
    public = private_key.public_key()
    return {signing.key_id(public): public}


def test_an_untouched_record_is_valid(sample_pdf, envelope, trusted):
    result = verify_pdf(sample_pdf, trusted)
    assert result.valid, result.reasons
    assert result.reasons == ()
    assert result.record_id == "NBU-D-000042"
    assert result.fingerprint == envelope["fingerprint"]
    assert result.key_id == envelope["key_id"]


def test_one_changed_byte_in_the_embedded_json_is_an_altered_record(sample_pdf, trusted):
    result = verify_pdf(tamper.change_one_byte(sample_pdf, b"y", b"z"), trusted)
    assert not result.valid
    assert len(result.reasons) == 1
    assert result.reasons[0].startswith(ALTERED)


def test_a_swapped_signature_is_an_invalid_signature(sample_pdf, envelope, private_key, trusted):
    other = signing.sign_record(sample_record(7), private_key)
    result = verify_pdf(tamper.replace_envelope(sample_pdf, {**envelope, "signature": other["signature"]}), trusted)
    assert not result.valid
    assert result.reasons == (SIGNATURE_INVALID,)


def test_a_record_altered_and_refingerprinted_fails_on_its_signature(sample_pdf, envelope, trusted):
    record = {**envelope["record"], "rationale": "Approved without conditions."}
    forged = {**envelope, "record": record, "fingerprint": signing.fingerprint(record)}
    result = verify_pdf(tamper.replace_envelope(sample_pdf, forged), trusted)
    assert result.reasons == (SIGNATURE_INVALID,)


def test_a_record_signed_by_an_unknown_key_is_named(sample_pdf, envelope, trusted):
    stranger = signing.sign_record(envelope["record"], signing.new_private_key())
    result = verify_pdf(tamper.replace_envelope(sample_pdf, stranger), trusted)
    assert not result.valid
    [reason] = result.reasons
    assert reason.startswith(f"unknown key id {stranger['key_id']}")
    assert envelope["key_id"] in reason


def test_unparsable_json_is_named(sample_pdf, trusted):
    result = verify_pdf(tamper.replace_record_json(sample_pdf, b'{"record": {'), trusted)
    assert not result.valid
    assert result.reasons[0].startswith("record.json is not valid JSON")


def test_an_incomplete_envelope_is_named(sample_pdf, envelope, trusted):
    partial = {key: value for key, value in envelope.items() if key != "signature"}
    result = verify_pdf(tamper.replace_record_json(sample_pdf, json.dumps(partial).encode()), trusted)
    assert result.reasons == ("the envelope has no 'signature'",)


def test_a_pdf_with_javascript_is_refused(sample_pdf, trusted):
    result = verify_pdf(tamper.with_javascript(sample_pdf), trusted)
    assert not result.valid
    assert any(reason.startswith("the PDF contains JavaScript") for reason in result.reasons)


def test_a_pdf_with_another_embedded_file_is_refused(sample_pdf, trusted):
    result = verify_pdf(tamper.with_extra_attachment(sample_pdf), trusted)
    assert not result.valid
    assert "the PDF embeds files other than record.json: passwd.txt" in result.reasons


def test_a_pdf_without_the_record_or_not_a_pdf_at_all(trusted):
    assert verify_pdf(simple_pdf(["Just a letter."]), trusted).reasons == (NO_ATTACHMENT,)
    [reason] = verify_pdf(b"GIF89a not a pdf", trusted).reasons
    assert reason == "not a readable PDF: the file is not a PDF"
    [reason] = verify_pdf(b"%PDF-1.7\n garbage", trusted).reasons
    assert reason.startswith("not a readable PDF")
