"""A final decision's record: the JSON, the PDF/A that embeds the same JSON, `records export` and `verify`, and
who may have them."""

from __future__ import annotations

import json
import subprocess

import pypdf
import pytest
from sqlalchemy import select

from portal.audit.models import AuditEvent
from portal.auth.roles import Role
from tests.conftest import post
from tests.decisions.conftest import decision_form
from tests.decisions.test_decisions import _decision, _sign, _url
from tests.reviews.conftest import client_for


@pytest.fixture
def final(app, world):
    w = world
    post(client_for(app, w.chair), _url(w), decision_form())
    for signer in (w.chair, w.member):
        _sign(app, signer, _decision(w))
    return _decision(w)


def _embedded(pdf: bytes) -> dict:
    import io

    reader = pypdf.PdfReader(io.BytesIO(pdf))
    [(name, [content])] = reader.attachments.items()
    assert name == "record.json"
    return json.loads(content)


def test_the_pdf_embeds_exactly_the_record_json_and_shows_the_decision(app, world, final, tmp_path):
    client = client_for(app, world.chair)
    envelope = client.get(f"/decisions/{final.id}/record.json").get_json()
    response = client.get(f"/decisions/{final.id}/record.pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert response.headers["Content-Disposition"] == f"attachment; filename={envelope['record']['record_id']}.pdf"
    assert _embedded(response.data) == envelope
    path = tmp_path / "record.pdf"
    path.write_bytes(response.data)
    # In content order, with whitespace dropped: table cells wrap their text over several lines.
    text = subprocess.run(["pdftotext", "-raw", str(path), "-"], capture_output=True, text=True, check=True).stdout
    flat = "".join(text.split())
    signatures = [(s["printed_name"], s["signed_at"], s["meaning"]) for s in envelope["record"]["signatures"]]
    expected = ["Category 1 research (dual use research of concern)", "usg-durc-pepp-2024, version 2",
                envelope["fingerprint"], *(part for signature in signatures for part in signature)]
    for phrase in expected:
        assert "".join(phrase.split()) in flat, phrase


def test_records_export_writes_a_file_that_verifies_and_is_audited(app, final, tmp_path):
    runner = app.test_cli_runner()
    out = tmp_path / "exported.pdf"
    result = runner.invoke(args=["records", "export", "--decision", str(final.id), "--out", str(out)])
    assert result.exit_code == 0, result.output
    verified = runner.invoke(args=["records", "verify", str(out)])
    assert verified.exit_code == 0 and verified.output.startswith("VALID")
    assert app.extensions["sqlalchemy"].session.scalars(
        select(AuditEvent).where(AuditEvent.action == "record.exported")).all()
    missing = runner.invoke(args=["records", "export", "--decision", "999", "--out", str(tmp_path / "x.pdf")])
    assert missing.exit_code != 0 and "There is no decision 999" in missing.output


def test_an_unfinished_decision_has_no_record(app, world, tmp_path):
    w = world
    post(client_for(app, w.chair), _url(w), decision_form())
    decision = _decision(w)
    assert client_for(app, w.chair).get(f"/decisions/{decision.id}/record.pdf").status_code == 404  # none yet
    result = app.test_cli_runner().invoke(
        args=["records", "export", "--decision", str(decision.id), "--out", str(tmp_path / "r.pdf")])
    assert result.exit_code != 0 and "not final yet" in result.output
    assert not (tmp_path / "r.pdf").exists()


def test_who_may_download_the_record(app, world, final, factory):
    expected = [
        (world.chair, 200), (world.member, 200), (world.coordinator, 200),
        (factory.user(Role.GOVERNANCE, institution=world.institution), 200),
        (world.proposal.pi, 403),  # investigators read the decision page, not the committee's record
        (factory.user(Role.GOVERNANCE), 404), (factory.user(Role.INVESTIGATOR, institution=world.institution), 404),
    ]
    for user, status in expected:
        assert client_for(app, user).get(f"/decisions/{final.id}/record.json").status_code == status, user.name
