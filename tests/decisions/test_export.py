"""The decision register and bulk export: who sees which decisions, the job with its progress, the ZIP whose
records all verify, and a conflict declared after asking taking a record out."""

from __future__ import annotations

import csv
import errno
import io
import os
import time
import zipfile
from pathlib import Path

import pytest
from sqlalchemy import select

from portal.audit.models import AuditEvent
from portal.auth.roles import Role
from portal.conflicts.operations import declare_conflict
from portal.decisions.export import DISK_FULL
from portal.extensions import db
from portal.jobs.models import Job
from portal.records import files, service
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
    job = db.session.scalar(select(Job).where(Job.kind == "record_export"))
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
    assert db.session.scalars(select(Job).where(Job.kind == "record_export")).all() == []


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
    job_id = db.session.scalar(select(Job.id).where(Job.kind == "record_export"))
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


def _actions(*names: str) -> list[str]:
    db.session.expire_all()
    return list(db.session.scalars(select(AuditEvent.action).where(AuditEvent.action.in_(names))))


def _exports_folder(app) -> list[str]:  # noqa: ANN001
    folder = Path(app.instance_path) / "exports"
    return sorted(p.name for p in folder.iterdir()) if folder.exists() else []


def _failed_export(client, decision_id: int) -> tuple[Job, str]:  # noqa: ANN001
    response = post(client, "/decisions/export", {"decision_id": [str(decision_id)]})
    assert response.status_code == 302
    db.session.expire_all()
    job = db.session.scalar(select(Job).where(Job.kind == "record_export"))
    page = client.get(f"/jobs/{job.id}").get_data(as_text=True)
    return job, page


def test_a_record_pdf_over_its_time_limit_says_try_again_and_the_next_one_works(app, world, final):  # noqa: F811
    client, url = client_for(app, world.coordinator), f"/decisions/{final.id}/record.pdf"
    usual = app.config["RECORDS_RENDER_TIMEOUT"]
    app.config["RECORDS_RENDER_TIMEOUT"] = 0.1  # a real render, stopped at the limit
    stopped = client.get(url)
    app.config["RECORDS_RENDER_TIMEOUT"] = usual
    assert stopped.status_code == 302
    page = client.get(stopped.location).get_data(as_text=True)
    assert "The PDF could not be made just now; nothing was lost. Try again in a moment." in page
    again = client.get(url)
    assert again.status_code == 200 and again.data.startswith(b"%PDF-")


def test_an_export_stopped_at_the_render_time_limit_fails_and_keeps_nothing(app, world, final):  # noqa: F811
    app.config["RECORDS_RENDER_TIMEOUT"] = 0.1
    job, page = _failed_export(client_for(app, world.coordinator), final.id)
    assert job.state == "failed" and job.result_path is None
    assert "could not be rendered: Rendering took longer than 0.1 seconds" in page and "try again later" in page
    assert _exports_folder(app) == []
    assert _actions("job.failed", "records.exported") == ["job.failed"]


def test_disk_full_during_an_export_fails_with_a_disk_message_and_keeps_nothing(app, world, final, monkeypatch):  # noqa: F811
    real_writestr = zipfile.ZipFile.writestr

    def fills_up(archive: zipfile.ZipFile, name: str, data: bytes, *args: object, **kwargs: object) -> None:
        real_writestr(archive, name, data[: len(data) // 2], *args, **kwargs)  # part of it lands, then no room
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(zipfile.ZipFile, "writestr", fills_up)
    job, page = _failed_export(client_for(app, world.coordinator), final.id)
    assert job.state == "failed" and job.result_path is None
    assert DISK_FULL in page and ".zip" not in page  # the server's file name is not shown
    assert _exports_folder(app) == []  # neither the ZIP nor its temporary file
    assert _actions("job.failed", "records.exported") == ["job.failed"]


def test_disk_full_in_the_export_command_exits_non_zero_and_writes_nothing(app, final, monkeypatch, tmp_path):  # noqa: F811
    real_write = os.write

    def fills_up(descriptor: int, data: bytes) -> int:
        if not os.readlink(f"/proc/self/fd/{descriptor}").startswith(str(out.parent)):
            return real_write(descriptor, data)  # the render process's pipes are not on that disk
        real_write(descriptor, bytes(data[:10]))
        raise OSError(errno.ENOSPC, "No space left on device")

    out = tmp_path / "records" / "record.pdf"
    db.session.commit()
    monkeypatch.setattr(files.os, "write", fills_up)
    result = app.test_cli_runner().invoke(args=["records", "export", "--decision", str(final.id), "--out", str(out)])
    assert result.exit_code != 0
    assert "Nothing was written: Not enough disk space to write record.pdf" in result.output
    assert sorted(out.parent.iterdir()) == []
    assert _actions("record.exported") == []
