"""Roles a user can hold; a user may hold several. Pure: the labels are English, marked with N_ for the catalogue
and translated where shown (the `translated` template filter)."""

from enum import StrEnum

from portal.i18n.marks import N_


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
    Role.INVESTIGATOR: N_("Investigator"),
    Role.REVIEWER: N_("Committee reviewer"),
    Role.CHAIR: N_("Committee chair"),
    Role.COORDINATOR: N_("Review coordinator"),
    Role.GOVERNANCE: N_("Governance body"),
    Role.ADMIN: N_("Institution administrator"),
}


class AccountStatus(StrEnum):
    PENDING = "pending"  # requested, awaiting identity and affiliation checks
    ACTIVE = "active"
    REFUSED = "refused"
    DISABLED = "disabled"
