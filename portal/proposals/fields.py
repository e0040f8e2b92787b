"""What a proposal holds, described once: labels, limits, choices, what completeness needs. Pure."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class FundingSource(StrEnum):
    FEDERAL = "federal"
    NON_FEDERAL = "non_federal"
    MIXED = "mixed"


class ContainmentLevel(StrEnum):
    BSL1 = "bsl1"
    BSL2 = "bsl2"
    BSL3 = "bsl3"
    BSL4 = "bsl4"
    NOT_APPLICABLE = "not_applicable"


class TeamRole(StrEnum):
    CO_INVESTIGATOR = "co_investigator"
    PREPARER = "preparer"


FUNDING_LABELS = {
    FundingSource.FEDERAL: "Federal (government) funding",
    FundingSource.NON_FEDERAL: "Non-federal funding",
    FundingSource.MIXED: "Mixed federal and non-federal funding",
}
CONTAINMENT_LABELS = {
    ContainmentLevel.BSL1: "Biosafety level 1",
    ContainmentLevel.BSL2: "Biosafety level 2",
    ContainmentLevel.BSL3: "Biosafety level 3",
    ContainmentLevel.BSL4: "Biosafety level 4",
    ContainmentLevel.NOT_APPLICABLE: "Not applicable (no laboratory work)",
}
TEAM_ROLE_LABELS = {TeamRole.CO_INVESTIGATOR: "Co-investigator", TeamRole.PREPARER: "Preparer"}


@dataclass(frozen=True)
class FieldSpec:
    name: str
    label: str
    max_length: int
    required: bool = True
    long: bool = False  # a paragraph rather than a line
    help: str = ""


TITLE_MAX = 300
TEXT_MAX = 20_000

FIELDS: tuple[FieldSpec, ...] = (
    FieldSpec("title", "Title", TITLE_MAX),
    FieldSpec(
        "lay_summary",
        "Lay summary",
        5_000,
        long=True,
        help="A summary a non-specialist member of the committee can follow.",
    ),
    FieldSpec("aims", "Aims", TEXT_MAX, long=True),
    FieldSpec(
        "methods_summary",
        "Methods summary (high level)",
        TEXT_MAX,
        long=True,
        help="Describe the approach at the level of a grant abstract. Do not include protocols.",
    ),
    FieldSpec("funding_source", "Funding source", 20),
    FieldSpec("funding_agency", "Funding agency or sponsor", 200),
    FieldSpec("award_number", "Award or application number", 100, required=False),
    FieldSpec("sites", "Sites where the work takes place", 2_000, long=True),
    FieldSpec("countries", "Countries involved", 1_000),
    FieldSpec("containment_level", "Highest containment level", 20),
)
FIELD_BY_NAME = {spec.name: spec for spec in FIELDS}

CHOICE_LABELS: dict[str, dict[str, str]] = {
    "funding_source": {k.value: v for k, v in FUNDING_LABELS.items()},
    "containment_level": {k.value: v for k, v in CONTAINMENT_LABELS.items()},
}


def display_value(name: str, value: str | None) -> str:
    """The human reading of a stored field value."""
    if value is None or value == "":
        return ""
    return CHOICE_LABELS.get(name, {}).get(value, value)
