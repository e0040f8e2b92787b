"""Check 28 (security-test-plan.md §6): a gunicorn worker killed in the middle of recording a decision. The chair
posts the decision on the demo's proposal that awaits one; a test-only hook (tests/security/live_hooks.py) holds
that request in the flush that inserted the decision row, inside its open transaction, and tells its worker's pid;
the drill SIGKILLs that worker. The chair's browser gets a dropped connection (or a 502 from a proxy); gunicorn
starts a new worker; nothing of the decision was written; the same POST sent again records exactly one decision
and its one `decision.made` event; and `flask audit verify` exits 0.

The idempotency is the portal's own rule, not a key on the form: a proposal has at most one pending decision, so a
second copy of the same POST (sent again because the first seemed lost) is refused with 409 and a message, and
cannot make a second decision. The drill sends it a third time to show that."""

from __future__ import annotations

import os
import signal
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import date, timedelta
from pathlib import Path

import pytest
import requests
from sqlalchemy import select

from portal.audit.models import AuditEvent
from portal.decisions.models import Decision
from portal.demo.content import TRIAGED_TITLE
from portal.extensions import db
from portal.proposals.models import Proposal
from tests.security.live import LiveServer, module_live_server
from tests.security.live_hooks import HELD_PID_FILE, HOLD_FILE, HOLD_SECONDS

pytestmark = pytest.mark.slow

CHAIR = "chair@northbridge.example"
CATEGORY_1 = "usg-durc-pepp-2024"
DECISION_PATH = "/decisions/"

live = module_live_server(
    workers=2,
    wsgi="tests.security.live_hooks:hooked_app()",
    timeout=HOLD_SECONDS + 30,  # gunicorn must not end the held worker itself: the drill does
    # The hooks need TESTING; the session cookie stays production's (Secure, __Host-) all the same.
    env={"PORTAL_TESTING": "true", "PORTAL_TEST_HOOKS": "1", "PORTAL_SESSION_COOKIE_SECURE": "true"},
)


def _awaiting_decision(live: LiveServer) -> tuple[int, dict[str, str]]:
    """The demo proposal that awaits its decision, and a complete decision form for it: Category 1 under the 2024
    policy, each other set's first determination (fictional, at the level of the policies' own words)."""
    from portal.decisions.queries import set_facts

    with live.app_context():
        proposal = db.session.scalar(select(Proposal).where(Proposal.title == TRIAGED_TITLE))
        assert proposal is not None and proposal.state == "awaiting_decision", "the demo changed: pick another"
        form = {"outcome": "approved_with_conditions", "rationale": "Approved under a risk mitigation plan.",
                "condition-description-0": "Confirm each year who holds access to the records.",
                "condition-owner-0": "investigator",
                "condition-due-0": (date.today() + timedelta(days=60)).isoformat()}
        for facts in set_facts(proposal):
            category_1 = facts.set_id == CATEGORY_1
            form[f"determination-{facts.set_id}"] = "category_1" if category_1 else facts.determinations[0].id
            form[f"determination-rationale-{facts.set_id}"] = "Considered by the committee at its meeting."
            for criterion, _question in facts.judgments:
                form[f"judgment-{facts.set_id}/{criterion}"] = "yes" if category_1 else "no"
                form[f"judgment-rationale-{facts.set_id}/{criterion}"] = "The committee's judgment, in its minutes."
        return proposal.id, form


def _wait_for(predicate, what: str, seconds: float = 60):  # noqa: ANN001, ANN202
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        found = predicate()
        if found:
            return found
        time.sleep(0.1)
    raise AssertionError(f"waited {seconds} s for {what}")


def _held_pid(instance: Path) -> int | None:
    held = instance / HELD_PID_FILE
    return int(held.read_text()) if held.exists() else None


def _answered_unheld(posted) -> None:  # noqa: ANN001
    """Fail at once, with the page, when the POST came back without being held (a refused form, say)."""
    if posted.done():
        answer = posted.result()
        page = answer.text[answer.text.find("<main"):]
        raise AssertionError(f"the decision POST was not held: {answer.status_code} {page[:3000]}")


def test_a_worker_killed_inside_a_decision_leaves_nothing_and_the_retry_decides_once(live: LiveServer) -> None:
    proposal_id, form = _awaiting_decision(live)
    chair, token = live.signed_in(CHAIR)
    decide = f"{live.url}/proposals/{proposal_id}/decision"
    before = live.manifest()
    made_before = live.count(AuditEvent.__table__, AuditEvent.action == "decision.made")
    workers = live.worker_pids()
    assert len(workers) == 2

    (live.instance / HOLD_FILE).write_text("hold the next decision\n")
    with ThreadPoolExecutor(max_workers=1) as pool:
        posted = pool.submit(chair.post, decide, data={"csrf_token": token, **form}, allow_redirects=False,
                             timeout=HOLD_SECONDS + 30)
        held = _wait_for(lambda: _held_pid(live.instance) or _answered_unheld(posted),
                         "the decision POST to reach the hook")
        assert held in workers
        assert live.count(Decision.__table__, Decision.proposal_id == proposal_id) == 0, "visible before commit"
        os.kill(held, signal.SIGKILL)
        try:
            outcome: object = posted.result(timeout=60).status_code
        except requests.ConnectionError:
            outcome = "connection dropped"
    assert outcome in (502, "connection dropped"), f"the killed request answered {outcome}"

    def replaced() -> set[int] | None:
        pids = live.worker_pids()
        return pids if len(pids) == 2 and held not in pids else None

    respawned = _wait_for(replaced, "gunicorn to replace the killed worker")
    answering = {requests.get(f"{live.url}/_test/pid", timeout=30).json()["pid"] for _ in range(6)}
    assert answering <= respawned and held not in answering
    assert live.manifest() == before, "the killed request left part of its unit of work behind"

    retried = chair.post(decide, data={"csrf_token": token, **form}, allow_redirects=False, timeout=60)
    assert retried.status_code == 302, retried.text[:500]
    assert DECISION_PATH in retried.headers["Location"]
    again = chair.post(decide, data={"csrf_token": token, **form}, allow_redirects=False, timeout=60)
    assert again.status_code == 409, "a second copy of the same decision was not refused"

    assert live.count(Decision.__table__, Decision.proposal_id == proposal_id) == 1
    assert live.count(AuditEvent.__table__, AuditEvent.action == "decision.made") == made_before + 1
    verified = live.flask("audit", "verify")
    assert verified.returncode == 0, verified.stdout + verified.stderr
