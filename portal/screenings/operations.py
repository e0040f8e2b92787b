"""Write path for screenings and for the sets an institution applies."""

from __future__ import annotations

import json
from collections.abc import Iterable

from sqlalchemy import select

from portal.audit.canonical import canonical_json
from portal.audit.operations import Actor, record
from portal.clock import utcnow
from portal.criteria.engine import screen
from portal.criteria.model import CriteriaSet
from portal.extensions import db
from portal.institutions.models import Institution
from portal.proposals.models import ProposalVersion
from portal.screenings.models import InstitutionCriteriaSet, Screening


def record_screenings(
    version: ProposalVersion, criteria_sets: Iterable[CriteriaSet], *, actor: Actor | None
) -> list[Screening]:
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
        row = Screening(
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
        db.session.add(row)
        record(
            "screening.recorded",
            actor=actor,
            target=row,
            data={
                "proposal_id": version.proposal_id,
                "version": version.number,
                "set_id": result.set_id,
                "set_version": result.set_version,
                "set_digest": result.set_digest,
                "outcome": result.outcome_id,
                "severity": result.severity.label,
                "engine_version": result.engine_version,
            },
        )
        rows.append(row)
    return rows


def set_criteria_set_active(
    institution: Institution, criteria_set: CriteriaSet, active: bool, *, actor: Actor | None
) -> None:
    row = db.session.scalar(
        select(InstitutionCriteriaSet).where(
            InstitutionCriteriaSet.institution_id == institution.id, InstitutionCriteriaSet.set_id == criteria_set.id
        )
    )
    if row is None and not active:
        return  # never applied: nothing to stop
    if row is None:
        row = InstitutionCriteriaSet(institution_id=institution.id, set_id=criteria_set.id)
        db.session.add(row)
    elif row.active == active:
        return
    row.active, row.changed_at = active, utcnow()
    row.changed_by_id = actor.id if actor is not None else None
    record(
        "criteria_set.activated" if active else "criteria_set.deactivated",
        actor=actor,
        target=("institutions", institution.id),
        data={"set_id": criteria_set.id, "version": criteria_set.version, "digest": criteria_set.digest},
    )
