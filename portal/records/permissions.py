"""Who may use the verify page. Pure predicates; deny by default."""

from __future__ import annotations

from typing import TYPE_CHECKING

from portal.auth.roles import Role

if TYPE_CHECKING:
    from portal.auth.models import User

# Those who receive, file or answer for decision records. Investigators and reviewers receive records too,
# but verification is the governance side's check; anyone outside can run `flask records verify`.
VERIFIERS = (Role.GOVERNANCE, Role.COORDINATOR, Role.CHAIR, Role.ADMIN)


def can_verify_records(user: User | None) -> bool:
    return user is not None and user.is_authenticated and user.is_active and user.has_role(*VERIFIERS)
