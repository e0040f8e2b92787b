"""Check 26, live half (security-test-plan.md §6; §2.9 SQLite locking): three gunicorn workers, twenty threads, each
a preparer's browser creating drafts for their PI through the real form. The endpoint reads before it writes (the
PI named by e-mail: active, an investigator, of the same institution) and then inserts the proposal, its team row
and its audit event, so on SQLite every request needs the single write lock. No request may end in a 500: a lock
the busy timeout could not wait out is a 503 with `Retry-After`, and every draft the server acknowledged (and only
those) exists, with its one `proposal.created` event. On PostgreSQL, where writers do not queue on one lock, the
same drill must simply succeed throughout."""

from __future__ import annotations

import queue
import re
import threading
from collections import Counter
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor

import pytest
from sqlalchemy import func, select

from portal.audit.models import AuditEvent
from portal.proposals.models import Proposal
from tests.security.live import LiveServer, live_server

pytestmark = pytest.mark.slow

THREADS = 20
REQUESTS = 200
TITLE = "Contention drill draft"
PREPARER, PI = "preparer@northbridge.example", "investigator@northbridge.example"
CREATED = re.compile(r"/proposals/\d+/edit$")


@pytest.fixture(scope="module")
def live(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    with live_server(tmp_path_factory.mktemp("live-contention"), workers=3) as server:
        yield server


def test_twenty_threads_on_three_workers_get_no_500_and_lose_no_write(live: LiveServer) -> None:
    # Signed in beforehand, one after the other: the drill is about the endpoint, not about twenty sign-ins at once.
    idle = queue.SimpleQueue()
    for _thread in range(THREADS):
        idle.put(live.signed_in(PREPARER))
    browsers = threading.local()

    def create(n: int) -> tuple[int, str, str | None]:
        if not hasattr(browsers, "client"):
            browsers.client, browsers.token = idle.get_nowait()
        answer = browsers.client.post(
            f"{live.url}/proposals/new",
            data={"csrf_token": browsers.token, "title": f"{TITLE} {n}", "pi_email": PI},
            allow_redirects=False, timeout=120,
        )
        return answer.status_code, answer.headers.get("Location", ""), answer.headers.get("Retry-After")

    with ThreadPoolExecutor(max_workers=THREADS) as pool:
        outcomes = list(pool.map(create, range(REQUESTS)))

    statuses = Counter(status for status, _location, _retry in outcomes)
    print(f"\ncontention drill ({live.database_url.split(':')[0]}, {THREADS} threads, 3 workers): {dict(statuses)}")
    assert statuses[500] == 0, f"internal errors under contention: {statuses}"
    assert set(statuses) <= {302, 503}, f"only a success or a busy answer is acceptable: {statuses}"
    busy = [retry for status, _location, retry in outcomes if status == 503]
    assert all(retry and retry.isdigit() for retry in busy), "a 503 without a Retry-After the client can use"
    successes = [location for status, location, _retry in outcomes if status == 302]
    assert all(CREATED.search(location) for location in successes)

    with live.connection() as connection:
        rows = connection.scalar(select(func.count()).where(Proposal.title.like(f"{TITLE} %")))
        events = connection.scalar(select(func.count()).where(AuditEvent.action == "proposal.created",
                                                              AuditEvent.data.like(f'%"{TITLE} %')))
    assert rows == len(successes), f"{rows} drafts stored for {len(successes)} acknowledged: a write was lost or kept"
    assert events == len(successes), "one proposal.created event per acknowledged draft"
    verified = live.flask("audit", "verify")
    assert verified.returncode == 0, verified.stdout + verified.stderr
