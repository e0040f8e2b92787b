"""The write path of consistency checks: a coordinator asks for the latest version to be checked again. One audit
event. (A submission schedules its own check through portal.consistency.scheduling, named in its own event; the
check's run writes `consistency.checked`, portal.consistency.job.)"""

from __future__ import annotations

from portal.audit.operations import record
from portal.auth.models import User
from portal.consistency.models import ConsistencyCheck
from portal.consistency.queries import latest_check
from portal.consistency.scheduling import schedule_check
from portal.errors import PortalError
from portal.i18n.marks import N_
from portal.jobs.models import QUEUED, RUNNING
from portal.proposals.models import Proposal


class CheckRefused(PortalError):
    """The check cannot be asked for now; the message says why."""


def request_check(proposal: Proposal, *, actor: User) -> ConsistencyCheck:
    if not proposal.versions:
        raise CheckRefused(N_("This proposal has no submitted version to check."))
    version = proposal.versions[-1]
    pending = latest_check(version.id)
    if pending is not None and pending.state in (QUEUED, RUNNING):
        raise CheckRefused(N_("A check of version %(number)s is already waiting or running; its result will "
                              "show here when it ends."), number=version.number)
    check = schedule_check(version, requested_by=actor)
    record("consistency.requested", actor=actor, target=check,
           data={"proposal_id": proposal.id, "version": version.number})
    return check
