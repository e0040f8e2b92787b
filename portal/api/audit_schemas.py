"""The audit chain's status as the API reads it: what the /audit page's status line says."""

from __future__ import annotations

from pydantic import Field

from portal.api.schemas import ApiModel


class AuditStatus(ApiModel):
    intact: bool = Field(description="Every event is where it was, as it was, and as every anchor saw it.")
    events_verified: int = Field(description="Events verified from the first (before the first bad one, if any).")
    first_bad_seq: int | None = Field(description="When broken: the sequence number of the first bad event.")
    reason: str | None = Field(description="When broken: what is wrong there.")
    head_hash: str | None = Field(description="When intact: the hash of the newest event.")
    anchors_checked: int = Field(description="Signed anchors (receipts of the chain's head kept outside the "
                                             "database) checked against the chain.")
    anchored_seq: int | None = Field(description="The newest event a valid anchor vouches for; null before the "
                                                  "first anchor.")
    anchor_problem: str | None = Field(description="Why the anchors could not be checked, if they could not.")
