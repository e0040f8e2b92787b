"""The decision register and bulk export: who sees which decisions, the job with its progress, the ZIP whose
records all verify, and a conflict declared after asking taking a record out."""

from __future__ import annotations

import csv
import io
import time
import zipfile

import pytest
from sqlalchemy import select

from portal.auth.roles import Role
from portal.conflicts.operations import declare_conflict
from portal.extensions import db
from portal.jobs.models import Job
from portal.records import service
from tests.conftest import post
from tests.decisions.test_records import final  # noqa: F401 - the fixture
from tests.reviews.conftest import client_for
from tests.statements import statements_for


def test_who_opens_the_register(app, world, final, factory):  # noqa: F811
    w = world
    expected = [
        (w.coordinator, 200), (w.chair, 200), (factory.user(Role.GOVERNANCE, institution=w.institution), 200),
        (w.member, 404), (w.proposal.pi, 404), (factory.user(Role.ADMIN, institution=w.institution), 404),
    ]
    for user, status in expected:
        response = client_for(app, user).get("/decisions")
        assert response.status_code == status, user.name
        assert ("Assignment canary AS-9" in response.get_data(as_text=True)) == (status == 200), user.name
    declare_conflict(w.proposal, w.coordinator, reason="Former lab member", actor=w.proposal.pi)
    db.session.commit()
    assert "Assignment canary AS-9" not in client_for(app, w.coordinator).get("/decisions").get_data(as_text=True)


def test_export_makes_a_zip_of_records_that_verify_with_an_index(app, world, final):  # noqa: F811
    client = client_for(app, world.coordinator)
    response = post(client, "/decisions/export", {"decision_id": [str(final.id), "99999", "x"]})
    assert response.status_code == 302
    job = db.session.scalar(select(Job))
    assert (job.state, job.total, job.done) == ("done", 1, 1)
    page = client.get(f"/jobs/{job.id}").get_data(as_text=True)
    assert "1 decision records exported." in page and "<progress" in page and "Download the ZIP" in page
    download = client.get(f"/jobs/{job.id}/download")
    assert download.status_code == 200 and download.mimetype == "application/zip"
    archive = zipfile.ZipFile(io.BytesIO(download.data))
    download.close()
    pdfs = [n for n in archive.namelist() if n.endswith(".pdf")]
    assert len(pdfs) == 1 and "index.csv" in archive.namelist()
    assert service.verify(archive.read(pdfs[0])).valid
    [row] = list(csv.DictReader(io.StringIO(archive.read("index.csv").decode("utf-8"))))
    assert "Assignment canary AS-9" in row.values()
    assert client_for(app, world.chair).get(f"/jobs/{job.id}").status_code == 404  # another person's job


def test_nothing_ticked_is_refused_with_a_message(app, world, final):  # noqa: F811
    response = post(client_for(app, world.coordinator), "/decisions/export", {})
    assert response.status_code == 400 and "Tick at least one decision" in response.get_data(as_text=True)
    assert db.session.scalars(select(Job)).all() == []


def test_a_conflict_declared_after_asking_takes_the_record_out(app, world, final):  # noqa: F811
    from portal.decisions.export import export_records
    from portal.jobs import runner
    from portal.jobs.operations import create_job

    job_id = create_job("record_export", {"decision_ids": [final.id]}, total=1, actor=world.coordinator).id
    declare_conflict(world.proposal, world.coordinator, reason="Former lab member", actor=world.proposal.pi)
    db.session.commit()
    runner.run(app, job_id, export_records)
    db.session.expire_all()
    job = db.session.get(Job, job_id)
    assert job.state == "done" and "1 could no longer be exported for you" in job.message
    assert zipfile.ZipFile(job.result_path).namelist() == ["index.csv"]


@pytest.mark.parametrize("app_config", [{"JOBS_RUN_INLINE": False}])
def test_without_inline_jobs_the_export_runs_in_a_thread_and_the_page_shows_progress(app, world, final):  # noqa: F811
    client = client_for(app, world.coordinator)
    post(client, "/decisions/export", {"decision_id": [str(final.id)]})
    job_id = db.session.scalar(select(Job.id))
    db.session.rollback()  # outside a request the test's session would hold SQLite's write lock
    first = client.get(f"/jobs/{job_id}").get_data(as_text=True)
    assert "<progress" in first
    state = None
    for _ in range(120):
        state = db.session.get(Job, job_id).state
        db.session.rollback()
        if state in ("done", "failed"):
            break
        time.sleep(0.5)
    assert state == "done"
    assert 'http-equiv="refresh"' not in client.get(f"/jobs/{job_id}").get_data(as_text=True)


def test_the_register_runs_the_same_statements_for_one_and_many_decisions(app, world, final):  # noqa: F811
    client = client_for(app, world.coordinator)
    assert statements_for(client, "/decisions") == statements_for(client, "/decisions")
