"""What the portal notifies people of: each event's template (templates/notifications/<kind>.txt) and whether it is
a regulatory reminder, which nobody can turn off. Pure: no Flask, no database."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Event:
    kind: str
    mandatory: bool = False  # sent at once whatever the person chose: missing it is a compliance failure

    @property
    def template(self) -> str:
        return f"{self.kind}.txt"


EVENTS: dict[str, Event] = {event.kind: event for event in (
    Event("submission_received"),
    Event("triage_done"),
    Event("assigned"),
    Event("review_due"),
    Event("review_overdue"),
    Event("revision_requested"),
    Event("resubmitted"),
    Event("meeting_scheduled"),
    Event("agenda_published"),
    Event("decision_signed"),
    Event("decision_letter"),
    Event("record_available"),
    Event("clock_due", mandatory=True),
    Event("clock_overdue", mandatory=True),
    Event("condition_due", mandatory=True),
    Event("condition_evidence_submitted"),
    Event("condition_verified"),
    Event("condition_evidence_returned"),
    Event("digest"),
)}


def event(kind: str) -> Event:
    """The event; a KeyError names an event nobody wrote a template for, which is a programming error."""
    return EVENTS[kind]
