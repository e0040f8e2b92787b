"""What a proposal holds, described once: labels, limits, choices, what completeness needs. Pure: labels and help are
English, marked with N_ for the catalogue and translated where shown (forms, templates, portal/proposals/display.py)."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from portal.i18n.marks import N_


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
    FundingSource.FEDERAL: N_("Federal (government) funding"),
    FundingSource.NON_FEDERAL: N_("Non-federal funding"),
    FundingSource.MIXED: N_("Mixed federal and non-federal funding"),
}
CONTAINMENT_LABELS = {
    ContainmentLevel.BSL1: N_("Biosafety level 1"),
    ContainmentLevel.BSL2: N_("Biosafety level 2"),
    ContainmentLevel.BSL3: N_("Biosafety level 3"),
    ContainmentLevel.BSL4: N_("Biosafety level 4"),
    ContainmentLevel.NOT_APPLICABLE: N_("Not applicable (no laboratory work)"),
}
TEAM_ROLE_LABELS = {TeamRole.CO_INVESTIGATOR: N_("Co-investigator"), TeamRole.PREPARER: N_("Preparer")}


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
    FieldSpec("title", N_("Title"), TITLE_MAX),
    FieldSpec(
        "lay_summary",
        N_("Lay summary"),
        5_000,
        long=True,
        help=N_("A summary a non-specialist member of the committee can follow."),
    ),
    FieldSpec("aims", N_("Aims"), TEXT_MAX, long=True),
    FieldSpec(
        "methods_summary",
        N_("Methods summary (high level)"),
        TEXT_MAX,
        long=True,
        help=N_("Describe the approach at the level of a grant abstract. Do not include protocols."),
    ),
    FieldSpec("funding_source", N_("Funding source"), 20),
    FieldSpec("funding_agency", N_("Funding agency or sponsor"), 200),
    FieldSpec("award_number", N_("Award or application number"), 100, required=False),
    FieldSpec("sites", N_("Sites where the work takes place"), 2_000, long=True),
    FieldSpec("countries", N_("Countries involved"), 1_000),
    FieldSpec("containment_level", N_("Highest containment level"), 20),
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
