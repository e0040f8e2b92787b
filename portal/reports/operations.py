"""The write path of reports: setting a governance user's scope of institutions. One audit event each."""

from __future__ import annotations

from collections.abc import Sequence

from portal.audit.operations import record
from portal.auth.models import User
from portal.auth.roles import Role
from portal.errors import PortalError
from portal.extensions import db
from portal.i18n.marks import N_
from portal.institutions.models import Institution
from portal.reports.models import GovernanceScope


class ScopeError(PortalError):
    """The scope cannot be given to this person."""


def set_governance_scope(user: User, institutions: Sequence[Institution], *, actor: User | None) -> None:
    """Replace the user's scope with these institutions; an empty list makes them a one-institution reader again.

    One event, `governance.scope_set`, naming the institutions before and after."""
    if not user.has_role(Role.GOVERNANCE):
        raise ScopeError(N_("%(name)s is not a governance user; only governance users read reports across "
                            "institutions."), name=user.name)
    before = sorted(scope.institution_id for scope in user.governance_scopes)
    after = sorted({institution.id for institution in institutions})
    # Keep the rows that stay (their created_at says since when), drop the others, add the new ones.
    for scope in [s for s in user.governance_scopes if s.institution_id not in after]:
        user.governance_scopes.remove(scope)
    user.governance_scopes.extend(GovernanceScope(institution_id=i, created_by_id=actor.id if actor else None)
                                  for i in after if i not in before)
    db.session.flush()
    record("governance.scope_set", actor=actor, target=user, data={"from": before, "to": after})
