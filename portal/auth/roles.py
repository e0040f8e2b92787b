"""Roles a user can hold; a user may hold several. Pure."""

from enum import StrEnum


class Role(StrEnum):
    INVESTIGATOR = "investigator"
    REVIEWER = "reviewer"
    CHAIR = "chair"
    COORDINATOR = "coordinator"
    GOVERNANCE = "governance"
    ADMIN = "admin"

    @property
    def label(self) -> str:
        return ROLE_LABELS[self]


ROLE_LABELS = {
    Role.INVESTIGATOR: "Investigator",
    Role.REVIEWER: "Committee reviewer",
    Role.CHAIR: "Committee chair",
    Role.COORDINATOR: "Review coordinator",
    Role.GOVERNANCE: "Governance body",
    Role.ADMIN: "Institution administrator",
}


class AccountStatus(StrEnum):
    PENDING = "pending"  # requested, awaiting identity and affiliation checks
    ACTIVE = "active"
    REFUSED = "refused"
    DISABLED = "disabled"
