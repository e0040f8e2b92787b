"""Who may run a what-if re-screening and read its result. Pure predicates over loaded objects; deny by default.

Coordinators and governance users run it over the institutions their reports cover (reports.permissions
.report_scope); the changed proposals are listed only where that scope lists cases, and then only those the
person may view (the proposals' own access rule). A job's result belongs to the person who started it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from portal.auth.roles import Role
from portal.jobs.permissions import can_view_job

if TYPE_CHECKING:
    from portal.auth.models import User
    from portal.jobs.models import Job

WHATIF_KIND = "whatif"
WHATIF_ROLES = (Role.COORDINATOR, Role.GOVERNANCE)


def can_run_whatif(user: User | None) -> bool:
    return bool(user is not None and getattr(user, "is_authenticated", False) and user.is_active
                and user.has_role(*WHATIF_ROLES))


def can_view_whatif(user: User | None, job: Job) -> bool:
    """Only the owner, and only while they still hold a role that may run one."""
    return job.kind == WHATIF_KIND and can_run_whatif(user) and can_view_job(user, job)
