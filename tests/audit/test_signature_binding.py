"""`flask audit verify` binds every signature to what it signed (security-test-plan §6, check 19): a database owner
who edits a signed decision's rationale or a signed version's snapshot, even rewriting the stored hashes to match,
makes verify exit 1 naming the signature and the rule."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import text

from portal.audit.canonical import canonical_json, sha256_hex
from portal.decisions.content import signed_content
from portal.decisions.models import Decision
from portal.extensions import db
from portal.proposals.models import ProposalVersion
from tests.audit.scenarios.decisions import _made

RULE = "signature binding"


def _verify(app):  # noqa: ANN001, ANN202
    db.session.commit()
    return app.test_cli_runner().invoke(args=["audit", "verify"])


_BYPASS = {  # what the owner runs to lift the append-only triggers of the signed tables
    "postgresql": ("ALTER TABLE proposal_versions DISABLE TRIGGER proposal_versions_append_only",
                   "ALTER TABLE signatures DISABLE TRIGGER signatures_append_only"),
    "sqlite": ("DROP TRIGGER IF EXISTS proposal_versions_no_update", "DROP TRIGGER IF EXISTS signatures_no_update"),
}


def _as_owner(sql: str, params: dict) -> None:
    """Change a row the way whoever owns the database can."""
    for statement in _BYPASS[db.engine.dialect.name]:
        db.session.execute(text(statement))
    db.session.execute(text(sql), params)
    db.session.commit()
    db.session.expire_all()


@pytest.fixture
def signed(app, factory) -> Decision:  # noqa: ANN001
    """A decision signed by the chair, on a version its investigator signed."""
    _world, decision = _made(factory)
    return decision


def test_untouched_signatures_verify(app, signed):
    result = _verify(app)
    assert result.exit_code == 0, result.output
    assert "Every signature still matches what it signed" in result.output


def test_a_signed_rationale_edited_afterwards_fails_naming_the_signature(app, signed):
    signature_id = signed.signatures[0].signature_id
    _as_owner("UPDATE decisions SET rationale = :r WHERE id = :id",
              {"r": "Approved without any plan.", "id": signed.id})
    result = _verify(app)
    assert result.exit_code == 1
    assert f"signature {signature_id} on decision {signed.id}" in result.output
    assert "changed after signing" in result.output and RULE in result.output


def test_a_signed_version_snapshot_edited_afterwards_fails_naming_the_signature(app, signed):
    version = db.session.get(ProposalVersion, signed.version_id)
    snapshot = json.loads(version.snapshot)
    snapshot["title"] = "A quietly different title"
    _as_owner("UPDATE proposal_versions SET snapshot = :s WHERE id = :id",
              {"s": canonical_json(snapshot), "id": version.id})
    result = _verify(app)
    assert result.exit_code == 1
    assert f"signature {version.signature_id} on version {version.number} of proposal {version.proposal_id}" \
        in result.output
    assert RULE in result.output
    assert f"on decision {signed.id}" not in result.output  # the decision names the version's hash, which is unchanged


def test_rewriting_the_hashes_to_match_is_caught_by_what_the_chain_recorded(app, signed):
    signature_id = signed.signatures[0].signature_id
    signed.rationale = "Approved without any plan."
    forged = sha256_hex(signed_content(signed, version_sha256=signed.version.content_sha256))
    db.session.rollback()
    _as_owner("UPDATE decisions SET rationale = :r, content_sha256 = :h WHERE id = :id",
              {"r": "Approved without any plan.", "h": forged, "id": signed.id})
    _as_owner("UPDATE signatures SET content_sha256 = :h WHERE id = :id", {"h": forged, "id": signature_id})
    result = _verify(app)
    assert result.exit_code == 1
    assert f"signature {signature_id} on decision {signed.id}" in result.output
    assert "the audit chain recorded" in result.output


def test_the_chain_still_reports_first_when_it_is_broken_too(app, signed):
    from tests.audit import tamper

    tamper.alter_data(1)
    result = _verify(app)
    assert result.exit_code == 1 and "Audit chain BROKEN at event 1" in result.output
