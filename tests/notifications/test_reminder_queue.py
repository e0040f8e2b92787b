"""`flask clocks remind --queue` and `flask notify send --queue` put their work on the Redis queue; a burst worker
process runs it and the mail reaches the SMTP server. Needs Redis at 127.0.0.1:6379 (the host of
PORTAL_TEST_REDIS_URL), on a database of its own (not 0): under CI=true it must be there; elsewhere these tests
skip, saying why."""

from __future__ import annotations

import os
from collections.abc import Iterator
from datetime import timedelta
from urllib.parse import urlsplit, urlunsplit

import pytest
from flask import Flask

from portal.auth.roles import Role
from portal.clock import utcnow
from portal.extensions import db
from portal.reviews.operations import assign_reviewer
from tests.jobs.test_redis_queue import _burst, private_queue
from tests.notifications.conftest import Mailbox
from tests.reviews.conftest import make_world

REDIS_DB = 5  # not 0: this suite's queues stay apart from anything else on the server


def _redis_url() -> str:
    base = urlsplit(os.environ.get("PORTAL_TEST_REDIS_URL", "redis://127.0.0.1:6379/0"))
    return urlunsplit((base.scheme, base.netloc, f"/{REDIS_DB}", base.query, base.fragment))


REDIS_URL = _redis_url()


@pytest.fixture
def queue_name() -> Iterator[str]:
    yield from private_queue(REDIS_URL)


@pytest.fixture
def app_config(app_config: dict[str, object], queue_name: str) -> dict[str, object]:
    return {**app_config, "REDIS_URL": REDIS_URL, "REDIS_QUEUE": queue_name, "JOBS_RUN_INLINE": False,
            "MAIL_SEND_AFTER_REQUEST": False}


def _worker_mail(app: Flask) -> dict[str, str]:
    """The worker process sends to the test's SMTP server."""
    return {"PORTAL_MAIL_TRANSPORT": "smtp", "PORTAL_MAIL_SMTP_HOST": "127.0.0.1",
            "PORTAL_MAIL_SMTP_PORT": str(app.config["MAIL_SMTP_PORT"]), "PORTAL_MAIL_SMTP_TIMEOUT": "5"}


def _queued(app: Flask) -> int:
    from portal.jobs.queue import job_queue

    return job_queue(app).count


def test_clocks_remind_queue_puts_the_run_on_the_queue_and_a_worker_reminds_and_sends(
    app: Flask, factory, mailbox: Mailbox  # noqa: ANN001
) -> None:
    w = make_world(factory)
    assign_reviewer(w.proposal, w.ire, w.reviewer, due_on=utcnow().date() + timedelta(days=7), actor=w.coordinator)
    db.session.commit()

    result = app.test_cli_runner().invoke(args=["clocks", "remind", "--queue"])

    assert result.exit_code == 0, result.output
    assert f"on {app.config['REDIS_QUEUE']}" in result.output
    assert _queued(app) == 1 and mailbox.messages == []  # nothing ran here

    _burst(app, **_worker_mail(app))

    assert _queued(app) == 0
    subjects = [mailbox.subject(m) for m in mailbox.to(w.reviewer.email)]
    assert f'Review due in 7 days: "{w.proposal.title}"' in subjects


def test_notify_send_queue_puts_the_sending_on_the_queue_and_a_worker_sends(
    app: Flask, factory, mailbox: Mailbox  # noqa: ANN001
) -> None:
    institution = factory.institution()
    factory.user(Role.COORDINATOR, institution=institution)
    pi = factory.user(Role.INVESTIGATOR, institution=institution)
    factory.proposal(pi, title="Fictional survey of laboratory practice", submitted=True)
    db.session.commit()

    result = app.test_cli_runner().invoke(args=["notify", "send", "--queue"])

    assert result.exit_code == 0, result.output
    assert _queued(app) == 1 and mailbox.messages == []

    _burst(app, **_worker_mail(app))

    assert _queued(app) == 0
    to_pi, = mailbox.to(pi.email)
    assert mailbox.subject(to_pi) == "Submitted for review: Fictional survey of laboratory practice (version 1)"
