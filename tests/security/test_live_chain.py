"""Check 25 (security-test-plan.md §6): the audit chain under parallel appends. Two gunicorn sync workers serve
200 concurrent writes, each one audited: investigators create proposals through the real form, with CSRF, from
twelve browsers at once. Every request succeeds (no 5xx), the chain's `seq` has no gap, no two events hang from the
same `prev_hash` (no fork), and `flask audit verify`, run as an operator would against the same database, exits 0."""

from __future__ import annotations

from collections import Counter

import pytest
from sqlalchemy import select

from portal.audit.models import AuditEvent
from tests.security.live import DRAFT_CREATED, LiveServer, module_live_server

pytestmark = pytest.mark.slow

ACTIONS = 200
THREADS = 12
INVESTIGATORS = ("investigator@northbridge.example", "investigator2@northbridge.example",
                 "preparer@northbridge.example")

live = module_live_server(workers=2)


def test_two_workers_appending_at_once_keep_one_gapless_chain(live: LiveServer) -> None:
    before = live.count(AuditEvent.__table__, AuditEvent.action == "proposal.created")
    answers = live.post_in_parallel("/proposals/new", lambda n: {"title": f"Chain drill proposal {n}"},
                                    emails=INVESTIGATORS, threads=THREADS, count=ACTIONS)

    statuses = Counter(answer.status for answer in answers)
    assert not [s for s in statuses if s >= 500], f"server errors under parallel writes: {statuses}"
    assert statuses == {302: ACTIONS}, statuses
    assert all(DRAFT_CREATED.search(answer.location) for answer in answers)
    created = live.count(AuditEvent.__table__, AuditEvent.action == "proposal.created") - before
    assert created == ACTIONS, "one proposal.created event per successful request"

    with live.connection() as connection:
        chain = connection.execute(select(AuditEvent.seq, AuditEvent.prev_hash).order_by(AuditEvent.seq)).all()
    seqs = [seq for seq, _prev in chain]
    assert seqs == list(range(1, len(seqs) + 1)), "the audit seq has a gap or does not start at 1"
    forks = [prev for prev, times in Counter(prev for _seq, prev in chain).items() if times > 1]
    assert not forks, f"events sharing a prev_hash (a forked chain): {forks[:3]}"

    verified = live.flask("audit", "verify")
    assert verified.returncode == 0, verified.stdout + verified.stderr
    assert f"{len(seqs)} events verified" in verified.stdout
