"""Who may administer accounts. Pure predicates; deny by default."""

from __future__ import annotations

from typing import TYPE_CHECKING

from portal.auth.roles import Role

if TYPE_CHECKING:
    from portal.auth.models import User
    from portal.auth.token_models import ApiToken


def can_administer_accounts(user: User | None) -> bool:
    return user is not None and user.is_authenticated and user.is_active and user.has_role(Role.ADMIN)


def can_administer_user(admin: User | None, user: User) -> bool:
    """Admins act on accounts of their own institution only."""
    return can_administer_accounts(admin) and admin.institution_id == user.institution_id


def can_manage_token(user: User | None, token: ApiToken) -> bool:
    """A personal API token is its owner's alone: to see in a list and to revoke."""
    return user is not None and user.is_authenticated and user.is_active and token.user_id == user.id
