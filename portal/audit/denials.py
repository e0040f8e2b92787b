"""Refusing an object the user may not see: 404, so its existence is not revealed, and one `access.denied` event,
so the attempt is not hidden from the auditors (security-test-plan.md check 1, v5 8.2.2 and 16.3.2).

Every loader of an object by id calls this once it knows the object exists and is not the user's to see. A missing
object is a plain 404 with no event: there is nothing to protect and nothing to name."""

from __future__ import annotations

from typing import NoReturn

from flask import abort, request
from flask_login import current_user

from portal.audit.operations import Identified, record
from portal.extensions import db


def deny_access(target: Identified) -> NoReturn:
    """Record the refusal (committed now: the 404 ends the request) and answer 404."""
    record("access.denied", actor=current_user, target=target, data={"path": request.path[:200]})
    db.session.commit()
    abort(404)
