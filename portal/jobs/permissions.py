"""A job and its result belong to the person who started it."""

from __future__ import annotations

from typing import TYPE_CHECKING

from portal.jobs.registry import kind_of

if TYPE_CHECKING:
    from portal.auth.models import User
    from portal.jobs.models import Job


def can_view_job(user: User | None, job: Job) -> bool:
    return bool(user is not None and getattr(user, "is_authenticated", False) and user.is_active
                and job.owner_id == user.id and kind_of(job.kind).shown_to_owner)
