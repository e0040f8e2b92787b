"""Who may read the audit log in the portal. Pure; deny by default."""

from __future__ import annotations

from typing import TYPE_CHECKING

from portal.auth.roles import Role

if TYPE_CHECKING:
    from portal.auth.models import User


def can_read_audit(user: User | None) -> bool:
    """Institution admins only. The log names people and what each did, down to failed sign-ins and refused
    signatures: governance users and coordinators read reports and registers, which aggregate instead."""
    return user is not None and user.is_authenticated and user.is_active and user.has_role(Role.ADMIN)
