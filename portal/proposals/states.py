"""The proposal lifecycle (design §2) as one strict transition table. Pure: no Flask, no database.

Later issues drive the later states (screening, triage, review, decision, monitoring); the table is
complete now so that every state and step already has a name, a check constraint and a message.
"""

from __future__ import annotations

from enum import StrEnum

from portal.i18n.marks import N_, Label, Labels, Refusal


class ProposalState(StrEnum):
    DRAFT = "draft"
    SUBMITTED = "submitted"  # a signed version exists; screening has not finished
    SCREENED = "screened"
    IN_REVIEW = "in_review"
    REVISIONS_REQUESTED = "revisions_requested"
    AWAITING_DECISION = "awaiting_decision"
    DECIDED = "decided"
    ACTIVE = "active"  # approved work under monitoring
    CLOSED = "closed"
    WITHDRAWN = "withdrawn"

    @property
    def label(self) -> str:
        return STATE_LABELS[self]


class Step(StrEnum):
    SUBMIT = "submit"
    AMEND = "amend"
    SCREEN = "screen"
    TRIAGE = "triage"
    CONFIRM_OUT_OF_SCOPE = "confirm_out_of_scope"
    REQUEST_REVISIONS = "request_revisions"
    RESUBMIT = "resubmit"
    COMPLETE_REVIEW = "complete_review"
    DECIDE = "decide"
    ACTIVATE = "activate"
    CLOSE = "close"
    WITHDRAW = "withdraw"


S = ProposalState

TRANSITIONS: dict[tuple[ProposalState, Step], ProposalState] = {
    (S.DRAFT, Step.SUBMIT): S.SUBMITTED,
    # An amendment before review starts, or to approved work under monitoring, is screened again.
    (S.SUBMITTED, Step.AMEND): S.SUBMITTED,
    (S.SCREENED, Step.AMEND): S.SUBMITTED,
    (S.ACTIVE, Step.AMEND): S.SUBMITTED,
    (S.SUBMITTED, Step.SCREEN): S.SCREENED,
    (S.SCREENED, Step.TRIAGE): S.IN_REVIEW,
    (S.SCREENED, Step.CONFIRM_OUT_OF_SCOPE): S.AWAITING_DECISION,
    (S.IN_REVIEW, Step.REQUEST_REVISIONS): S.REVISIONS_REQUESTED,
    (S.AWAITING_DECISION, Step.REQUEST_REVISIONS): S.REVISIONS_REQUESTED,
    (S.REVISIONS_REQUESTED, Step.RESUBMIT): S.IN_REVIEW,
    (S.IN_REVIEW, Step.COMPLETE_REVIEW): S.AWAITING_DECISION,
    (S.AWAITING_DECISION, Step.DECIDE): S.DECIDED,
    (S.DECIDED, Step.ACTIVATE): S.ACTIVE,
    (S.DECIDED, Step.CLOSE): S.CLOSED,
    (S.ACTIVE, Step.CLOSE): S.CLOSED,
    **{
        (state, Step.WITHDRAW): S.WITHDRAWN
        for state in (S.DRAFT, S.SUBMITTED, S.SCREENED, S.IN_REVIEW, S.REVISIONS_REQUESTED, S.AWAITING_DECISION)
    },
}

# States in which the working copy may be edited, and the step that turns the edit into a version.
EDIT_STEPS: dict[ProposalState, Step] = {
    S.DRAFT: Step.SUBMIT,
    S.SUBMITTED: Step.AMEND,
    S.SCREENED: Step.AMEND,
    S.ACTIVE: Step.AMEND,
    S.REVISIONS_REQUESTED: Step.RESUBMIT,
}
OPEN_STATES = frozenset(state for (state, step) in TRANSITIONS if step is Step.WITHDRAW)

STATE_LABELS = {
    S.DRAFT: N_("Draft"),
    S.SUBMITTED: N_("Submitted"),
    S.SCREENED: N_("Screened"),
    S.IN_REVIEW: N_("In review"),
    S.REVISIONS_REQUESTED: N_("Revisions requested"),
    S.AWAITING_DECISION: N_("Awaiting decision"),
    S.DECIDED: N_("Decided"),
    S.ACTIVE: N_("Active (monitored)"),
    S.CLOSED: N_("Closed"),
    S.WITHDRAWN: N_("Withdrawn"),
}

STEP_LABELS = {
    Step.SUBMIT: "submit",
    Step.AMEND: "amend",
    Step.SCREEN: "screen",
    Step.TRIAGE: "triage",
    Step.CONFIRM_OUT_OF_SCOPE: "confirm as out of scope",
    Step.REQUEST_REVISIONS: "request revisions",
    Step.RESUBMIT: "resubmit",
    Step.COMPLETE_REVIEW: "complete the review",
    Step.DECIDE: "decide",
    Step.ACTIVATE: "activate",
    Step.CLOSE: "close",
    Step.WITHDRAW: "withdraw",
}

# What the investigator should expect next, shown on "My proposals". Labels and next steps are English here (N_ marks
# them for the catalogue) and translated where shown, with the `translated` template filter.
NEXT_STEP = {
    S.DRAFT: N_("Complete the proposal, then sign and submit it."),
    S.SUBMITTED: N_("Waiting for the automatic screening."),
    S.SCREENED: N_("Waiting for the review coordinator's triage."),
    S.IN_REVIEW: N_("The committee is reviewing this version."),
    S.REVISIONS_REQUESTED: N_("Answer the committee's requests and resubmit."),
    S.AWAITING_DECISION: N_("Waiting for the committee's decision."),
    S.DECIDED: N_("Read the decision record."),
    S.ACTIVE: N_("Keep to the risk mitigation plan; report progress when due."),
    S.CLOSED: N_("Nothing further to do."),
    S.WITHDRAWN: N_("Nothing further to do."),
}


class TransitionRefused(Refusal, ValueError):
    """The step is not allowed from this state; str() is a message for people (translated(): in their language)."""


def next_state(current: ProposalState, step: Step) -> ProposalState:
    try:
        return TRANSITIONS[(current, step)]
    except KeyError:
        allowed = sorted(STEP_LABELS[s] for (state, s) in TRANSITIONS if state is current)
        state, asked = Label(current.label, lower=True), Label(STEP_LABELS[step])
        if allowed:
            raise TransitionRefused(
                N_("A proposal that is %(state)s cannot be asked to %(step)s. From here you can: %(allowed)s."),
                state=state, step=asked, allowed=Labels(Label(label) for label in allowed),
            ) from None
        raise TransitionRefused(
            N_("A proposal that is %(state)s cannot be asked to %(step)s."), state=state, step=asked
        ) from None


def allowed_steps(current: ProposalState) -> frozenset[Step]:
    return frozenset(step for (state, step) in TRANSITIONS if state is current)
