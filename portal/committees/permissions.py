"""Who may manage committees. Pure predicates; deny by default."""
from __future__ import annotations

from typing import TYPE_CHECKING

from portal.auth.roles import Role

if TYPE_CHECKING:
    from portal.auth.models import User
    from portal.committees.models import Committee


def can_manage_committees(user: User | None) -> bool:
    return bool(user and user.is_authenticated and user.is_active and user.has_role(Role.ADMIN, Role.COORDINATOR))


def can_manage_committee(user: User | None, committee: Committee) -> bool:
    return can_manage_committees(user) and user.institution_id == committee.institution_id
