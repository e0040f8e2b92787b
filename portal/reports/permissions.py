"""Who reads governance reports, across which institutions, and whether they may see the cases behind a figure.
Pure predicates over loaded objects; deny by default.

A coordinator reads their institution's report and, where a figure counts cases (discordant determinations),
the list of them, as they already see those proposals. A governance user reads their institution's aggregates;
one given a scope of institutions (reports.models.GovernanceScope) reads aggregates across them, with small
cells suppressed, and never reaches a proposal, a decision or a list of either.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from portal.auth.roles import Role

if TYPE_CHECKING:
    from portal.auth.models import User

REPORT_ROLES = (Role.GOVERNANCE, Role.COORDINATOR)


@dataclass(frozen=True)
class ReportScope:
    institution_ids: tuple[int, ...]
    cross_institution: bool  # aggregates only, small cells suppressed
    lists_cases: bool  # may see which proposals a figure counts


def _active(user: User | None) -> bool:
    return user is not None and getattr(user, "is_authenticated", False) and user.is_active


def is_cross_institution(user: User | None) -> bool:
    """A governance user given a scope of institutions: they read aggregates only."""
    return _active(user) and user.has_role(Role.GOVERNANCE) and bool(getattr(user, "governance_scopes", ()))


def can_read_reports(user: User | None) -> bool:
    return _active(user) and user.has_role(*REPORT_ROLES)


def report_scope(user: User) -> ReportScope:
    """The institutions the user's report covers; call only when can_read_reports(user)."""
    if is_cross_institution(user):
        ids = tuple(sorted(scope.institution_id for scope in user.governance_scopes))
        return ReportScope(ids, cross_institution=True, lists_cases=False)
    return ReportScope((user.institution_id,), cross_institution=False, lists_cases=user.has_role(Role.COORDINATOR))


def can_set_governance_scope(user: User | None, target: User) -> bool:
    """An administrator gives a governance user of their own institution a scope."""
    return (_active(user) and user.has_role(Role.ADMIN) and target.has_role(Role.GOVERNANCE)
            and target.institution_id == user.institution_id)
