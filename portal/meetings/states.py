"""The meeting lifecycle and the minutes lifecycle, each as one strict transition table. Pure: the state labels are
English, marked with N_ and translated where shown."""

from __future__ import annotations

from enum import StrEnum

from portal.i18n.marks import N_, Refusal


class MeetingState(StrEnum):
    SCHEDULED = "scheduled"
    IN_SESSION = "in_session"
    ENDED = "ended"

    @property
    def label(self) -> str:
        return MEETING_LABELS[self]


class MeetingStep(StrEnum):
    START = "start"
    END = "end"


class MinutesState(StrEnum):
    NONE = "none"  # not generated yet
    DRAFT = "draft"  # generated from the facts; the chair may edit them
    APPROVED = "approved"  # approved at a later meeting; never changed again

    @property
    def label(self) -> str:
        return MINUTES_LABELS[self]


class MinutesStep(StrEnum):
    GENERATE = "generate"
    APPROVE = "approve"


MEETING_TRANSITIONS: dict[tuple[MeetingState, MeetingStep], MeetingState] = {
    (MeetingState.SCHEDULED, MeetingStep.START): MeetingState.IN_SESSION,
    (MeetingState.IN_SESSION, MeetingStep.END): MeetingState.ENDED,
}
MINUTES_TRANSITIONS: dict[tuple[MinutesState, MinutesStep], MinutesState] = {
    (MinutesState.NONE, MinutesStep.GENERATE): MinutesState.DRAFT,
    (MinutesState.DRAFT, MinutesStep.APPROVE): MinutesState.APPROVED,
}

MEETING_LABELS = {
    MeetingState.SCHEDULED: N_("Scheduled"),
    MeetingState.IN_SESSION: N_("In session"),
    MeetingState.ENDED: N_("Ended"),
}
MINUTES_LABELS = {
    MinutesState.NONE: N_("Not generated"),
    MinutesState.DRAFT: N_("Draft"),
    MinutesState.APPROVED: N_("Approved"),
}
# Why a step is refused, by the state it was asked of: messages for people.
MEETING_REFUSALS = {
    (MeetingState.IN_SESSION, MeetingStep.START): N_("The meeting is already in session."),
    (MeetingState.ENDED, MeetingStep.START): N_("The meeting has ended; it cannot start again."),
    (MeetingState.SCHEDULED, MeetingStep.END): N_("The meeting has not started yet."),
    (MeetingState.ENDED, MeetingStep.END): N_("The meeting has already ended."),
}
MINUTES_REFUSALS = {
    (MinutesState.DRAFT, MinutesStep.GENERATE): N_("The minutes were already generated; edit them instead."),
    (MinutesState.APPROVED, MinutesStep.GENERATE): N_("The minutes were approved; approved minutes cannot change."),
    (MinutesState.NONE, MinutesStep.APPROVE): N_("The minutes of that meeting have not been generated yet."),
    (MinutesState.APPROVED, MinutesStep.APPROVE): N_("Those minutes were already approved."),
}


class TransitionRefused(Refusal, ValueError):
    """The step is not allowed from this state; str() is a message for people (translated(): in their language)."""


def next_meeting_state(current: MeetingState, step: MeetingStep) -> MeetingState:
    try:
        return MEETING_TRANSITIONS[(current, step)]
    except KeyError:
        raise TransitionRefused(MEETING_REFUSALS[(current, step)]) from None


def next_minutes_state(current: MinutesState, step: MinutesStep) -> MinutesState:
    try:
        return MINUTES_TRANSITIONS[(current, step)]
    except KeyError:
        raise TransitionRefused(MINUTES_REFUSALS[(current, step)]) from None
