"""The governance report as the API reads it: the page's measures, each cell exactly as the page and its CSV show
it to this reader (small counts suppressed the same way), and the page's filters as an allowlisted query."""

from __future__ import annotations

import re
from datetime import date
from typing import Annotated, Any, Literal

from pydantic import BeforeValidator, Field

from portal.api.schemas import ApiModel
from portal.database import MAX_ID
from portal.decisions.rules import OUTCOME_LABELS

Outcome = Literal[tuple(OUTCOME_LABELS)]  # type: ignore[valid-type]
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def _iso_date(value: Any) -> Any:
    """A day given as text must be YYYY-MM-DD, as the document says (pydantic alone would take Unix seconds)."""
    if isinstance(value, date) or (isinstance(value, str) and _ISO_DATE.fullmatch(value)):
        return value
    raise ValueError("Give a day as YYYY-MM-DD, for example 2026-11-30.")


Day = Annotated[date, BeforeValidator(_iso_date)]

CELL = ("A figure as the page and the CSV show it, as text: a count (`12`); a small count suppressed for a "
        "cross-institution reader, as `<` and the threshold (`<5` with the default threshold of 5); a share (`40%`); "
        "days (`12.5`); or `—` where a share or a duration would give a suppressed count away.")


class ReportRow(ApiModel):
    label: str = Field(description="The row's heading: an institution, a criteria set, an outcome, a clock…")
    values: list[str] = Field(description="One cell per column, in order. " + CELL)


class ReportMeasure(ApiModel):
    key: Literal["submissions", "screenings", "outcomes", "determinations", "time", "concordance", "clocks",
                 "conditions"]
    caption: str = Field(description="What the measure counts, as the page's table caption says.")
    row_heading: str
    columns: list[str] = Field(description="The headings of `values`, in order.")
    rows: list[ReportRow]
    empty: str = Field(description="What the page says when the measure has no row.")


class DiscordantCase(ApiModel):
    proposal_id: int
    title: str
    criteria_set: str
    screen: str = Field(description="The screening's provisional outcome.")
    determination: str = Field(description="The committee's determination under the same set.")


class GovernanceReport(ApiModel):
    institution_ids: list[int] = Field(description="The institutions the report covers.")
    cross_institution: bool = Field(description="Aggregates across several institutions: small counts are "
                                                "suppressed and no case is listed.")
    small_cell_threshold: int = Field(description="Counts below it show as `<threshold` for a cross-institution "
                                                  "reader.")
    filtered: bool = Field(description="Whether any filter is in force.")
    measures: list[ReportMeasure]
    discordant_cases: list[DiscordantCase] | None = Field(
        description="The cases where the screen and the committee disagree, for a reader who may see them (a "
                    "coordinator); null for anyone else.")


class ReportQuery(ApiModel):
    """The report page's filters, by the same names (so a page's query string asks the API for the same report)."""

    since: Day | None = Field(None, description="The period's first day (what each measure counts is dated: a "
                                                 "submission, a screening, a decision becoming final).")
    until: Day | None = Field(None, description="The period's last day.")
    institution: int | None = Field(None, ge=1, le=MAX_ID, description="One of the institutions you read.")
    committee: int | None = Field(None, ge=1, le=MAX_ID, description="One of those institutions' committees.")
    criteria_set: str | None = Field(None, min_length=1, max_length=100, description="A criteria set's id.")
    outcome: Outcome | None = Field(None, description="A decision outcome.")  # type: ignore[valid-type]
    determination: str | None = Field(None, min_length=1, max_length=100,
                                      description="A determination's id (as the criteria sets name it).")
