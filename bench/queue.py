"""The coordinator's triage queue with 50 proposals: statements and time (performance-anchors.md B10).

Run from the repository root: `make bench` (or `.venv/bin/python -m bench.queue`).

A fresh SQLite database gets the demo world, then the demo's screened proposal is copied until QUEUE proposals
wait for triage, each with its version and its screenings. The subject is GET /triage as the demo coordinator:
the queue's loader (portal.routing.queries.triage_queue) and the page. The anchor is a route of a Blueprint this
module registers (never the portal) that loads the same data with explicit `selectinload` options written here
(proposals, their PIs and versions, then the latest versions' screenings in one statement) and renders it with
the same template, so the ratio is the loader's. The statements are counted with an after_cursor_execute hook:
the queue's loader may run at most 4 whatever the length of the queue (an N+1 would run 50+).

Measured in process through the WSGI app with the Werkzeug test client (bench.pages; no wrk on this machine):
warm, per-request median of 7 rounds of 10 requests, taking turns. Target: at most 1.2x and at most 4 statements.

Output: `BENCH B10_committee_queue ratio=... target<=1.2 statements=N PASS|FAIL`, bench/results.json {"queue": ...}.
"""

from __future__ import annotations

import json
import logging
import sys
import tempfile
from typing import Any

from flask import Blueprint, Flask, render_template

from bench.pages import bench_app, bench_line, median_request_seconds, recorded_statements, signed_in_client
from bench.results import write_results

TARGET = 1.2
STATEMENT_LIMIT = 4
QUEUE = 50
COORDINATOR = "coordinator@northbridge.example"


def fill_queue(app: Flask, size: int) -> None:
    """Copies of the demo's screened proposal (its row, latest version and screenings) until `size` wait."""
    from sqlalchemy import func, insert, select

    from portal.extensions import db
    from portal.proposals.models import Proposal, ProposalVersion
    from portal.proposals.states import ProposalState
    from portal.screenings.models import Screening

    def copy(table: Any, row: Any, **changes: object) -> int:
        values = {c.name: getattr(row, c.name) for c in table.columns if c.name != "id"} | changes
        return db.session.execute(insert(table).values(**values)).inserted_primary_key[0]

    with app.app_context():
        screened = db.session.scalars(select(Proposal).where(Proposal.state == ProposalState.SCREENED.value)).all()
        have = db.session.scalar(select(func.count()).select_from(Proposal)
                                 .where(Proposal.state == ProposalState.SCREENED.value))
        source = screened[0]
        version = source.versions[-1]
        screenings = db.session.scalars(select(Screening).where(Screening.version_id == version.id)).all()
        for n in range(size - have):
            proposal_id = copy(Proposal.__table__, source, title=f"Fictional queued proposal {n + 1}")
            version_id = copy(ProposalVersion.__table__, version, proposal_id=proposal_id)
            for screening in screenings:
                copy(Screening.__table__, screening, proposal_id=proposal_id, version_id=version_id)
        db.session.commit()
        db.session.remove()


def anchor_rows(user: Any) -> list[tuple[Any, list[dict], list]]:
    """The queue's data through explicit selectinload options and one screenings statement."""
    from sqlalchemy import select
    from sqlalchemy.orm import selectinload

    from portal.auth.models import User
    from portal.conflicts.queries import not_conflicted_clause
    from portal.extensions import db
    from portal.proposals.models import Proposal
    from portal.proposals.states import ProposalState
    from portal.routing.queries import institution_committees, proposed_committees
    from portal.screenings.models import Screening
    from portal.screenings.registry import all_sets

    committees = institution_committees(user.institution_id)
    proposals = db.session.scalars(
        select(Proposal)
        .options(selectinload(Proposal.versions), selectinload(Proposal.pi).selectinload(User.role_rows))
        .where(Proposal.institution_id == user.institution_id, Proposal.state == ProposalState.SCREENED.value,
               not_conflicted_clause(user))
        .order_by(Proposal.updated_at)
    ).all()
    latest = {p.versions[-1].id: p for p in proposals if p.versions}
    sets = all_sets()
    results: dict[int, list[dict]] = {}
    for row in db.session.scalars(select(Screening).where(Screening.version_id.in_(latest)).order_by(Screening.id)):
        result = json.loads(row.result)
        criteria_set = sets.get(row.set_id)
        result["set_title"] = criteria_set.title if criteria_set else row.set_id
        result["policy_status"] = criteria_set.policy_status if criteria_set else None
        result.setdefault("routing", [])
        result["recorded_at"] = row.created_at
        results.setdefault(row.version_id, []).append(result)
    rows = []
    for version_id, proposal in latest.items():
        found = results.get(version_id, [])
        rows.append((proposal, found, proposed_committees(found, committees)[0]))
    return rows, committees


def anchor_blueprint() -> Blueprint:
    anchor = Blueprint("bench_queue", __name__)

    @anchor.route("/bench/anchor-triage")
    def page() -> str:
        from flask_login import current_user

        from portal.consistency.queries import latest_checks

        rows, committees = anchor_rows(current_user)
        checks = latest_checks([proposal.versions[-1].id for proposal, _results, _proposed in rows])
        return render_template("routing/queue.html", rows=rows, committees=committees, checks=checks)

    return anchor


def run(folder: str) -> dict[str, Any]:
    from flask_login import login_user

    from portal.auth.models import User
    from portal.demo.content import DEMO_PASSWORD
    from portal.demo.seed import seed_demo
    from portal.extensions import db
    from portal.routing.queries import triage_queue

    app = bench_app(folder)
    app.register_blueprint(anchor_blueprint())
    with app.app_context():
        seed_demo()
        db.session.commit()
        db.session.remove()
    fill_queue(app, QUEUE)
    coordinator = signed_in_client(app, COORDINATOR, DEMO_PASSWORD)
    page = coordinator.get("/triage")
    assert page.status_code == 200 and page.get_data(as_text=True).count("/triage\"") >= QUEUE, page.status_code
    same = coordinator.get("/bench/anchor-triage").get_data(as_text=True) == page.get_data(as_text=True)
    with app.test_request_context():
        user = db.session.scalar(db.select(User).where(User.email == COORDINATOR))
        login_user(user)
        with recorded_statements(app) as statements:
            listed = len(triage_queue(user))
        loader_statements = len([s for s, _p in statements if s.strip().upper() != "BEGIN"])
        db.session.remove()
    with recorded_statements(app) as statements:
        coordinator.get("/triage")
    page_statements = len([s for s, _p in statements if s.strip().upper() != "BEGIN"])

    subject_seconds, anchor_seconds = median_request_seconds(
        lambda: coordinator.get("/triage"), lambda: coordinator.get("/bench/anchor-triage"), requests=10)
    ratio = subject_seconds / anchor_seconds
    return {
        "proposals": listed,
        "subject_ms": round(subject_seconds * 1000, 2),
        "anchor_ms": round(anchor_seconds * 1000, 2),
        "ratio": round(ratio, 2),
        "target": TARGET,
        "statements": loader_statements,
        "statement_limit": STATEMENT_LIMIT,
        "page_statements": page_statements,
        "same_page": same,
        "passed": ratio <= TARGET and loader_statements <= STATEMENT_LIMIT and listed == QUEUE and same,
    }


def main() -> int:
    logging.getLogger("alembic").setLevel(logging.WARNING)
    with tempfile.TemporaryDirectory() as folder:
        figures = run(folder)
    print(bench_line("B10_committee_queue", figures["ratio"], TARGET, figures["passed"],
                     f"statements={figures['statements']} limit={STATEMENT_LIMIT}"))
    print(f"  triage queue of {figures['proposals']} proposals {figures['subject_ms']} ms per request, the same data "
          f"through explicit selectinload {figures['anchor_ms']} ms; the loader ran {figures['statements']} statements,"
          f" the whole page {figures['page_statements']} (sign-in's user and roles included); same HTML: "
          f"{figures['same_page']}")
    write_results("queue", figures)
    return 0 if figures["passed"] else 1


if __name__ == "__main__":
    sys.exit(main())
