"""Committee kinds and member roles. Pure."""

from __future__ import annotations

from enum import StrEnum

STANDARD_KINDS = {
    "ire": "Institutional review entity (IRE)",
    "ibc": "Institutional biosafety committee (IBC)",
    "ethics": "Science and technology ethics committee",
    "biosafety_office": "Biosafety office",
}


def kind_label(kind: str) -> str:
    return STANDARD_KINDS.get(kind, kind.replace("_", " ").capitalize())


class MemberRole(StrEnum):
    CHAIR = "chair"
    MEMBER = "member"
    ALTERNATE = "alternate"

    @property
    def label(self) -> str:
        return self.value.capitalize()
