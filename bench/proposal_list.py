"""The investigator's proposal list against a fortunes-style page in the same app (performance-anchors.md B2).

Run from the repository root: `make bench` (or `.venv/bin/python -m bench.proposal_list`).

A fresh SQLite database gets the demo world; one demo investigator is given proposals until they have ROWS. The
subject is their dashboard, the portal's list of "My proposals" (ORM, Flask-Login, the layout): 50 rows. The
anchor is a TechEmpower-fortunes-style route of a Blueprint this module registers (never the portal): one ORM
select of the same proposals, a sort in Python, one row added at request time, a bare cached template, no login.

Measured in process through the WSGI app with the Werkzeug test client (bench.pages; no wrk on this machine): warm,
per-request median of 7 rounds of 50 requests, taking turns. Target (B2): throughput at least 0.5x the anchor's,
said here as the per-request time ratio, at most 2.0.

Output: `BENCH B2_proposal_list ratio=... target<=2.0 PASS|FAIL` and bench/results.json {"proposal_list": {...}}.
"""

from __future__ import annotations

import logging
import sys
import tempfile
from typing import Any

from flask import Blueprint, Flask, render_template

from bench.pages import bench_app, bench_line, median_request_seconds, signed_in_client
from bench.results import write_results

TARGET = 2.0
ROWS = 50
INVESTIGATOR = "investigator2@northbridge.example"


def give_proposals(app: Flask, email: str, rows: int) -> int:
    """Submitted proposals for `email` until they have `rows`; their user id."""
    from sqlalchemy import func, select

    from portal.auth.models import User
    from portal.clock import utcnow
    from portal.extensions import db
    from portal.proposals.models import Proposal
    from portal.proposals.states import ProposalState

    with app.app_context():
        pi = db.session.scalar(select(User).where(User.email == email))
        have = db.session.scalar(select(func.count()).select_from(Proposal).where(Proposal.pi_id == pi.id))
        for n in range(rows - have):
            db.session.add(Proposal(institution_id=pi.institution_id, pi_id=pi.id, created_by_id=pi.id,
                                    title=f"Fictional listed proposal {n + 1}", state=ProposalState.SUBMITTED.value,
                                    version_count=1, submitted_at=utcnow()))
        db.session.commit()
        pi_id = pi.id
        db.session.remove()
    return pi_id


def anchor_blueprint(pi_id: int) -> Blueprint:
    anchor = Blueprint("bench_fortunes", __name__, template_folder="templates")

    @anchor.route("/bench/fortunes")
    def page() -> str:
        from types import SimpleNamespace

        from sqlalchemy import select

        from portal.clock import utcnow
        from portal.extensions import db
        from portal.proposals.models import Proposal

        proposals: list[Any] = list(db.session.scalars(select(Proposal).where(Proposal.pi_id == pi_id)))
        proposals.append(SimpleNamespace(id=0, title="Added at request time", state="draft", updated_at=utcnow()))
        proposals.sort(key=lambda p: p.title)
        return render_template("bench/fortunes.html", proposals=proposals)

    return anchor


def run(folder: str) -> dict[str, Any]:
    from portal.demo.content import DEMO_PASSWORD
    from portal.demo.seed import seed_demo
    from portal.extensions import db

    app = bench_app(folder)
    with app.app_context():
        seed_demo()
        db.session.commit()
        db.session.remove()
    pi_id = give_proposals(app, INVESTIGATOR, ROWS)
    app.register_blueprint(anchor_blueprint(pi_id))
    investigator = signed_in_client(app, INVESTIGATOR, DEMO_PASSWORD)
    visitor = app.test_client()
    page = investigator.get("/dashboard").get_data(as_text=True)
    listed = page.count('<a href="/proposals/')
    fortunes = visitor.get("/bench/fortunes").get_data(as_text=True).count("<tr><td>")
    subject_seconds, anchor_seconds = median_request_seconds(
        lambda: investigator.get("/dashboard"), lambda: visitor.get("/bench/fortunes"))
    ratio = subject_seconds / anchor_seconds
    return {"rows": listed, "anchor_rows": fortunes, "subject_ms": round(subject_seconds * 1000, 2),
            "anchor_ms": round(anchor_seconds * 1000, 2), "ratio": round(ratio, 2), "target": TARGET,
            "passed": ratio <= TARGET and listed >= ROWS and fortunes == ROWS + 1}


def main() -> int:
    logging.getLogger("alembic").setLevel(logging.WARNING)
    with tempfile.TemporaryDirectory() as folder:
        figures = run(folder)
    print(bench_line("B2_proposal_list", figures["ratio"], TARGET, figures["passed"]))
    print(f"  {figures['rows']} proposal links on the investigator's dashboard {figures['subject_ms']} ms a request,"
          f" fortunes-style page ({figures['anchor_rows']} rows) {figures['anchor_ms']} ms (in process)")
    write_results("proposal_list", figures)
    return 0 if figures["passed"] else 1


if __name__ == "__main__":
    sys.exit(main())
