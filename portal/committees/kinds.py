"""Committee kinds and member roles. Pure: labels are English, marked with N_ and translated where shown."""

from __future__ import annotations

from enum import StrEnum

from portal.i18n.marks import N_

STANDARD_KINDS = {
    "ire": N_("Institutional review entity (IRE)"),
    "ibc": N_("Institutional biosafety committee (IBC)"),
    "ethics": N_("Science and technology ethics committee"),
    "biosafety_office": N_("Biosafety office"),
}


def kind_label(kind: str) -> str:
    return STANDARD_KINDS.get(kind, kind.replace("_", " ").capitalize())


class MemberRole(StrEnum):
    CHAIR = "chair"
    MEMBER = "member"
    ALTERNATE = "alternate"

    @property
    def label(self) -> str:
        return MEMBER_ROLE_LABELS[self]


MEMBER_ROLE_LABELS = {
    MemberRole.CHAIR: N_("Chair"),
    MemberRole.MEMBER: N_("Member"),
    MemberRole.ALTERNATE: N_("Alternate"),
}
