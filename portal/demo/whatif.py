"""A finished what-if for the demo governance user: what if the institution applied the 2024 US policy only to
federally funded work, as the policy itself binds? An edited copy of the shipped set refers possible Category 1
research only when it is federally funded; the demo's Category 1 referrals would go to the coordinator's check."""

from __future__ import annotations

from pathlib import Path

from flask import current_app

from portal.auth.models import User
from portal.jobs.operations import finish_job, start_job
from portal.reports.whatif_job import FINISHED, keep_summary, rescreen
from portal.reports.whatif_operations import request_whatif
from portal.reports.whatif_queries import Scope, count_versions
from portal.reports.whatif_source import load_set_text

SET_ID = "usg-durc-pepp-2024"
FILENAME = "usg-durc-pepp-2024-federal-funding-only.yaml"
GATE = "    severity: high\n    when: {criterion: c1_judgment}\n"
EDITED_GATE = "    severity: high\n    when: {all: [{criterion: c1_judgment}, {criterion: x_federal}]}\n"


def seed_whatif(governance: User) -> None:
    """Asked, run and finished inside the seed's unit of work (the caller commits)."""
    criteria_dir = Path(current_app.config["CRITERIA_DIR"])
    text = (criteria_dir / f"{SET_ID}.yaml").read_text(encoding="utf-8")
    edited = text.replace(GATE, EDITED_GATE).replace("\nversion: 2\n", "\nversion: 3\n")
    criteria_set, problems = load_set_text(criteria_dir, FILENAME, edited)
    if criteria_set is None:  # the shipped file moved on: stop the seed loudly (tests/test_demo.py runs it)
        raise RuntimeError(f"the demo what-if's edited copy no longer loads: {problems}")
    scope = Scope((governance.institution_id,))
    job = request_whatif(criteria_set, scope, total=count_versions(scope),
                         upload={"filename": FILENAME, "text": edited}, actor=governance)
    start_job(job)
    summary = rescreen(criteria_set, scope, end_reads=False)
    finish_job(job, result_path=keep_summary(job.id, job.parameters(), summary), message=FINISHED)
