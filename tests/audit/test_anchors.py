"""Anchors: `flask audit checkpoint` signs the head into a file outside the database, and `flask audit verify`
finds every kind of tampering a database owner can do, naming the first bad event (security-test-plan §6, 20)."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
from sqlalchemy import func, select

from portal.audit.models import AuditEvent
from portal.auth.roles import Role
from portal.extensions import db
from portal.records import service
from tests.audit import tamper


def _cli(app, *args: str):  # noqa: ANN001, ANN202
    return app.test_cli_runner().invoke(args=["audit", *args])


def _head() -> int:
    return db.session.scalar(select(func.max(AuditEvent.seq)))


def _anchor_files(app) -> list[Path]:  # noqa: ANN001
    return sorted((Path(app.instance_path) / "audit-anchors").glob("*.anchor.json"))


@pytest.fixture
def chain(app, factory) -> int:  # noqa: ANN001
    """A submitted proposal's events, the head anchored; returns the anchored seq."""
    factory.proposal(factory.user(Role.INVESTIGATOR), submitted=True)
    result = _cli(app, "checkpoint")
    assert result.exit_code == 0, result.output
    return _head()


def test_checkpoint_writes_a_signed_anchor_of_the_head_outside_the_database(app, chain):
    [path] = _anchor_files(app)
    envelope = json.loads(path.read_text())
    head = db.session.get(AuditEvent, chain)
    assert envelope["record"]["kind"] == "audit-anchor"
    assert (envelope["record"]["seq"], envelope["record"]["hash"]) == (chain, head.hash)
    assert envelope["record"]["time"].endswith("Z")
    assert envelope["key_id"] in service.trusted_keys() and envelope["algorithm"] == "Ed25519"
    assert not list(path.parent.glob(".*.tmp")), "written atomically: no temporary file is left"

    result = _cli(app, "verify")
    assert result.exit_code == 0, result.output
    assert f"vouches for event {chain}" in result.output and "0 events after it" in result.output


def test_every_checkpoint_is_a_new_file_and_all_are_checked(app, factory, chain):
    factory.user(Role.REVIEWER)
    assert _cli(app, "checkpoint").exit_code == 0
    assert len(_anchor_files(app)) == 2
    result = _cli(app, "verify")
    assert result.exit_code == 0 and "2 anchors checked" in result.output


def test_the_anchor_folder_is_configurable(app, factory, tmp_path):
    factory.user(Role.REVIEWER)
    elsewhere = tmp_path / "off-host"
    assert _cli(app, "checkpoint", "--anchors", str(elsewhere)).exit_code == 0
    assert len(list(elsewhere.glob("*.anchor.json"))) == 1 and not _anchor_files(app)
    app.config["AUDIT_ANCHOR_DIR"] = str(elsewhere)
    assert "1 anchors checked" in _cli(app, "verify").output


def test_checkpoint_on_an_empty_chain_writes_nothing(app):
    result = _cli(app, "checkpoint")
    assert result.exit_code == 0 and "nothing to anchor" in result.output
    assert not _anchor_files(app)


def test_checkpoint_refuses_to_vouch_for_a_broken_chain(app, factory):
    factory.proposal(factory.user(Role.INVESTIGATOR))
    tamper.alter_data(3)
    result = _cli(app, "checkpoint")
    assert result.exit_code == 1 and "BROKEN at event 3" in result.output
    assert not _anchor_files(app)


MUTATIONS: dict[str, tuple[Callable[[int], None], Callable[[int], int], str]] = {
    # name: (mutation given the anchored head, the seq verify must name, a word of the failing rule)
    "altered data": (lambda head: tamper.alter_data(head // 2), lambda head: head // 2, "altered"),
    "deleted middle event": (lambda head: tamper.delete_event(head // 2), lambda head: head // 2, "gap"),
    "reordered two events": (lambda head: tamper.swap(head // 2), lambda head: head // 2, "previous-hash"),
    "tail cut after the checkpoint": (lambda head: tamper.cut_tail(head - 4), lambda head: head - 4, "removed"),
    "history rewritten before the checkpoint": (lambda head: tamper.rewrite_from(2), lambda head: head, "rewritten"),
}


@pytest.mark.parametrize("mutation", list(MUTATIONS))
def test_tampering_makes_verify_exit_1_naming_the_first_bad_event(app, chain, mutation):
    mutate, named, rule = MUTATIONS[mutation]
    mutate(chain)
    result = _cli(app, "verify")
    assert result.exit_code == 1, result.output
    assert f"BROKEN at event {named(chain)}:" in result.output
    assert rule in result.output


def test_without_an_anchor_a_cut_tail_or_a_rewritten_history_goes_unseen(app, factory):
    """Why anchors exist: the chain alone cannot tell a shortened or recomputed chain from a genuine one."""
    factory.proposal(factory.user(Role.INVESTIGATOR), submitted=True)
    tamper.cut_tail(_head() - 2)
    tamper.rewrite_from(2)
    result = _cli(app, "verify")
    assert "Audit chain intact" in result.output
    # Only the signature binding notices, because the cut took the event that recorded the PI's signature.
    assert "no audit event records it" in result.output


@pytest.mark.parametrize("forgery", ["signature", "key", "shape"])
def test_a_forged_or_foreign_anchor_fails_verify(app, chain, forgery):
    [path] = _anchor_files(app)
    envelope = json.loads(path.read_text())
    if forgery == "signature":
        envelope["record"]["seq"] = 1  # a different statement under the old signature
    elif forgery == "key":
        envelope["key_id"] = "ed25519:0000000000000000"
    else:
        path.write_text("not json")
    if forgery != "shape":
        path.write_text(json.dumps(envelope))
    result = _cli(app, "verify")
    assert result.exit_code == 1, result.output
    assert f"anchor {path.name}" in result.output and "is not valid" in result.output
