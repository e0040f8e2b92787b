"""Starting a proposal: the WTForms form with CSRF against plain request.form (performance-anchors.md B3).

Run from the repository root: `make bench` (or `.venv/bin/python -m bench.submit`).

A fresh SQLite database gets the demo world. One round is what a person does to start a proposal: GET the
new-proposal page, then POST its title. The subject is the portal's /proposals/new (NewProposalForm: WTForms
validation, the CSRF token read from the page and checked). The anchor is a route of a Blueprint this module
registers (never the portal), exempt from CSRF: the same page layout with a hand-written <form>, the title read
from request.form and checked by hand. Both are signed in (Flask-Login is not what B3 measures) and both write
through the portal's one write path, portal.proposals.operations.create_proposal (the proposal row and its audit
event), and commit: the inserts are the same work, so the ratio is what WTForms and CSRF cost.

Measured in process through the WSGI app with the Werkzeug test client (bench.pages; no wrk on this machine):
warm, per-round median of 7 rounds of 30 GET+POST pairs, taking turns. Target (B3): at most 1.6x.

Output: `BENCH B3_submit ratio=... target<=1.6 PASS|FAIL` and bench/results.json {"submit": {...}}.
"""

from __future__ import annotations

import itertools
import logging
import sys
import tempfile
from typing import Any

from flask import Blueprint, abort, redirect, render_template, request, url_for

from bench.pages import CSRF_META, bench_app, bench_line, median_request_seconds, signed_in_client
from bench.results import write_results

TARGET = 1.6
PAIRS = 30
INVESTIGATOR = "investigator@northbridge.example"
TITLE_MAX = 300


def anchor_blueprint() -> Blueprint:
    anchor = Blueprint("bench_submit", __name__, template_folder="templates")

    @anchor.route("/bench/proposals/new", methods=["GET", "POST"])
    def create() -> Any:
        from flask_login import current_user, login_required

        from portal.extensions import db
        from portal.proposals import operations as ops
        from portal.proposals import permissions as can

        @login_required
        def view() -> Any:
            if not can.can_create_proposal(current_user):
                abort(403)
            title = request.form.get("title", "").strip()
            error = ""
            if request.method == "POST":
                if not title or len(title) > TITLE_MAX:
                    error = "Give the proposal a title of at most 300 characters."
                else:
                    proposal = ops.create_proposal(title=title, actor=current_user._get_current_object())
                    db.session.commit()
                    return redirect(url_for("proposals.edit", proposal_id=proposal.id))
            return render_template("bench/new_proposal.html", title=title, pi_email="", error=error)

        return view()

    return anchor


def run(folder: str) -> dict[str, Any]:
    from sqlalchemy import func, select

    from portal.demo.content import DEMO_PASSWORD
    from portal.demo.seed import seed_demo
    from portal.extensions import csrf, db
    from portal.proposals.models import Proposal

    app = bench_app(folder)
    blueprint = anchor_blueprint()
    csrf.exempt(blueprint)
    app.register_blueprint(blueprint)
    with app.app_context():
        seed_demo()
        db.session.commit()
        db.session.remove()
    subject_client = signed_in_client(app, INVESTIGATOR, DEMO_PASSWORD)
    anchor_client = signed_in_client(app, INVESTIGATOR, DEMO_PASSWORD)
    numbers = itertools.count(1)

    def subject() -> None:
        page = subject_client.get("/proposals/new")
        token = CSRF_META.search(page.get_data(as_text=True)).group(1)
        form = {"csrf_token": token, "title": f"Fictional draft {next(numbers)}", "pi_email": ""}
        done = subject_client.post("/proposals/new", data=form)
        assert done.status_code == 302, done.status_code

    def anchor() -> None:
        anchor_client.get("/bench/proposals/new")
        done = anchor_client.post("/bench/proposals/new", data={"title": f"Fictional draft {next(numbers)}",
                                                               "pi_email": ""})
        assert done.status_code == 302, done.status_code

    with app.app_context():
        before = db.session.scalar(select(func.count()).select_from(Proposal))
        db.session.remove()
    subject_seconds, anchor_seconds = median_request_seconds(subject, anchor, requests=PAIRS)
    with app.app_context():
        created = db.session.scalar(select(func.count()).select_from(Proposal)) - before
        db.session.remove()
    ratio = subject_seconds / anchor_seconds
    return {"subject_ms": round(subject_seconds * 1000, 2), "anchor_ms": round(anchor_seconds * 1000, 2),
            "ratio": round(ratio, 2), "target": TARGET, "drafts_created": created, "passed": ratio <= TARGET}


def main() -> int:
    logging.getLogger("alembic").setLevel(logging.WARNING)
    with tempfile.TemporaryDirectory() as folder:
        figures = run(folder)
    print(bench_line("B3_submit", figures["ratio"], TARGET, figures["passed"]))
    print(f"  GET+POST new proposal with WTForms and CSRF {figures['subject_ms']} ms, with plain request.form "
          f"{figures['anchor_ms']} ms ({figures['drafts_created']} drafts created, in process)")
    write_results("submit", figures)
    return 0 if figures["passed"] else 1


if __name__ == "__main__":
    sys.exit(main())
