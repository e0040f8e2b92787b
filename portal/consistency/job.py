"""The check's work, run by the job runner in any process: compare the version's text with the criteria its
screening answers denied, and keep what it finds with the matcher, its version and a digest of the indicators.

Its rows and its one audit event (`consistency.checked`) are committed with the job's completion, or not at all
(portal.jobs.runner). It reads the stored screenings and writes only its own tables."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Sequence

from flask import current_app
from sqlalchemy import select

from portal.audit.canonical import canonical_json
from portal.audit.operations import record
from portal.clock import utcnow
from portal.consistency.candidates import denied_criteria
from portal.consistency.matchers import matcher_for
from portal.consistency.matching import Candidate, Finding, find_inconsistencies
from portal.consistency.models import ConsistencyCheck, PossibleInconsistency
from portal.consistency.passages import split_passages
from portal.errors import PortalError
from portal.extensions import db
from portal.jobs.models import Job
from portal.proposals.models import ProposalVersion
from portal.screenings.models import Screening
from portal.screenings.registry import all_sets

TEXT_FIELDS = ("title", "lay_summary", "aims", "methods_summary")


class CheckGone(PortalError):
    """The check's row is not there (a restored backup without it): nothing to do."""


def run_check(job: Job, progress: Callable[[int, str], None]) -> tuple[None, str]:
    check = db.session.get(ConsistencyCheck, job.parameters()["check_id"])
    if check is None:
        raise CheckGone("This consistency check no longer exists; nothing was done.")
    version = db.session.get(ProposalVersion, check.version_id)
    snapshot = json.loads(version.snapshot)
    passages = split_passages({name: snapshot["fields"].get(name) or "" for name in TEXT_FIELDS})
    results = [json.loads(text) for text in db.session.scalars(
        select(Screening.result).where(Screening.version_id == version.id).order_by(Screening.id))]
    candidates = denied_criteria(results, all_sets())
    matcher = matcher_for(current_app.config["CONSISTENCY_MATCHER"])
    findings = find_inconsistencies(passages, candidates, matcher)
    keep_findings(check, findings, candidates, matcher_name=matcher.name, matcher_version=matcher.version)
    return None, "Compared the text with the screening answers."


def indicators_digest(candidates: Sequence[Candidate]) -> str:
    """What was compared: each criterion (set, version, id) with its phrases, in a stable order."""
    content = sorted([c.set_id, c.set_version, c.criterion_id, list(c.indicators)] for c in candidates)
    return hashlib.sha256(canonical_json(content).encode("utf-8")).hexdigest()


def keep_findings(check: ConsistencyCheck, findings: Sequence[Finding], candidates: Sequence[Candidate], *,
                  matcher_name: str, matcher_version: str) -> None:
    check.findings.clear()  # a re-run after an interrupted one starts over (its rows were never committed anyway)
    check.findings.extend(
        PossibleInconsistency(
            set_id=f.candidate.set_id, set_version=f.candidate.set_version, criterion_id=f.candidate.criterion_id,
            criterion_title=f.candidate.title[:300], field=f.passage.field, passage_index=f.passage.index,
            passage=f.passage.text, indicator=f.indicator[:200], similarity=f.similarity,
        )
        for f in findings
    )
    check.matcher, check.matcher_version = matcher_name, matcher_version
    check.indicators_digest = indicators_digest(candidates)
    check.criteria_compared, check.finding_count = len(candidates), len(findings)
    check.checked_at = utcnow()
    db.session.flush()
    # Names no passage: the audit log is read more widely than proposals.
    record("consistency.checked", actor=None, target=check, data={
        "proposal_id": check.proposal_id, "version_id": check.version_id, "matcher": matcher_name,
        "matcher_version": matcher_version, "indicators_digest": check.indicators_digest,
        "criteria_compared": check.criteria_compared, "findings": check.finding_count,
    })
