"""Fingerprint, signature, key id and the record's published shape."""

from __future__ import annotations

import base64
import copy
import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from portal.audit.canonical import canonical_json
from portal.records import signing
from portal.records.shape import STATEMENT, RecordShapeError, check_shape, shape_problems
from tests.records.sample_record import sample_record


def test_the_sample_has_the_published_shape():
    assert shape_problems(sample_record()) == []
    assert sample_record()["statement"] == STATEMENT


def test_a_record_missing_a_field_or_carrying_a_float_is_named():
    record = sample_record()
    del record["retention"]
    record["meeting"]["quorum"]["counted"] = 4.5
    with pytest.raises(RecordShapeError) as refused:
        check_shape(record)
    assert any("'retention' is a required property" in p for p in refused.value.problems)
    assert any(p.startswith("meeting/quorum/counted:") for p in refused.value.problems)


def test_the_envelope_carries_fingerprint_signature_key_id_and_algorithm(private_key):
    record = sample_record()
    envelope = signing.sign_record(record, private_key)
    assert set(envelope) == {"record", "fingerprint", "signature", "key_id", "algorithm"}
    assert envelope["record"] is record
    assert re.fullmatch(r"sha256:[0-9a-f]{64}", envelope["fingerprint"])
    assert re.fullmatch(r"ed25519:[0-9a-f]{16}", envelope["key_id"])
    assert envelope["algorithm"] == "Ed25519"
    assert len(base64.b64decode(envelope["signature"])) == 64
    assert signing.envelope_problems(envelope) == []
    assert signing.signature_valid(envelope, private_key.public_key())


def test_the_key_id_is_the_start_of_the_raw_public_key_hash(private_key):
    import hashlib

    raw = signing.raw_public_bytes(private_key.public_key())
    assert signing.key_id(private_key.public_key()) == f"ed25519:{hashlib.sha256(raw).hexdigest()[:16]}"


def test_another_key_or_another_fingerprint_fails(private_key):
    envelope = signing.sign_record(sample_record(), private_key)
    assert not signing.signature_valid(envelope, signing.new_private_key().public_key())
    other = signing.sign_record(sample_record(7), private_key)
    assert not signing.signature_valid({**envelope, "signature": other["signature"]}, private_key.public_key())
    assert not signing.signature_valid({**envelope, "signature": "not base64!"}, private_key.public_key())


def test_keys_round_trip_through_pem(private_key):
    again = signing.load_private_pem(signing.private_pem(private_key))
    public = signing.load_public_pem(signing.public_pem(private_key.public_key()))
    assert signing.key_id(again.public_key()) == signing.key_id(public)


_text_paths = [("proposal", "title"), ("rationale",), ("outcome", "title"), ("signatures", 0, "printed_name")]


@settings(max_examples=60, deadline=None, derandomize=True)
@given(path=st.sampled_from(_text_paths), text=st.text(min_size=1, max_size=40))
def test_any_change_to_any_field_changes_the_fingerprint(path, text):
    record = sample_record()
    changed = copy.deepcopy(record)
    holder = changed
    for step in path[:-1]:
        holder = holder[step]
    if holder[path[-1]] == text:
        return
    holder[path[-1]] = text
    assert signing.fingerprint(changed) != signing.fingerprint(record)
    assert canonical_json(changed) != canonical_json(record)
