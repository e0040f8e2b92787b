"""Proposals over the API: list, read, create and edit a draft, sign and submit. Each operation loads, authorises
with the pages' predicates, calls the one operation the pages call, and commits once."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import joinedload

from portal.api.problems import ApiProblem
from portal.api.proposal_schemas import (
    PersonRef,
    ProposalCreate,
    ProposalDetail,
    ProposalList,
    ProposalListQuery,
    ProposalSummary,
    ProposalUpdate,
    SignatureInfo,
    SubmitRequest,
    TeamMember,
    VersionSummary,
)
from portal.api.spec import operation
from portal.audit.denials import load_or_deny
from portal.auth.api_tokens import Scope
from portal.auth.models import User
from portal.auth.operations import find_user_by_email
from portal.extensions import db
from portal.proposals import operations as ops
from portal.proposals import permissions as can
from portal.proposals.completeness import missing_items
from portal.proposals.models import Proposal, ProposalVersion
from portal.proposals.queries import visible_proposals_clause
from portal.proposals.snapshot import take_snapshot
from portal.proposals.states import EDIT_STEPS, Step
from portal.proposals.submission import ProposalError
from portal.revisions import operations as revisions
from portal.screenings.answers import answer_errors
from portal.screenings.queries import active_sets_for
from portal.screenings.questionnaire import all_questions, settle
from portal.signatures.operations import record_refused_signature
from portal.signatures.signing import SignatureRefused

TAG = "Proposals"
SORTS = {
    "updated_at": Proposal.updated_at.asc(), "-updated_at": Proposal.updated_at.desc(),
    "title": Proposal.title.asc(), "-title": Proposal.title.desc(),
    "id": Proposal.id.asc(), "-id": Proposal.id.desc(),
}


def load_proposal(proposal_id: int, user: User) -> Proposal:
    """404 for what the user may not see, with the `access.denied` event the pages write too."""
    return load_or_deny(Proposal, proposal_id, can.can_view_proposal, user)


def summary(proposal: Proposal) -> dict[str, object]:
    return {
        "id": proposal.id, "title": proposal.title, "state": proposal.state_enum,
        "state_label": proposal.state_enum.label, "pi": PersonRef(id=proposal.pi.id, name=proposal.pi.name),
        "version_count": proposal.version_count, "created_at": proposal.created_at,
        "updated_at": proposal.updated_at, "submitted_at": proposal.submitted_at,
    }


def version_summary(version: ProposalVersion) -> VersionSummary:
    signature = version.signature
    return VersionSummary(
        number=version.number, step=version.step, content_sha256=version.content_sha256,
        created_at=version.created_at,
        signature=SignatureInfo(signer_id=signature.signer_id, printed_name=signature.printed_name,
                                meaning=signature.meaning, signed_at=signature.signed_at),
    )


def _detail(proposal: Proposal) -> ProposalDetail:
    snapshot = take_snapshot(proposal)
    editable = proposal.state_enum in EDIT_STEPS
    return ProposalDetail(
        **summary(proposal),
        fields=snapshot["fields"] | {name: snapshot["fields"][name] or None
                                     for name in ("funding_source", "containment_level")},
        team=[TeamMember(user_id=m.user_id, name=m.user.name, role=m.role) for m in proposal.members],
        screening_answers=snapshot["screening_answers"],
        lock_version=proposal.lock_version,
        missing=missing_items(snapshot, active_sets_for(proposal.institution_id)) if editable else [],
    )


@operation("/proposals", summary="List the proposals you can see", tag=TAG, scope=Scope.PROPOSALS_READ,
           response=ProposalList, query=ProposalListQuery)
def list_proposals(user: User, *, query: ProposalListQuery) -> ProposalList:
    """The proposals you may read (the same rule as the pages: your own, your institution's submitted ones if you
    coordinate or chair, those you review or whose committee you sit on; never one you are conflicted with),
    filtered and sorted, one page at a time."""
    where = [visible_proposals_clause(user)]
    if query.state is not None:
        where.append(Proposal.state == query.state.value)
    if query.q:
        escaped = query.q.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        where.append(Proposal.title.ilike(f"%{escaped}%", escape="\\"))
    if query.updated_since is not None:
        where.append(Proposal.updated_at >= query.updated_since)
    total = db.session.scalar(select(func.count()).select_from(Proposal).where(*where)) or 0
    rows = db.session.scalars(
        select(Proposal).options(joinedload(Proposal.pi)).where(*where)
        .order_by(SORTS[query.sort], Proposal.id.asc()).offset(query.offset).limit(query.per_page)
    )
    return ProposalList(items=[ProposalSummary(**summary(p)) for p in rows], page=query.info(total))


@operation("/proposals/<int:proposal_id>", summary="Read a proposal", tag=TAG, scope=Scope.PROPOSALS_READ,
           response=ProposalDetail)
def get_proposal(user: User, proposal_id: int) -> ProposalDetail:
    """Its fields, team, screening answers and state; for a draft, what submission still needs."""
    return _detail(load_proposal(proposal_id, user))


@operation("/proposals", method="POST", status=201, summary="Start a draft", tag=TAG,
           scope=Scope.PROPOSALS_WRITE, response=ProposalDetail, body=ProposalCreate)
def create_proposal(user: User, *, body: ProposalCreate) -> ProposalDetail:
    """A new draft with its title; you are its principal investigator unless you name one of your institution
    (you then join the team as its preparer)."""
    if not can.can_create_proposal(user):
        raise ApiProblem(403, "Only investigators can start a proposal.")
    pi = None
    if body.pi_email:
        pi = find_user_by_email(body.pi_email)
        if pi is None or not pi.is_active:
            raise ApiProblem(422, "No active portal user has this e-mail address.",
                             [("body.pi_email", "No active portal user has this e-mail address.")])
    if not body.title.strip():
        raise ApiProblem(422, "Give the proposal a title.", [("body.title", "Give the proposal a title.")])
    try:
        proposal = ops.create_proposal(title=body.title, actor=user, pi=pi)
    except ProposalError as refusal:
        db.session.rollback()
        raise ApiProblem(422, str(refusal), [("body.pi_email", str(refusal))]) from None
    db.session.commit()
    return _detail(proposal)


@operation("/proposals/<int:proposal_id>", method="PATCH", summary="Edit a draft", tag=TAG,
           scope=Scope.PROPOSALS_WRITE, response=ProposalDetail, body=ProposalUpdate, problems=(409,))
def update_proposal(user: User, proposal_id: int, *, body: ProposalUpdate) -> ProposalDetail:  # type: ignore[valid-type]
    """Change the fields you send (the others stay); `screening_answers`, when sent, replaces every answer.
    Send the `lock_version` you read: if someone saved in between, nothing is saved and you get 409."""
    proposal = load_proposal(proposal_id, user)
    if not can.can_edit_proposal(user, proposal):
        raise ApiProblem(403, "You cannot edit this proposal (only its team can, while it is a draft or in "
                              "revision).")
    if body.lock_version != proposal.lock_version:
        raise ApiProblem(409, "Someone saved this proposal after you read it. Read it again, then send your "
                              "change with the new lock_version; nothing was saved.")
    given = body.model_dump(mode="json", exclude_unset=True, exclude={"lock_version", "screening_answers"})
    if "title" in given and not (given["title"] or "").strip():
        raise ApiProblem(422, "A proposal needs a title.", [("body.title", "A proposal needs a title.")])
    answers = body.screening_answers
    criteria_sets = active_sets_for(proposal.institution_id) if answers is not None else []
    if answers is not None:
        errors = answer_errors(all_questions(criteria_sets), answers)
        if errors:
            raise ApiProblem(422, "Some screening answers do not fit their questions; nothing was saved.",
                             [(f"body.screening_answers.{qid}", message) for qid, message in sorted(errors.items())])
    ops.update_proposal(proposal, {name: value or "" for name, value in given.items()}, actor=user)
    if answers is not None:
        ops.record_screening_answers(proposal, settle(criteria_sets, answers), actor=user)
    db.session.commit()
    return _detail(proposal)


@operation("/proposals/<int:proposal_id>/submit", method="POST", status=201, summary="Sign and submit",
           tag=TAG, scope=Scope.PROPOSALS_WRITE, response=VersionSummary, body=SubmitRequest, problems=(409,))
def submit_proposal(user: User, proposal_id: int, *, body: SubmitRequest) -> VersionSummary:
    """The principal investigator signs the working copy (password re-entry and printed name, as on the page):
    it becomes the next immutable version and is screened. A proposal in revision is resubmitted the same way."""
    proposal = load_proposal(proposal_id, user)
    if not can.can_submit_proposal(user, proposal):
        raise ApiProblem(403, "Only the principal investigator can sign and submit this proposal, while it is a "
                              "draft, in revision or active.")
    step = EDIT_STEPS[proposal.state_enum]
    write = revisions.resubmit if step is Step.RESUBMIT else ops.submit_proposal
    try:
        version = write(proposal, actor=user, password=body.password, printed_name=body.printed_name,
                        attested=body.attest, criteria_sets=active_sets_for(proposal.institution_id))
    except SignatureRefused as refusal:
        db.session.rollback()
        record_refused_signature("proposal submission", str(refusal), actor=user)
        db.session.commit()
        field = "body.password" if "password" in str(refusal) else "body.printed_name"
        raise ApiProblem(422, str(refusal), [(field, str(refusal))]) from None
    except ProposalError as refusal:
        db.session.rollback()
        raise ApiProblem(422, str(refusal)) from None
    db.session.commit()
    return version_summary(version)

