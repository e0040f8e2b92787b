"""Check 5, workflow order, under every interleaving Hypothesis finds (security-test-plan.md §6; v5 2.3.1/2.3.5): a
RuleBasedStateMachine drives one proposal through the operations people can attempt in any order: submit, edit,
triage, assign a reviewer (the principal investigator included: they sit on the committee), save or submit a review,
complete the review, decide, sign (the same person twice, the PI, another member), withdraw, declare a conflict.

After every step: the state is a ProposalState; the audit chain verifies; a final decision carries as many distinct
signers as it needs (two for a dual-use determination), none of them the PI; and each step the lifecycle forbids was
refused. A refused step must leave nothing to write: the session is flushed after the refusal and every table must
hash as before, audit events included (the views roll back too, but an operation checks before it writes).

The operations run in one transaction per example that is rolled back at the end, so each example starts from the
same committed world and the tables stay small. The pages themselves are tested in test_workflow_order.py."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from itertools import count

import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, rule, run_state_machine_as_test
from werkzeug.datastructures import MultiDict

from portal.audit.verify import verify_chain
from portal.auth.models import User
from portal.auth.roles import Role
from portal.backup.manifest import table_digest
from portal.committees.kinds import MemberRole
from portal.committees.models import Committee
from portal.committees.operations import add_member
from portal.conflicts.operations import declare_conflict
from portal.decisions.forms import decision_draft
from portal.decisions.models import Decision
from portal.decisions.operations import make_decision, sign_decision
from portal.decisions.queries import pending_decision, set_facts
from portal.demo.answers import demo_answers
from portal.errors import PortalError
from portal.extensions import db
from portal.proposals import operations as proposal_ops
from portal.proposals.models import Proposal
from portal.proposals.states import EDIT_STEPS, OPEN_STATES, ProposalState
from portal.reviews.models import ACTIVE, SUBMITTED, Assignment
from portal.reviews.operations import assign_reviewer, complete_review, save_review
from portal.routing.operations import triage_proposal
from portal.screenings.queries import active_sets_for
from tests.decisions.conftest import decision_form, make_decision_world
from tests.factories import PASSWORD
from tests.reviews.conftest import complete_values, items_of
from tests.routing.test_triage import REFERRED

S = ProposalState
# Measured on the 2-core machine: see the commit. make test runs the quick variant; `make slow` the plan's 200.
QUICK_EXAMPLES, PLAN_EXAMPLES, STEPS = 50, 200, 12
# Where an example starts: each stage is reached along the lifecycle's one legal path (the rules themselves, which
# check every step), so that out-of-order attempts are tried at every stage, not only near a draft.
STAGES = ("draft", "screened", "in_review", "assigned", "reviewed", "awaiting_decision", "awaiting_signatures",
          "signed_once")


@dataclass
class Cast:
    """The committed world every example starts from: one committee, the people who act on its proposals."""

    committee: Committee
    chair: User
    member: User
    reviewer: User
    coordinator: User
    pi: User  # an investigator who also sits on the committee, so self-review and self-signing can be attempted


def _cast(factory) -> Cast:  # noqa: ANN001
    w = make_decision_world(factory)
    pi = factory.user(Role.INVESTIGATOR, Role.REVIEWER, institution=w.institution, name="Ivy Investigator")
    add_member(w.ire, pi, role=MemberRole.MEMBER, expertise="virology", actor=None)
    db.session.commit()
    return Cast(w.ire, w.chair, w.member, w.reviewer, w.coordinator, pi)  # type: ignore[attr-defined]


def _tables() -> dict[str, dict]:
    """Every table's rows and hash as this transaction sees them (flushed, not committed)."""
    connection = db.session.connection()
    return {name: table_digest(connection, table) for name, table in db.metadata.tables.items()}


class ProposalLifecycle(RuleBasedStateMachine):
    people = ("chair", "member", "reviewer", "pi")
    titles = count(1)

    def __init__(self, cast: Cast, factory) -> None:  # noqa: ANN001
        super().__init__()
        self.cast = cast
        pi = cast.pi
        self.proposal: Proposal = factory.proposal(pi, title=f"Lifecycle drill {next(self.titles)}")  # committed
        proposal_ops.record_screening_answers(self.proposal, demo_answers(active_sets_for(pi.institution_id),
                                                                          REFERRED), actor=pi)
        db.session.flush()

    def teardown(self) -> None:
        db.session.rollback()  # the example's transaction: the next one starts from the committed world

    # -- helpers ---------------------------------------------------------------------------------------------------
    def _person(self, name: str) -> User:
        return getattr(self.cast, name)

    @property
    def state(self) -> ProposalState:
        return self.proposal.state_enum

    def _attempt(self, step: Callable[[], object]) -> bool:
        """Run one operation; True when it was done. A refusal says why and leaves nothing to write."""
        before = _tables()
        try:
            step()
        except PortalError as refusal:
            assert str(refusal).strip(), "a refusal without a message"
            db.session.flush()
            assert _tables() == before, f"the refused step ({refusal}) left changes to write"
            return False
        db.session.flush()
        return True

    def _assignment(self, person: User) -> Assignment | None:
        latest = self.proposal.versions[-1].id if self.proposal.versions else None
        return next((a for a in self.proposal.review_assignments
                     if a.reviewer_id == person.id and a.version_id == latest and a.state == ACTIVE), None)

    def _declared(self, person: User) -> bool:
        return any(d.user_id == person.id for d in self.proposal.conflict_declarations)

    @initialize(stage=st.sampled_from(STAGES))
    def start_at(self, stage: str) -> None:
        path = [self.submit, self.triage, lambda: self.assign("reviewer"), lambda: self.review("reviewer", True),
                self.complete, self.decide, lambda: self.sign("chair")]
        for step in path[:STAGES.index(stage)]:
            step()
        reached = {"assigned": "in_review", "reviewed": "in_review", "awaiting_signatures": "awaiting_decision",
                   "signed_once": "awaiting_decision"}.get(stage, stage)
        assert self.state == reached, f"the legal path to {stage} ended {self.state}"

    # -- rules -----------------------------------------------------------------------------------------------------
    @rule()
    def submit(self) -> None:
        was, pi = self.state, self.cast.pi
        done = self._attempt(lambda: proposal_ops.submit_proposal(
            self.proposal, actor=pi, password=PASSWORD, printed_name=pi.name, attested=True,
            criteria_sets=active_sets_for(pi.institution_id)))
        assert not done or was in EDIT_STEPS, f"submitted while {was}"

    @rule()
    def edit(self) -> None:
        was = self.state
        done = self._attempt(lambda: proposal_ops.update_proposal(
            self.proposal, {"title": f"Lifecycle drill, edited {next(self.titles)}"}, actor=self.cast.pi))
        assert done == (was in EDIT_STEPS), f"edit while {was}: {'done' if done else 'refused'}"

    @rule()
    def triage(self) -> None:
        was, committee = self.state, self.cast.committee
        done = self._attempt(lambda: triage_proposal(self.proposal, [committee], proposed=[committee], reason="",
                                                     actor=self.cast.coordinator))
        assert not done or was is S.SCREENED, f"triaged while {was}"

    @rule(who=st.sampled_from(people))
    def assign(self, who: str) -> None:
        person = self._person(who)
        done = self._attempt(lambda: assign_reviewer(self.proposal, self.cast.committee, person, due_on=None,
                                                     actor=self.cast.coordinator))
        assert not done or (person is not self.cast.pi and not self._declared(person)), f"{who} was assigned"

    @rule(who=st.sampled_from(people), submit=st.booleans())
    def review(self, who: str, submit: bool) -> None:
        person, was = self._person(who), self.state
        assignment = self._assignment(person)
        if assignment is None:
            return
        review = assignment.review
        was_submitted = review is not None and review.state == SUBMITTED
        items = items_of(assignment)
        done = self._attempt(lambda: save_review(assignment, items, complete_values(items),
                                                 opened_lock=review.lock_version if review else None,
                                                 submit=submit, actor=person))
        assert not done or (was is S.IN_REVIEW and not was_submitted), f"review saved while {was}"

    @rule()
    def complete(self) -> None:
        was = self.state
        current = [a for a in self.proposal.review_assignments
                   if a.state == ACTIVE and self.proposal.versions and a.version_id == self.proposal.versions[-1].id]
        all_in = bool(current) and all(a.review is not None and a.review.state == SUBMITTED for a in current)
        done = self._attempt(lambda: complete_review(self.proposal, actor=self.cast.coordinator))
        assert done == (was is S.IN_REVIEW and all_in), f"review completed while {was}, all reviews in: {all_in}"

    @rule()
    def decide(self) -> None:
        was, pending = self.state, pending_decision(self.proposal.id)

        def make() -> None:
            sets = set_facts(self.proposal)
            make_decision(self.proposal, self.cast.committee, sets, decision_draft(MultiDict(decision_form()), sets),
                          actor=self.cast.chair)

        done = self._attempt(make)
        assert done == (was is S.AWAITING_DECISION and pending is None), f"decided while {was}"

    @rule(who=st.sampled_from(("chair", "member", "pi")))
    def sign(self, who: str) -> None:
        decision = pending_decision(self.proposal.id)
        if decision is None:
            return
        person = self._person(who)
        signed_before = any(s.signer_id == person.id for s in decision.signatures)
        done = self._attempt(lambda: sign_decision(decision, password=PASSWORD, printed_name=person.name,
                                                   actor=person))
        assert not done or (not signed_before and person is not self.cast.pi), f"{who} signed"

    @rule()
    def withdraw(self) -> None:
        was = self.state
        done = self._attempt(lambda: proposal_ops.withdraw_proposal(self.proposal, reason="Funding ended.",
                                                                    actor=self.cast.pi))
        assert done == (was in OPEN_STATES), f"withdraw while {was}: {'done' if done else 'refused'}"

    @rule(who=st.sampled_from(("member", "reviewer")))
    def declare_conflict(self, who: str) -> None:
        person = self._person(who)
        self._attempt(lambda: declare_conflict(self.proposal, person, reason="A close collaborator.", actor=person))

    # -- invariants ------------------------------------------------------------------------------------------------
    @invariant()
    def the_state_is_a_lifecycle_state(self) -> None:
        assert ProposalState(self.proposal.state) in ProposalState

    @invariant()
    def the_chain_verifies(self) -> None:
        assert verify_chain().intact

    @invariant()
    def a_final_decision_has_its_distinct_signers(self) -> None:
        for decision in db.session.scalars(db.select(Decision).where(Decision.proposal_id == self.proposal.id)):
            signers = [s.signer_id for s in decision.signatures]
            assert len(signers) == len(set(signers)), "one person signed twice"
            assert self.cast.pi.id not in signers, "the principal investigator signed their own decision"
            if decision.final:
                assert len(signers) >= decision.required_signatures == 2, "a dual-use determination with one signer"

    @invariant()
    def nobody_reviews_their_own_proposal(self) -> None:
        assert all(a.reviewer_id != self.cast.pi.id for a in self.proposal.review_assignments)


def _run(app, factory, examples: int) -> None:  # noqa: ANN001
    cast = _cast(factory)
    run_state_machine_as_test(
        lambda: ProposalLifecycle(cast, factory),
        settings=settings(max_examples=examples, stateful_step_count=STEPS, deadline=None, derandomize=True,
                          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture]),
    )


def test_no_interleaving_of_operations_breaks_the_workflow_order(app, factory) -> None:
    _run(app, factory, QUICK_EXAMPLES)


@pytest.mark.slow
def test_no_interleaving_of_operations_breaks_the_workflow_order_in_200_examples(app, factory) -> None:
    _run(app, factory, PLAN_EXAMPLES)
