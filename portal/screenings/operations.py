"""Write path for the criteria sets an institution applies. (Screening a submitted version is a building block
of the submission: portal.screenings.recording.)"""

from __future__ import annotations

from sqlalchemy import select

from portal.audit.operations import Actor, record
from portal.clock import utcnow
from portal.criteria.model import CriteriaSet
from portal.extensions import db
from portal.institutions.models import Institution
from portal.screenings.models import InstitutionCriteriaSet


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
