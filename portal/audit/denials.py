"""Refusing an object the user may not see: 404, so its existence is not revealed, and one `access.denied` event,
so the attempt is not hidden from the auditors (security-test-plan.md check 1, v5 8.2.2 and 16.3.2).

Every loader of an object by id calls this once it knows the object exists and is not the user's to see. A missing
object is a plain 404 with no event: there is nothing to protect and nothing to name."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, NoReturn, TypeVar

from flask import abort, request
from flask_login import current_user

from portal.audit.operations import Identified, record
from portal.extensions import db


def deny_access(target: Identified) -> NoReturn:
    """Record the refusal (committed now: the 404 ends the request) and answer 404."""
    record("access.denied", actor=current_user, target=target, data={"path": request.path[:200]})
    db.session.commit()
    abort(404)


Loaded = TypeVar("Loaded")


def load_or_deny(model: type[Loaded], ident: int, can_view: Callable[[Any, Loaded], bool], user: Any = None) -> Loaded:
    """The row `ident` of `model` if `user` (the current user by default) may see it; else 404, audited when the
    row exists."""
    found = db.session.get(model, ident)
    if found is None:
        abort(404)
    if not can_view(current_user if user is None else user, found):
        deny_access(found)
    return found
