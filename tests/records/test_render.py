"""The rendered record: what a reader sees, what it embeds, what it claims to be."""

from __future__ import annotations

import io
import json
from typing import Any

from pypdf import PdfReader

from portal.audit.canonical import sha256_hex
from portal.records.pdfcheck import inspect_pdf
from tests.records.conftest import embedded_files, flat, pdf_text, squeezed


def test_the_pdf_shows_policies_determinations_signatures_and_fingerprint(sample_pdf, envelope, pdftotext):
    text = pdf_text(pdftotext, sample_pdf)
    words, compact = flat(text), squeezed(text)
    record = envelope["record"]
    for screening in record["screenings"]:
        assert screening["set_id"] in words
        assert f"version {screening['set_version']}" in words
        assert squeezed(screening["set_digest"]) in compact
        assert flat(screening["provisional_outcome"]["title"]) in words
    for determination in record["determinations"]:
        assert flat(determination["title"]) in words
        assert determination["determination_id"] in words
    for signature in record["signatures"]:
        assert signature["printed_name"] in words
        assert signature["signed_at"] in compact
        assert squeezed(signature["meaning"]) in compact
    assert envelope["fingerprint"] in compact
    assert envelope["key_id"] in compact
    assert record["statement"] in words
    assert "Approved with conditions" in words
    assert "Destroy not before: 2035-12-31" in words


def test_each_determination_stands_beside_its_provisional_outcome(sample_pdf, envelope, pdftotext):
    words = flat(pdf_text(pdftotext, sample_pdf))
    section = words[words.index("5. Determinations by the committee") :]
    provisional = "Managed access required - the reviewer confirms the risk tier"
    determination = "A managed-access plan is required before tools or data are shared"
    assert provisional in section and determination in section
    assert 0 < section.index(determination) - section.index(provisional) < 300


def test_the_embedded_record_json_is_the_signed_envelope(sample_pdf, envelope):
    files = embedded_files(sample_pdf)
    assert list(files) == ["record.json"]
    [data] = files["record.json"]
    assert json.loads(data) == envelope
    assert envelope["fingerprint"] == f"sha256:{sha256_hex(envelope['record'])}"


def test_the_pdf_claims_pdf_a_3b_and_attaches_the_record_as_an_associated_file(sample_pdf):
    reader = PdfReader(io.BytesIO(sample_pdf))
    xmp = reader.trailer["/Root"]["/Metadata"].get_object().get_data().decode()
    assert 'pdfaid:part="3"' in xmp
    assert 'pdfaid:conformance="B"' in xmp
    catalog = reader.trailer["/Root"]
    assert catalog["/OutputIntents"][0]["/S"] == "/GTS_PDFA1"
    [spec] = {ref.idnum: ref.get_object() for ref in catalog["/AF"]}.values()
    assert spec["/UF"] == "record.json"
    assert spec["/AFRelationship"] == "/Data"


def test_the_pdf_has_no_script_and_embeds_nothing_else(sample_pdf):
    contents = inspect_pdf(sample_pdf)
    assert contents.active == set()
    assert contents.embedded_names == ["record.json"]
    assert contents.count() == 1


def test_the_same_envelope_always_embeds_the_same_bytes(envelope: dict[str, Any], sample_pdf):
    from portal.records.render import envelope_json

    [data] = embedded_files(sample_pdf)["record.json"]
    assert data == envelope_json(envelope)


def test_fields_beyond_the_schema_are_signed_embedded_and_printed(renderer, pdftotext, private_key):
    from portal.records.render import render_pdf
    from portal.records.signing import sign_record
    from tests.records.sample_record import sample_record

    record = sample_record()
    record["kind"] = "committee"
    record["content_sha256"] = "ab" * 32
    record["ffa_notified_on"] = "2026-12-01"
    record["appeal"] = {"appellant": "Dr. Amara Okafor", "level": "institutional", "grounds": "A condition is unclear.",
                        "filed_on": "2026-12-02", "outcome": "upheld", "decided_on": None}
    envelope = sign_record(record, private_key)
    pdf = render_pdf(envelope)
    words = flat(pdf_text(pdftotext, pdf))
    assert "Kind of decision: committee" in words
    assert "ab" * 32 in squeezed(words)
    assert "Other fields of the record ffa_notified_on: 2026-12-01" in words
    assert "Appeal outcome: upheld" in words
    assert json.loads(embedded_files(pdf)["record.json"][0]) == envelope
