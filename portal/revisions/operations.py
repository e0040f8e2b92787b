"""The write path of the revision loop: send a request (after a preview the sender confirmed), answer its items,
resubmit. Each function checks its rule, writes, audits, flushes; the caller commits."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from portal.audit.operations import record
from portal.auth.models import User
from portal.auth.roles import Role
from portal.clock import utcnow
from portal.committees.models import Committee
from portal.criteria.model import CriteriaSet
from portal.errors import PortalError
from portal.extensions import db
from portal.i18n.marks import N_
from portal.notifications import audiences
from portal.notifications.outbox import notify
from portal.proposals.lifecycle import change_state
from portal.proposals.models import Proposal, ProposalVersion
from portal.proposals.permissions import is_on_team
from portal.proposals.states import ProposalState, Step
from portal.proposals.submission import submit
from portal.reviews.carry_forward import carried_facts, carry_forward_assignments
from portal.reviews.models import Review
from portal.revisions.models import RevisionItem, RevisionRequest
from portal.revisions.queries import open_request, round_limit_reached, rounds_sent

MAX_ITEMS = 30
ITEM_LIMIT = 5000


class RevisionError(PortalError):
    """A revision step was refused; the message is for the user."""


@dataclass(frozen=True)
class ItemDraft:
    text: str
    source_review_id: int | None = None


def _clean(items: Sequence[ItemDraft], proposal: Proposal) -> list[ItemDraft]:
    cleaned = [ItemDraft(d.text.strip(), d.source_review_id) for d in items if d.text.strip()]
    if not cleaned:
        raise RevisionError(N_("Write at least one item for the investigator."))
    if len(cleaned) > MAX_ITEMS:
        raise RevisionError(N_("A request can hold at most %(limit)d items."), limit=MAX_ITEMS)
    if any(len(d.text) > ITEM_LIMIT for d in cleaned):
        raise RevisionError(N_("Each item can be at most %(limit)d characters long."), limit=ITEM_LIMIT)
    sources = {d.source_review_id for d in cleaned} - {None}
    for review_id in sources:
        review = db.session.get(Review, review_id)
        if review is None or review.proposal_id != proposal.id:
            raise RevisionError(N_("An item names a review of another proposal."))
    return cleaned


def send_revision_request(
    proposal: Proposal, committee: Committee, items: Sequence[ItemDraft], *, confirmed: bool, actor: User
) -> RevisionRequest:
    """Send what the sender previewed and confirmed; nothing reaches the investigator without that step."""
    if not confirmed:
        raise RevisionError(N_("Confirm that the investigators may read these items before sending them."))
    if _route_id(proposal, committee) is None:
        raise RevisionError(N_("This proposal was not sent to %(committee)s."), committee=committee.name)
    if open_request(proposal.id) is not None:
        raise RevisionError(N_("A revision request is already open; the investigator must answer it first."))
    refusal = round_limit_reached(proposal, committee)
    if refusal:
        raise RevisionError(refusal)
    cleaned = _clean(items, proposal)
    request = RevisionRequest(
        proposal_id=proposal.id,
        committee_id=committee.id,
        version_id=proposal.versions[-1].id,
        round=rounds_sent(proposal.id, committee.id) + 1,
        sent_by_id=actor.id,
        sent_at=utcnow(),
    )
    request.items = [
        RevisionItem(position=n, text=d.text, source_review_id=d.source_review_id) for n, d in enumerate(cleaned, 1)
    ]
    db.session.add(request)
    moved = change_state(proposal, Step.REQUEST_REVISIONS)
    record(
        "revision_request.sent",
        actor=actor,
        target=request,
        data={"proposal_id": proposal.id, "committee_id": committee.id, "round": request.round, "items": len(cleaned),
              "proposal": moved},
    )
    # The team hears from "the committee": never who composed or sent the request.
    notify("revision_requested", audiences.team(proposal), proposal=proposal, link=f"/proposals/{proposal.id}",
           params={"title": proposal.title, "committee": committee.name, "items": len(cleaned)})
    return request


def _route_id(proposal: Proposal, committee: Committee) -> int | None:
    return next((r.id for r in getattr(proposal, "routes", ()) if r.committee_id == committee.id), None)


def answer_items(request: RevisionRequest, answers: dict[int, str], *, actor: User) -> list[int]:
    """Save the team's answers, item by item; returns the ids of the items whose answer changed."""
    proposal = db.session.get(Proposal, request.proposal_id)
    if not is_on_team(actor, proposal):
        raise RevisionError(N_("Only the proposal's team can answer the committee's requests."))
    if not request.open or proposal.state_enum is not ProposalState.REVISIONS_REQUESTED:
        raise RevisionError(N_("This request was already answered by a resubmitted version."))
    changed = []
    now = utcnow()
    for item in request.items:
        text = (answers.get(item.id) or "").strip()[:ITEM_LIMIT]
        if item.id in answers and text != item.response:
            item.response, item.responded_at, item.responded_by_id = text, now, actor.id
            changed.append(item.id)
    if changed:
        record(
            "revision_request.answered",
            actor=actor,
            target=request,
            data={"proposal_id": proposal.id, "round": request.round, "items": changed},
        )
    return changed


def resubmit(
    proposal: Proposal,
    *,
    actor: User,
    password: str,
    printed_name: str,
    attested: bool,
    criteria_sets: Sequence[CriteriaSet] | None,
) -> ProposalVersion:
    """Sign the revised proposal as a new version (screened again), close the request with it, and ask the
    reviewers of the previous version to review the new one. One event, `proposal.resubmit`, says all of it."""
    request = open_request(proposal.id)
    if request is not None and request.unanswered:
        numbers = ", ".join(str(item.position) for item in request.unanswered)
        raise RevisionError(N_("Answer every item of the committee's request before resubmitting (item %(numbers)s)."),
                            numbers=numbers)
    done = submit(proposal, actor=actor, password=password, printed_name=printed_name, attested=attested,
                  criteria_sets=criteria_sets)
    if request is not None:
        request.answered_version_id, request.answered_at = done.version.id, utcnow()
    carried = carry_forward_assignments(proposal)
    record(f"proposal.{done.step.value}", actor=actor, target=proposal, data={
        **done.facts(),
        "revision_request_id": request.id if request is not None else None,
        "carried_forward": carried_facts(carried),
    })
    _notify_resubmitted(proposal, done.version.number, [a.reviewer for a in carried])
    return done.version


def _notify_resubmitted(proposal: Proposal, version: int, reviewers: list[User]) -> None:
    """The team's confirmation; the reviewers asked to review the new version and the review office hear it is
    there (what changed is on the proposal's page). The same message as for an amendment."""
    team = audiences.team(proposal)
    team_ids = {user.id for user in team}
    staff = [*reviewers, *audiences.institution_staff(proposal.institution_id, Role.COORDINATOR)]
    notify("resubmitted", [*team, *staff], proposal=proposal, link=f"/proposals/{proposal.id}",
           params=lambda user: {"title": proposal.title, "version": version, "for_team": user.id in team_ids,
                                "institution": proposal.pi.institution.name})
