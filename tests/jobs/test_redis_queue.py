"""Jobs on the Redis queue: an export asked for on the page waits on the queue and a separate worker process runs
it; a worker killed mid-job is replaced and the job ends done, complete and completed once; without
PORTAL_REDIS_URL nothing touches Redis. Needs Redis at 127.0.0.1:6379 (PORTAL_TEST_REDIS_URL): under CI=true it must
be there; elsewhere these tests skip, saying why."""

from __future__ import annotations

import io
import os
import re
import signal
import subprocess
import sys
import time
import uuid
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import func, select

from portal import create_app
from portal.audit.models import AuditEvent
from portal.extensions import db
from portal.jobs.models import Job
from portal.records import service
from tests.conftest import post
from tests.databases import IN_CI
from tests.decisions.conftest import world  # noqa: F401 - the fixture
from tests.decisions.test_records import final  # noqa: F401 - the fixture
from tests.reviews.conftest import client_for

ROOT = Path(__file__).resolve().parents[2]
REDIS_URL = os.environ.get("PORTAL_TEST_REDIS_URL", "redis://127.0.0.1:6379/0")
WORKER_SECONDS = 90  # a worker that has not finished by then is stuck: fail rather than hang the suite


@pytest.fixture
def queue_name() -> Iterator[str]:
    yield from private_queue(REDIS_URL)


def private_queue(url: str) -> Iterator[str]:
    """A queue of the test's own on the Redis at `url`; afterwards every key of it (jobs, registries, workers) is
    deleted, nothing else. Under CI=true Redis must be there; elsewhere the test skips, saying why."""
    from redis import Redis
    from redis.exceptions import RedisError

    connection = Redis.from_url(url, socket_connect_timeout=2)
    try:
        connection.ping()
    except RedisError as error:
        reason = f"Redis is not reachable at {url}: {error}"
        if IN_CI:
            pytest.fail(f"CI must run the Redis queue tests: {reason}")
        pytest.skip(reason)
    name = f"portal-test-{uuid.uuid4().hex[:12]}"
    yield name
    _delete_keys_of(connection, name)
    connection.close()


def _delete_keys_of(connection, name: str) -> None:  # noqa: ANN001
    from rq import Queue

    queue = Queue(name, connection=connection)
    registries = (queue.started_job_registry, queue.finished_job_registry, queue.failed_job_registry,
                  queue.scheduled_job_registry, queue.deferred_job_registry, queue.canceled_job_registry)
    job_ids = set(queue.get_job_ids()).union(*(r.get_job_ids() for r in registries))
    for job_id in job_ids:
        for key in connection.scan_iter(match=f"rq:*{job_id}*"):
            connection.delete(key)
    for key in connection.scan_iter(match=f"rq:*{name}*"):
        connection.delete(key)
    connection.srem("rq:queues", f"rq:queue:{name}")
    for member in connection.smembers("rq:workers"):
        if name in member.decode():
            connection.srem("rq:workers", member)


@pytest.fixture
def app_config(queue_name: str) -> dict[str, object]:
    return {"REDIS_URL": REDIS_URL, "REDIS_QUEUE": queue_name, "JOBS_RUN_INLINE": False}


def _worker_env(app, **extra: str) -> dict[str, str]:  # noqa: ANN001
    """What a worker process needs to see the test's database, instance folder and queue."""
    env = {key: value for key, value in os.environ.items() if not key.startswith("PORTAL_")}
    env.update({
        "PORTAL_TESTING": "true",
        "PORTAL_DATABASE_URL": app.config["DATABASE_URL"],
        "PORTAL_INSTANCE_PATH": app.instance_path,
        "PORTAL_ATTACHMENT_DIR": app.config["ATTACHMENT_DIR"],
        "PORTAL_REDIS_URL": app.config["REDIS_URL"],
        "PORTAL_REDIS_QUEUE": app.config["REDIS_QUEUE"],
        **extra,
    })
    return env


def _worker(app, *args: str, **extra: str) -> subprocess.Popen:  # noqa: ANN001
    db.session.commit()  # the test's own transaction would hold SQLite's write lock the worker needs
    return subprocess.Popen(  # its own process group: the drill kills the worker and anything it started
        [sys.executable, "-m", "flask", "--app", "app", "jobs", "worker", *args], cwd=ROOT,
        env=_worker_env(app, **extra), stdout=subprocess.PIPE, stderr=subprocess.STDOUT, start_new_session=True)


def _burst(app, **extra: str) -> str:  # noqa: ANN001
    worker = _worker(app, "--burst", **extra)
    output, _ = worker.communicate(timeout=WORKER_SECONDS)
    text = output.decode(errors="replace")
    assert worker.returncode == 0, text
    return text


def _the_job() -> Job:
    db.session.expire_all()
    job = db.session.scalar(select(Job).where(Job.kind == "record_export"))
    db.session.commit()
    return job


def _count(action: str, job_id: int) -> int:
    count = db.session.scalar(select(func.count()).select_from(AuditEvent).where(
        AuditEvent.action == action, AuditEvent.target_type == "jobs", AuditEvent.target_id == str(job_id)))
    db.session.commit()
    return count


def _export_files(app) -> list[str]:  # noqa: ANN001
    folder = Path(app.instance_path) / "exports"
    return sorted(p.name for p in folder.iterdir()) if folder.exists() else []


def _assert_a_complete_zip(client, job_id: int) -> None:  # noqa: ANN001
    download = client.get(f"/jobs/{job_id}/download")
    assert download.status_code == 200 and download.mimetype == "application/zip"
    archive = zipfile.ZipFile(io.BytesIO(download.data))
    download.close()
    pdfs = [n for n in archive.namelist() if n.endswith(".pdf")]
    assert len(pdfs) == 1 and "index.csv" in archive.namelist()
    assert service.verify(archive.read(pdfs[0])).valid


def test_an_export_waits_on_the_queue_and_a_worker_process_runs_it(app, world, final):  # noqa: F811
    from portal.jobs.queue import job_queue

    client = client_for(app, world.coordinator)
    assert post(client, "/decisions/export", {"decision_id": [str(final.id)]}).status_code == 302
    job = _the_job()
    assert job.state == "queued" and _export_files(app) == []  # nothing ran in the web process
    assert job_queue(app).count == 1
    assert "Waiting to start" in client.get(f"/jobs/{job.id}").get_data(as_text=True)

    _burst(app)

    job = _the_job()
    assert (job.state, job.done, job.total) == ("done", 1, 1)
    page = client.get(f"/jobs/{job.id}").get_data(as_text=True)
    assert "1 decision records exported." in page and "Download the ZIP" in page
    _assert_a_complete_zip(client, job.id)
    assert job_queue(app).count == 0


def test_a_job_whose_worker_is_killed_mid_way_is_run_again_and_completed_once(app, world, final, tmp_path):  # noqa: F811
    client = client_for(app, world.coordinator)
    hold = tmp_path / "hold"
    hold.touch()
    assert post(client, "/decisions/export", {"decision_id": [str(final.id)]}).status_code == 302
    job_id = _the_job().id

    doomed = _worker(app, PORTAL_JOBS_TEST_HOLD_FILE=str(hold))
    reached = Path(f"{hold}.reached")
    deadline = time.monotonic() + WORKER_SECONDS
    while not reached.exists():
        assert doomed.poll() is None, doomed.stdout.read().decode(errors="replace")
        assert time.monotonic() < deadline, "the worker never reached the job's first progress tick"
        time.sleep(0.05)
    job = _the_job()
    assert job.state == "running" and job.done == 1  # the record is rendered; the ZIP is still being written
    assert any(name.endswith(".tmp") for name in _export_files(app))
    os.killpg(doomed.pid, signal.SIGKILL)
    doomed.wait(timeout=10)
    doomed.stdout.close()
    hold.unlink()

    # The new worker finds the job stuck in `running` (its lease made 0 s here; an hour by default) and runs it again.
    output = _burst(app, PORTAL_JOBS_LEASE_SECONDS="0")
    # (The world's consistency check, scheduled by a submission made outside a request and never started, is
    # stale too and goes with it: what the sweep is for.)
    stale = re.search(r"stale job\(s\) queued again: ([\d, ]+)\.", output)
    assert stale and str(job_id) in stale.group(1).split(", "), output

    job = _the_job()
    assert (job.state, job.done) == ("done", 1)
    assert _export_files(app) == [Path(job.result_path).name]  # one result; the killed run's partial file is gone
    _assert_a_complete_zip(client, job_id)
    counts = [_count(action, job_id) for action in ("job.started", "job.finished", "records.exported")]
    assert counts == [2, 1, 1]  # started twice, completed once
    assert "Done" in client.get(f"/jobs/{job_id}").get_data(as_text=True)

    # RQ's own retry of the abandoned run (once its heartbeat lapses), or any duplicate, finds the job done.
    from portal.jobs import runner

    assert runner.run(app, job_id) == "skipped"
    assert _count("job.finished", job_id) == 1 and len(_export_files(app)) == 1


@pytest.mark.parametrize("app_config", [{"JOBS_RUN_INLINE": True}])
def test_without_a_redis_url_nothing_touches_redis(app, world, final, monkeypatch, tmp_path):  # noqa: F811
    from redis.connection import AbstractConnection

    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("something connected to Redis without PORTAL_REDIS_URL")

    monkeypatch.setattr(AbstractConnection, "connect", refuse)
    client = client_for(app, world.coordinator)
    assert post(client, "/decisions/export", {"decision_id": [str(final.id)]}).status_code == 302
    assert _the_job().state == "done"  # ran in the web process, as before
    plain = create_app({"TESTING": True, "DATABASE_URL": "sqlite://", "INSTANCE_PATH": str(tmp_path / "plain")})
    assert plain.config["RATELIMIT_STORAGE_URI"] == "memory://"


def test_with_a_redis_url_rate_limits_are_counted_in_redis(tmp_path) -> None:
    shared = create_app({"TESTING": True, "DATABASE_URL": "sqlite://", "INSTANCE_PATH": str(tmp_path),
                         "REDIS_URL": REDIS_URL})
    assert shared.config["RATELIMIT_STORAGE_URI"] == REDIS_URL  # one count for every gunicorn worker


def test_every_kind_of_job_names_work_a_worker_can_import() -> None:
    from portal.jobs.registry import KINDS
    from portal.reports.whatif_permissions import WHATIF_KIND

    assert {"record_export", WHATIF_KIND} <= set(KINDS)
    assert all(callable(kind.function()) for kind in KINDS.values())


@pytest.mark.parametrize("app_config", [{"JOBS_RUN_INLINE": True}])
def test_requeue_stale_without_redis_runs_a_job_left_running_and_then_finds_nothing(app, world, final):  # noqa: F811
    """A web worker that died mid-export leaves its job `running`; past the lease the command runs it here."""
    from datetime import timedelta

    from portal.clock import utcnow
    from portal.jobs.operations import create_job, start_job

    job = create_job("record_export", {"decision_ids": [final.id]}, total=1, actor=world.coordinator)
    start_job(job)
    job.started_at = utcnow() - timedelta(hours=2)  # its thread died with its worker two hours ago
    job_id = job.id
    db.session.commit()
    cli = app.test_cli_runner()
    assert f"1 stale job(s) run again: {job_id}." in cli.invoke(args=["jobs", "requeue-stale"]).output
    job = _the_job()
    assert job.state == "done" and _count("job.finished", job_id) == 1 and len(_export_files(app)) == 1
    assert "0 stale job(s) run again." in cli.invoke(args=["jobs", "requeue-stale"]).output
    refused = cli.invoke(args=["jobs", "worker", "--burst"])
    assert refused.exit_code != 0 and "PORTAL_REDIS_URL is not set" in refused.output
