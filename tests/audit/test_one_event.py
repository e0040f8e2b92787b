"""Every public function of every operations module writes exactly one audit event (design §3: one write path).

The test finds the functions itself, from the files: a new operation without a scenario fails
`test_every_operation_has_a_scenario`. Each scenario arranges a world in which the operation changes something;
the test then calls the operation by its name and counts the events it appended. Helpers that are building
blocks of a larger operation (the state change, screening, signing, carrying assignments forward) live outside
operations.py and write no event: the operation that uses them names their facts in its one event.
"""

from __future__ import annotations

import importlib
import inspect
import json
from pathlib import Path

import pytest
from sqlalchemy import func, select

from portal.audit.models import AuditEvent
from portal.audit.verify import verify_chain
from portal.extensions import db
from tests.audit.scenarios import load_scenarios

ROOT = Path(__file__).resolve().parents[2]
MODULES = sorted(
    [".".join(path.relative_to(ROOT).with_suffix("").parts) for path in (ROOT / "portal").glob("*/operations.py")]
    + ["portal.decisions.monitoring", "portal.reports.whatif_operations"]
)
NOT_OPERATIONS = {"portal.audit.operations"}  # `record` itself: the one function every operation calls
# Public functions that write nothing, each with the reason it is still where it is.
EXEMPT = {
    f"portal.auth.operations.{name}": "a read-only look-up used by the auth views; portal/auth is being reworked "
    "in parallel, so it moves to an auth queries module with that work, not under it"
    for name in ("normalise_email", "find_user_by_email", "find_open_invitation")
} | {
    f"portal.backup.operations.{name}": "a read-only helper of the backup commands; the backup package is another "
    "engineer's work in progress, to move to its own module there"
    for name in ("manifest_path_for", "file_sha256", "default_backup_path", "database_is_empty", "load_manifest")
} | {
    "portal.backup.operations.restore_backup": "replaces the whole database, so it cannot run inside this "
    "harness's test database; tests/security/test_backup_drill.py checks that it writes its one backup.restored",
}
SCENARIOS = load_scenarios()


def _public_functions() -> list[str]:
    found = []
    for name in MODULES:
        if name in NOT_OPERATIONS:
            continue
        module = importlib.import_module(name)
        found += [
            f"{name}.{attr}"
            for attr, value in vars(module).items()
            if inspect.isfunction(value) and value.__module__ == name and not attr.startswith("_")
        ]
    return sorted(found)


def test_every_operation_has_a_scenario():
    functions = _public_functions()
    assert len(functions) > 60, "the operations modules were not found"
    missing = [f for f in functions if f not in SCENARIOS and f not in EXEMPT]
    assert not missing, f"operations without a scenario in tests/audit/scenarios: {missing}"
    stale = sorted(set(SCENARIOS) - set(functions)) + sorted(set(EXEMPT) - set(functions))
    assert not stale, f"scenarios or exemptions for functions that are not public operations: {stale}"


def _resolve(qualified: str):  # noqa: ANN202
    module, _, name = qualified.rpartition(".")
    return getattr(importlib.import_module(module), name)


def _head() -> int:
    return db.session.scalar(select(func.coalesce(func.max(AuditEvent.seq), 0)))


@pytest.mark.parametrize("qualified", sorted(SCENARIOS))
def test_the_operation_writes_exactly_one_audit_event(app, factory, qualified):
    expected = SCENARIOS[qualified]
    arranged = expected.arrange(factory)
    db.session.commit()
    before = _head()

    _resolve(qualified)(*arranged.args, **arranged.kwargs)
    db.session.commit()

    written = db.session.scalars(select(AuditEvent).where(AuditEvent.seq > before).order_by(AuditEvent.seq)).all()
    assert [e.action for e in written] == [expected.action]
    json.loads(written[0].data)  # canonical JSON, whatever the building blocks contributed
    assert verify_chain().intact


def test_the_last_signature_names_the_signature_and_what_becoming_final_did(app, factory):
    qualified = "portal.decisions.operations.sign_decision"
    arranged = SCENARIOS[qualified].arrange(factory)
    link = _resolve(qualified)(*arranged.args, **arranged.kwargs)
    db.session.commit()
    event = db.session.scalars(select(AuditEvent).order_by(AuditEvent.seq.desc())).first()
    data = json.loads(event.data)
    signature = link.signature
    assert data["signature"] == {"id": signature.id, "meaning": signature.meaning,
                                 "content_sha256": signature.content_sha256, "printed_name": signature.printed_name}
    assert (data["signatures"], data["required_signatures"]) == (2, 2)
    final = data["finalized"]
    assert final["proposal"] == {"from": "awaiting_decision", "to": "active", "through": ["decided"]}
    assert final["clocks"] >= 1 and final["outcome"] == "approved_with_conditions"


def test_the_resubmission_names_its_screenings_and_the_reviewers_carried_forward(app, factory):
    qualified = "portal.revisions.operations.resubmit"
    arranged = SCENARIOS[qualified].arrange(factory)
    version = _resolve(qualified)(*arranged.args, **arranged.kwargs)
    db.session.commit()
    data = json.loads(db.session.scalars(select(AuditEvent).order_by(AuditEvent.seq.desc())).first().data)
    assert (data["from"], data["to"], data["version"]["number"]) == ("revisions_requested", "in_review", 2)
    assert data["version"]["id"] == version.id and data["signature"]["content_sha256"] == version.content_sha256
    assert [s["set_id"] for s in data["screenings"]] == ["usg-durc-pepp-2024"]
    assert len(data["carried_forward"]) == 1 and data["revision_request_id"] is not None
