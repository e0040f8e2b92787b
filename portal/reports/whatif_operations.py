"""The write path of the what-if: asking for a re-screening. One audit event, naming the set by id, version and
digest, and the scope. (The re-screening itself writes nothing but its job's bookkeeping: nothing it computes
replaces a stored screening.)"""

from __future__ import annotations

from typing import Any

from portal.audit.canonical import canonical_json
from portal.audit.operations import record
from portal.auth.models import User
from portal.criteria.model import CriteriaSet
from portal.extensions import db
from portal.jobs.models import QUEUED, Job
from portal.reports.whatif_permissions import WHATIF_KIND
from portal.reports.whatif_queries import Scope


def request_whatif(criteria_set: CriteriaSet, scope: Scope, *, total: int, upload: dict[str, str] | None,
                   actor: User) -> Job:
    """A what-if job over `total` versions. `upload` ({"filename", "text"}) carries an uploaded set's file, so a
    worker on any host can rebuild the same set; a shipped set is found again by its id and checked by digest."""
    named = {"set_id": criteria_set.id, "set_version": criteria_set.version, "digest": criteria_set.digest,
             "source": "upload" if upload else "shipped", "filename": upload["filename"] if upload else None,
             "scope": scope.to_dict()}
    params: dict[str, Any] = {**named, "text": upload["text"] if upload else None}
    job = Job(kind=WHATIF_KIND, owner_id=actor.id, state=QUEUED, total=total, params=canonical_json(params),
              message="Waiting to start.")
    db.session.add(job)
    db.session.flush()
    record("whatif.requested", actor=actor, target=job, data={**named, "total": total})
    return job
