"""Check 25 (security-test-plan.md §6): the audit chain under parallel appends. Two gunicorn sync workers serve
200 concurrent writes, each one audited: investigators create proposals through the real form, with CSRF, from a
pool of threads. Every request succeeds (no 5xx), the chain's `seq` has no gap, no two events hang from the same
`prev_hash` (no fork), and `flask audit verify`, run as an operator would against the same database, exits 0."""

from __future__ import annotations

import re
import threading
from collections import Counter
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor

import pytest
from sqlalchemy import select

from portal.audit.models import AuditEvent
from tests.security.live import LiveServer, live_server

pytestmark = pytest.mark.slow

ACTIONS = 200
THREADS = 12
INVESTIGATORS = ("investigator@northbridge.example", "investigator2@northbridge.example",
                 "preparer@northbridge.example")
CREATED = re.compile(r"/proposals/\d+/edit$")


@pytest.fixture(scope="module")
def live(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    with live_server(tmp_path_factory.mktemp("live-chain"), workers=2) as server:
        yield server


def test_two_workers_appending_at_once_keep_one_gapless_chain(live: LiveServer) -> None:
    before = live.count(AuditEvent.__table__, AuditEvent.action == "proposal.created")
    browsers = threading.local()  # one signed-in browser per thread, as many people at their desks
    signed_in = Counter()
    lock = threading.Lock()

    def create(n: int) -> tuple[int, str]:
        if not hasattr(browsers, "client"):
            with lock:
                email = INVESTIGATORS[sum(signed_in.values()) % len(INVESTIGATORS)]
                signed_in[email] += 1
            browsers.client, browsers.token = live.signed_in(email)
        answer = browsers.client.post(f"{live.url}/proposals/new",
                                      data={"csrf_token": browsers.token, "title": f"Chain drill proposal {n}"},
                                      allow_redirects=False, timeout=60)
        return answer.status_code, answer.headers.get("Location", "")

    with ThreadPoolExecutor(max_workers=THREADS) as pool:
        outcomes = list(pool.map(create, range(ACTIONS)))

    statuses = Counter(status for status, _location in outcomes)
    assert not [s for s in statuses if s >= 500], f"server errors under parallel writes: {statuses}"
    assert statuses == {302: ACTIONS}, statuses
    assert all(CREATED.search(location) for _status, location in outcomes)
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
