"""The what-if job's work: rebuild the set it was asked for, re-screen the scope batch by batch with progress, and
keep the summary as a JSON file beside the other job results. Nothing is written to the screenings table."""

from __future__ import annotations

import json
import secrets
from collections.abc import Callable
from pathlib import Path
from typing import Any

from flask import current_app

from portal.criteria.model import CriteriaSet
from portal.errors import PortalError
from portal.extensions import db
from portal.jobs.models import Job
from portal.reports.whatif import Tally
from portal.reports.whatif_queries import Scope, prior_batches
from portal.reports.whatif_source import load_set_text
from portal.screenings.registry import all_sets

CHANGED_SINCE = ("The criteria set {set_id} changed since this what-if was asked for (its digest is no longer "
                 "{digest:.12}…). Nothing was kept; start the what-if again.")


FINISHED = "Re-screening finished; nothing stored was changed."


class WhatIfSetChanged(PortalError):
    """The set cannot be rebuilt exactly as it was when the what-if was asked for."""


def criteria_set_of(params: dict[str, Any]) -> CriteriaSet:
    """The set the job was asked for, rebuilt and checked against the digest the request recorded."""
    if params["source"] == "upload":
        criteria_set, _problems = load_set_text(Path(current_app.config["CRITERIA_DIR"]), params["filename"],
                                                params["text"])
    else:
        criteria_set = all_sets().get(params["set_id"])
    if criteria_set is None or criteria_set.digest != params["digest"]:
        raise WhatIfSetChanged(CHANGED_SINCE.format(set_id=params["set_id"], digest=params["digest"]))
    return criteria_set


def rescreen(criteria_set: CriteriaSet, scope: Scope, progress: Callable[[int], None] | None = None, *,
             end_reads: bool = True) -> dict[str, Any]:
    """Load, screen and summarise: the whole what-if, also run by the CLI and the benchmark."""
    tally = Tally.for_set(criteria_set)
    for batch in prior_batches(scope, criteria_set.id, end_reads=end_reads):
        tally.add(criteria_set, batch)
        if progress is not None:
            progress(tally.screened)
    return {**tally.summary(), "scope": scope.to_dict()}


def keep_summary(job_id: int, params: dict[str, Any], summary: dict[str, Any]) -> str:
    """The summary as a JSON file beside the other job results; returns its (never shown) path."""
    summary = {**summary, "source": {"kind": params["source"], "filename": params["filename"]}}
    folder = Path(current_app.instance_path) / "whatif"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"job-{job_id}-{secrets.token_hex(8)}.json"  # not guessable, and never shown
    path.write_text(json.dumps(summary, sort_keys=True), encoding="utf-8")
    return str(path)


def run_whatif(job: Job, progress: Callable[[int, str], None]) -> tuple[str, str]:
    job_id, params = job.id, job.parameters()
    criteria_set = criteria_set_of(params)
    db.session.commit()  # end the reading transaction: progress ticks write through sessions of their own
    summary = rescreen(criteria_set, Scope.from_dict(params["scope"]),
                       lambda done: progress(done, f"{done} versions re-screened."))
    # The counts are on the result page, where small cells are suppressed for those who must not see them.
    return keep_summary(job_id, params, summary), FINISHED


def read_summary(job: Job) -> dict[str, Any] | None:
    if not job.result_path or not Path(job.result_path).is_file():
        return None
    return json.loads(Path(job.result_path).read_text(encoding="utf-8"))
