"""Check 26, live half (security-test-plan.md §6; §2.9 SQLite locking): three gunicorn workers, twenty threads, each
a preparer's browser creating drafts for their PI through the real form. The endpoint reads before it writes (the
PI named by e-mail: active, an investigator, of the same institution) and then inserts the proposal, its team row
and its audit event, so on SQLite every request needs the single write lock. No request may end in a 500: a lock
the busy timeout could not wait out is a 503 with `Retry-After`, and every draft the server acknowledged (and only
those) exists, with its one `proposal.created` event. On PostgreSQL, where writers do not queue on one lock, the
same drill must simply succeed throughout."""

from __future__ import annotations

from collections import Counter

import pytest
from sqlalchemy import func, select

from portal.audit.models import AuditEvent
from portal.proposals.models import Proposal
from tests.security.live import DRAFT_CREATED, LiveServer, module_live_server

pytestmark = pytest.mark.slow

THREADS = 20
REQUESTS = 200
TITLE = "Contention drill draft"
PREPARER, PI = "preparer@northbridge.example", "investigator@northbridge.example"

live = module_live_server(workers=3)


def test_twenty_threads_on_three_workers_get_no_500_and_lose_no_write(live: LiveServer) -> None:
    answers = live.post_in_parallel("/proposals/new", lambda n: {"title": f"{TITLE} {n}", "pi_email": PI},
                                    emails=[PREPARER], threads=THREADS, count=REQUESTS)

    statuses = Counter(answer.status for answer in answers)
    print(f"\ncontention drill ({live.database_url.split(':')[0]}, {THREADS} threads, 3 workers): {dict(statuses)}")
    assert statuses[500] == 0, f"internal errors under contention: {statuses}"
    assert set(statuses) <= {302, 503}, f"only a success or a busy answer is acceptable: {statuses}"
    busy = [answer.retry_after for answer in answers if answer.status == 503]
    assert all(retry and retry.isdigit() for retry in busy), "a 503 without a Retry-After the client can use"
    successes = [answer.location for answer in answers if answer.status == 302]
    assert all(DRAFT_CREATED.search(location) for location in successes)

    with live.connection() as connection:
        rows = connection.scalar(select(func.count()).where(Proposal.title.like(f"{TITLE} %")))
        events = connection.scalar(select(func.count()).where(AuditEvent.action == "proposal.created",
                                                              AuditEvent.data.like(f'%"{TITLE} %')))
    assert rows == len(successes), f"{rows} drafts stored for {len(successes)} acknowledged: a write was lost or kept"
    assert events == len(successes), "one proposal.created event per acknowledged draft"
    verified = live.flask("audit", "verify")
    assert verified.returncode == 0, verified.stdout + verified.stderr
