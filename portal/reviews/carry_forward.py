"""After a resubmission, the reviewers of the previous version are asked to review the new one.

A building block of the resubmission: it writes no audit event of its own; the resubmission's one event lists
the assignments carried forward (`carried_facts`).
"""

from __future__ import annotations

from portal.clock import utcnow
from portal.conflicts.queries import reasons_for
from portal.extensions import db
from portal.proposals.models import Proposal
from portal.reviews.models import ACTIVE, Assignment
from portal.reviews.rules import default_due_on


def carry_forward_assignments(proposal: Proposal) -> list[Assignment]:
    """Each still-eligible reviewer of the previous version gets the new version, with a new due date; a reviewer
    who is no longer eligible (a conflict, no longer a member, access ended) is left out."""
    new, previous = proposal.versions[-1], proposal.versions[-2]
    today = utcnow().date()
    carried = []
    for old in [a for a in proposal.review_assignments if a.state == ACTIVE and a.version_id == previous.id]:
        member = next((m for m in old.committee.members if m.user_id == old.reviewer_id), None)
        if member is None or not member.active_on(today) or reasons_for(old.reviewer, proposal):
            continue
        assignment = Assignment(
            proposal=proposal,  # keeps a loaded proposal.review_assignments current
            committee_id=old.committee_id,
            reviewer_id=old.reviewer_id,
            version_id=new.id,
            assigned_by_id=old.assigned_by_id,
            due_on=default_due_on(today, old.committee.review_due_days),
            state=ACTIVE,
        )
        db.session.add(assignment)
        carried.append(assignment)
    db.session.flush()
    return carried


def carried_facts(carried: list[Assignment]) -> list[dict[str, object]]:
    return [
        {"assignment_id": a.id, "reviewer_id": a.reviewer_id, "committee_id": a.committee_id,
         "due_on": a.due_on.isoformat()}
        for a in carried
    ]
