"""The committee dashboard against a bare page running the same SQL (performance-anchors.md B1).

Run from the repository root: `make bench` (or `.venv/bin/python -m bench.dashboard`).

A fresh SQLite database gets the demo world (portal.demo.seed) enlarged with EXTRA_PROPOSALS submitted proposals,
so that the dashboard's list of submitted proposals is full (it shows at most 50). The subject is /dashboard as
the demo's committee chair (chair and reviewer: submitted proposals, portfolio counts, review assignments,
upcoming meetings), signed in through Flask-Login. The anchor is a route of a Blueprint this module registers
(never the portal): no login, the very SQL statements the dashboard ran, captured once with an
after_cursor_execute hook and replayed with their parameters on a Core connection, every row rendered by a bare
cached template. The difference is the framework around the data: the session and Flask-Login, the ORM building
and loading the statements, the page's layout, translations and links.

There is no wrk on this machine, so both are measured in process through the WSGI app with the Werkzeug test
client (bench.pages): warm, per-request median of 7 rounds of 50 requests, taking turns. Target (B1): the
dashboard's median request at most 1.5x the anchor's.

Output: `BENCH B1_committee_dashboard ratio=... target<=1.5 statements=N PASS|FAIL` and bench/results.json
{"dashboard": {...}}. Exit status 1 on FAIL.
"""

from __future__ import annotations

import logging
import sys
import tempfile
from typing import Any

from flask import Blueprint, Flask, render_template

from bench.pages import bench_app, bench_line, median_request_seconds, recorded_statements, signed_in_client
from bench.results import write_results

TARGET = 1.5
EXTRA_PROPOSALS = 60
CHAIR = "chair@northbridge.example"


def enlarge_demo(app: Flask, count: int) -> None:
    """`count` more submitted proposals from the demo's investigators, so that the dashboard lists are full."""
    from sqlalchemy import select

    from portal.auth.models import User
    from portal.extensions import db
    from portal.proposals.models import Proposal
    from portal.proposals.states import ProposalState

    with app.app_context():
        investigators = list(db.session.scalars(select(User).where(User.email.like("investigator%"))))
        template = db.session.scalars(select(Proposal).where(Proposal.state != ProposalState.DRAFT.value)).first()
        for n in range(count):
            pi = investigators[n % len(investigators)]
            db.session.add(Proposal(
                institution_id=pi.institution_id, pi_id=pi.id, created_by_id=pi.id,
                title=f"Fictional enlarged proposal {n + 1}", state=ProposalState.SUBMITTED.value,
                version_count=1, submitted_at=template.submitted_at,
            ))
        db.session.commit()
        db.session.remove()


def anchor_blueprint(replay: list[tuple[str, Any]]) -> Blueprint:
    """GET /bench/anchor-dashboard: the captured statements on a Core connection, every row in a bare template."""
    anchor = Blueprint("bench_dashboard", __name__, template_folder="templates")

    @anchor.route("/bench/anchor-dashboard")
    def page() -> str:
        from portal.extensions import db

        with db.engine.connect() as connection:
            tables = [connection.exec_driver_sql(statement, parameters).all() for statement, parameters in replay]
        return render_template("bench/rows.html", title="Dashboard", tables=tables)

    return anchor


def run(folder: str) -> dict[str, Any]:
    from portal.demo.content import DEMO_PASSWORD
    from portal.demo.seed import seed_demo
    from portal.extensions import db

    app = bench_app(folder)
    replay: list[tuple[str, Any]] = []
    app.register_blueprint(anchor_blueprint(replay))
    with app.app_context():
        seed_demo()
        db.session.commit()
        db.session.remove()
    enlarge_demo(app, EXTRA_PROPOSALS)
    chair = signed_in_client(app, CHAIR, DEMO_PASSWORD)
    visitor = app.test_client()
    chair.get("/dashboard")
    with recorded_statements(app) as statements:
        page = chair.get("/dashboard")
    assert page.status_code == 200, page.status_code
    # BEGIN is the connection's own doing (portal.database); the anchor's connection issues its own.
    replay.extend((s, p) for s, p in statements if s.strip().upper() != "BEGIN")
    anchor_page = visitor.get("/bench/anchor-dashboard")
    assert anchor_page.status_code == 200, anchor_page.status_code
    rows = sum(len(r) for r in _replayed_rows(app, replay))

    subject_seconds, anchor_seconds = median_request_seconds(
        lambda: chair.get("/dashboard"), lambda: visitor.get("/bench/anchor-dashboard")
    )
    ratio = subject_seconds / anchor_seconds
    return {
        "subject_ms": round(subject_seconds * 1000, 2),
        "anchor_ms": round(anchor_seconds * 1000, 2),
        "ratio": round(ratio, 2),
        "target": TARGET,
        "statements": len(replay),
        "rows": rows,
        "passed": ratio <= TARGET,
    }


def _replayed_rows(app: Flask, replay: list[tuple[str, Any]]) -> list[list]:
    from portal.extensions import db

    with app.app_context(), db.engine.connect() as connection:
        return [connection.exec_driver_sql(statement, parameters).all() for statement, parameters in replay]


def main() -> int:
    logging.getLogger("alembic").setLevel(logging.WARNING)
    with tempfile.TemporaryDirectory() as folder:
        figures = run(folder)
    print(bench_line("B1_committee_dashboard", figures["ratio"], TARGET, figures["passed"],
                     f"statements={figures['statements']}"))
    print(f"  chair's dashboard {figures['subject_ms']} ms per request, the same {figures['statements']} statements "
          f"({figures['rows']} rows) in a bare page {figures['anchor_ms']} ms (in process, Werkzeug test client)")
    write_results("dashboard", figures)
    return 0 if figures["passed"] else 1


if __name__ == "__main__":
    sys.exit(main())
