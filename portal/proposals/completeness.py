"""What is still missing before a proposal can be submitted. Pure: works on a snapshot dict."""

from __future__ import annotations

from typing import Any

from portal.proposals.fields import FIELDS


def missing_items(snapshot: dict[str, Any]) -> list[str]:
    """Plain-language list of what must be added; empty when the proposal is complete."""
    missing = [
        f"{spec.label} is empty."
        for spec in FIELDS
        if spec.required and not str(snapshot["fields"].get(spec.name) or "").strip()
    ]
    if not snapshot["attachments"]:
        missing.append("Attach at least one PDF document (for example the research plan).")
    return missing
