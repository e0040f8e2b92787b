"""Screening a submitted version under the institution's sets, stored once and never recomputed.

A building block of the submission: it writes no audit event of its own. The submission's one event lists
each screening's set id, version, digest and outcome (`screening_facts`).
"""

from __future__ import annotations

import json
from collections.abc import Iterable

from portal.audit.canonical import canonical_json
from portal.criteria.engine import screen
from portal.criteria.model import CriteriaSet
from portal.extensions import db
from portal.proposals.models import ProposalVersion
from portal.screenings.models import Screening


def record_screenings(version: ProposalVersion, criteria_sets: Iterable[CriteriaSet]) -> list[Screening]:
    """Screen a submitted version under every given set; each result is stored once, never recomputed."""
    answers = json.loads(version.snapshot)["screening_answers"]
    rows = []
    for criteria_set in criteria_sets:
        result = screen(criteria_set, answers)
        stored = result.to_dict()
        # Routing and clocks as the set said when it screened, so later versions of the set change nothing here.
        stored["routing"] = list(criteria_set.routing.get(result.outcome_id, ()))
        stored["clocks"] = [
            {"kind": c.kind, "title": c.title, "due_days": c.due_days, "owner": c.owner}
            for c in criteria_set.clocks.get(result.outcome_id, ())
        ]
        rows.append(
            Screening(
                proposal_id=version.proposal_id,
                version_id=version.id,
                set_id=result.set_id,
                set_version=result.set_version,
                set_digest=result.set_digest,
                engine_version=result.engine_version,
                outcome_id=result.outcome_id,
                severity=result.severity.label,
                via_unsure=result.outcome_via_unsure,
                score=result.score,
                result=canonical_json(stored),
            )
        )
    db.session.add_all(rows)
    db.session.flush()  # the submission's event names each screening by id
    return rows


def screening_facts(rows: Iterable[Screening]) -> list[dict[str, object]]:
    return [
        {
            "id": row.id,
            "set_id": row.set_id,
            "set_version": row.set_version,
            "set_digest": row.set_digest,
            "outcome": row.outcome_id,
            "severity": row.severity,
            "engine_version": row.engine_version,
        }
        for row in rows
    ]
