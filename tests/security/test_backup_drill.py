"""Backup and restore drill (security-test-plan.md §5 and check 29) on the suite's database backend: seed the demo,
back up, keep writing, restore into a fresh database; `flask audit verify` passes on the restored copy and every
table matches the backup-time manifest. SQLite uses the online backup API; PostgreSQL pg_dump -Fc / pg_restore."""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy import func, select

from portal.audit.models import AuditEvent
from portal.backup.manifest import build_manifest
from portal.demo.seed import seed_demo
from portal.extensions import db
from tests.conftest import _make_app
from tests.databases import BACKEND, create_pg_database, drop_pg_database


@pytest.fixture
def fresh_app(tmp_path: Path) -> Iterator[Flask]:
    """An app on a new, empty database (no migrations): where a restore lands after losing the server."""
    if BACKEND == "postgresql":
        name = f"portal_restore_{uuid.uuid4().hex[:10]}"
        url = create_pg_database(name)
    else:
        name, url = "", f"sqlite:///{tmp_path / 'restored.db'}"
    application = _make_app(url, tmp_path / "restored-instance")
    yield application
    with application.app_context():
        db.session.remove()
        db.engine.dispose()
    if name:
        drop_pg_database(name)


def _cli(app: Flask, *args: str, **kwargs: object):  # noqa: ANN202
    """Run a command against this app: Flask's CLI reuses whatever app context is pushed (the test's), so push
    this one; and end the test's own transaction, which on SQLite holds the write lock."""
    db.session.commit()
    with app.app_context():
        return app.test_cli_runner().invoke(args=list(args), **kwargs)


def _seeded_backup(app: Flask, tmp_path: Path, *, checkpoint: bool = False) -> tuple[Path, dict]:
    seed_demo()
    db.session.commit()
    if checkpoint:  # the head signed into a file outside the database, as before every backup
        anchored = _cli(app, "audit", "checkpoint")
        assert anchored.exit_code == 0 and "Anchored event" in anchored.output, anchored.output
    backup = tmp_path / ("portal.sqlite3" if BACKEND == "sqlite" else "portal.dump")
    made = _cli(app, "backup", "create", "--out", str(backup))
    assert made.exit_code == 0, made.output
    assert "Backup written to" in made.output
    return backup, json.loads(backup.with_name(backup.name + ".manifest.json").read_text())


def _keep_writing(app: Flask) -> None:
    from portal.auth.models import User
    from portal.proposals.operations import create_proposal

    investigator = db.session.scalar(select(User).where(User.email == "investigator@northbridge.example"))
    for n in range(3):
        create_proposal(title=f"Written after the backup {n}", actor=investigator)
    db.session.commit()


def _anchored_elsewhere(app: Flask, fresh_app: Flask, folder: Path) -> None:
    """Anchors and the signing keys live off the database server: the restored portal is given the same ones."""
    app.config["AUDIT_ANCHOR_DIR"] = fresh_app.config["AUDIT_ANCHOR_DIR"] = str(folder)
    for key in ("RECORDS_PRIVATE_KEY", "RECORDS_PUBLIC_KEY"):
        fresh_app.config[key] = app.config[key]


def test_backup_keep_writing_restore_into_a_fresh_database_verifies(app, tmp_path, fresh_app):
    _anchored_elsewhere(app, fresh_app, tmp_path / "anchors")
    backup, manifest = _seeded_backup(app, tmp_path, checkpoint=True)
    anchored = manifest["audit_head"]["seq"]  # the checkpoint wrote no event: the anchor vouches for the backup's head
    assert manifest["tables"]["proposals"]["rows"] == 13
    assert manifest["audit_head"]["seq"] > 100
    assert oct(backup.stat().st_mode & 0o777) == oct(0o600)
    _keep_writing(app)
    live = db.session.scalar(select(func.count()).select_from(AuditEvent))
    assert live == manifest["audit_head"]["seq"] + 1 + 3  # backup.created, then three proposals
    assert db.session.scalar(select(AuditEvent.action).order_by(AuditEvent.seq.desc()).offset(3).limit(1)) == \
        "backup.created"

    restored = _cli(fresh_app, "backup", "restore", str(backup), "--yes")
    assert restored.exit_code == 0, restored.output
    assert "every table matches its manifest" in restored.output
    verified = _cli(fresh_app, "audit", "verify")
    assert verified.exit_code == 0, verified.output
    assert "1 anchors checked" in verified.output and f"vouches for event {anchored} " in verified.output

    with fresh_app.app_context(), db.engine.connect() as connection:
        after = build_manifest(connection)
        events = connection.execute(select(AuditEvent.seq, AuditEvent.action, AuditEvent.hash)
                                    .order_by(AuditEvent.seq)).all()
    assert {k: v for k, v in after["tables"].items() if k != "audit_events"} == \
        {k: v for k, v in manifest["tables"].items() if k != "audit_events"}
    head = manifest["audit_head"]
    assert (events[head["seq"] - 1].seq, events[head["seq"] - 1].hash) == (head["seq"], head["hash"])
    assert [e.action for e in events[head["seq"]:]] == ["backup.restored"]  # nothing written after the backup


def test_a_damaged_backup_is_refused_and_the_target_untouched(app, tmp_path, fresh_app):
    backup, _manifest = _seeded_backup(app, tmp_path)
    data = bytearray(backup.read_bytes())
    data[len(data) // 2] ^= 0xFF
    backup.write_bytes(bytes(data))
    refused = _cli(fresh_app, "backup", "restore", str(backup), "--yes")
    assert refused.exit_code == 1
    assert "does not match the hash in its manifest" in refused.output
    with fresh_app.app_context(), db.engine.connect() as connection:
        assert build_manifest(connection)["tables"] == {}


def test_restoring_over_a_database_with_data_asks_first(app, tmp_path):
    backup, _manifest = _seeded_backup(app, tmp_path)
    declined = _cli(app, "backup", "restore", str(backup), input="n\n")
    assert declined.exit_code == 1
    assert "Replace everything" in declined.output
    again = _cli(app, "backup", "create", "--out", str(backup))
    assert again.exit_code == 1
    assert "exists already" in again.output


def test_the_default_backup_goes_to_the_instance_folder(app):
    made = _cli(app, "backup", "create")
    assert made.exit_code == 0, made.output
    written = sorted((Path(app.instance_path) / "backups").iterdir())
    assert sorted(p.suffix for p in written) == sorted([".json", ".sqlite3" if BACKEND == "sqlite" else ".dump"])
