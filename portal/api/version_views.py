"""A proposal's signed versions over the API: the list, one version as frozen, the word-level difference between
two versions, and the screenings stored for a version. Read only; the same visibility as the pages (a proposal
you may not see is a 404, and the attempt is audited)."""

from __future__ import annotations

import json
from typing import Any

from portal.api.criteria_schemas import ClockInfo, Judgment
from portal.api.problems import ApiProblem, field_problem
from portal.api.proposal_schemas import PersonRef
from portal.api.proposal_views import load_proposal, version_summary
from portal.api.spec import operation
from portal.api.version_schemas import (
    DiffQuery,
    DiffSegment,
    FieldChange,
    ListChange,
    RequiredJudgment,
    ScreeningFinding,
    ScreeningList,
    ScreeningOutcome,
    Snapshot,
    SnapshotAttachment,
    SnapshotCollaborator,
    SnapshotFields,
    SnapshotMember,
    StoredScreening,
    VersionDetail,
    VersionDiff,
    VersionList,
)
from portal.auth.api_tokens import Scope
from portal.auth.models import User
from portal.proposals.diff import diff_fields, diff_lists
from portal.proposals.fields import FIELDS
from portal.proposals.models import Proposal, ProposalVersion
from portal.screenings.queries import screenings_for_version

TAG = "Versions"


def _version(proposal: Proposal, number: int) -> ProposalVersion:
    found = next((v for v in proposal.versions if v.number == number), None)
    if found is None:
        raise ApiProblem(404, f"This proposal has no version {number}; it has {proposal.version_count}.")
    return found


def _snapshot(frozen: dict[str, Any]) -> Snapshot:
    return Snapshot(
        fields=SnapshotFields(**{spec.name: frozen["fields"].get(spec.name) or "" for spec in FIELDS}),
        pi=PersonRef(id=frozen["pi"]["id"], name=frozen["pi"]["name"]),
        team=[SnapshotMember(user_id=m["user_id"], name=m["name"], role=m["role"]) for m in frozen["team"]],
        collaborators=[SnapshotCollaborator(**c) for c in frozen["collaborators"]],
        attachments=[SnapshotAttachment(**a) for a in frozen["attachments"]],
        screening_answers=frozen.get("screening_answers", {}),
    )


@operation("/proposals/<int:proposal_id>/versions", summary="List a proposal's signed versions", tag=TAG,
           scope=Scope.PROPOSALS_READ, response=VersionList)
def list_versions(user: User, proposal_id: int) -> VersionList:
    """Every version the principal investigator signed (submission, amendments, resubmissions), oldest first,
    each with its signature and the SHA-256 of its content. A draft has none."""
    proposal = load_proposal(proposal_id, user)
    return VersionList(items=[version_summary(v) for v in proposal.versions])


@operation("/proposals/<int:proposal_id>/versions/<int:number>", summary="Read a signed version", tag=TAG,
           scope=Scope.PROPOSALS_READ, response=VersionDetail)
def get_version(user: User, proposal_id: int, number: int) -> VersionDetail:
    """The version as it was signed: its fields, principal investigator, team, external collaborators,
    attachments (their metadata) and screening answers. It never changes."""
    version = _version(load_proposal(proposal_id, user), number)
    return VersionDetail(**version_summary(version).model_dump(), snapshot=_snapshot(json.loads(version.snapshot)))


def _pair(proposal: Proposal, query: DiffQuery) -> tuple[ProposalVersion, ProposalVersion]:
    """The two versions to compare: by default the one before `to`, and the latest."""
    if proposal.version_count < 2:
        raise field_problem("query.from", f"This proposal has {proposal.version_count} signed version(s); a "
                                          "comparison needs two.")
    to_number = query.to_version or proposal.version_count
    from_number = query.from_version or to_number - 1
    if from_number < 1:
        raise field_problem("query.from", "Version 1 has no version before it; give `from` too.")
    if from_number == to_number:
        raise field_problem("query.to", f"`from` and `to` are both {to_number}; choose two different versions.")
    return _version(proposal, from_number), _version(proposal, to_number)


@operation("/proposals/<int:proposal_id>/diff", summary="Compare two versions", tag=TAG,
           scope=Scope.PROPOSALS_READ, response=VersionDiff, query=DiffQuery)
def diff_versions(user: User, proposal_id: int, *, query: DiffQuery) -> VersionDiff:
    """What changed from version `from` to version `to` (by default, from the previous to the latest): every
    field word by word, and the team, collaborators, attachments and screening answers added, removed or kept.
    `from` may be the later one: the difference then reads backwards."""
    old, new = _pair(load_proposal(proposal_id, user), query)
    before, after = json.loads(old.snapshot), json.loads(new.snapshot)
    return VersionDiff(
        from_version=version_summary(old),
        to_version=version_summary(new),
        fields=[FieldChange(name=d.name, label=d.label, changed=d.changed,
                            segments=[DiffSegment(op=s.op, text=s.text) for s in d.segments])  # type: ignore[arg-type]
                for d in diff_fields(before, after)],
        lists=[ListChange(label=d.label, changed=d.changed, added=list(d.added), removed=list(d.removed),
                          kept=list(d.kept)) for d in diff_lists(before, after)],
    )


def _judgment(stored: dict[str, Any] | None) -> Judgment | None:
    return None if stored is None else Judgment(question=stored["question"], by=stored["by"])


def _stored_screening(result: dict[str, Any]) -> StoredScreening:
    outcome = result["outcome"]
    return StoredScreening(
        set_id=result["set_id"], set_title=result["set_title"], set_version=result["set_version"],
        set_digest=result["set_digest"], policy_status=result["policy_status"],
        engine_version=result["engine_version"],
        outcome=ScreeningOutcome(id=outcome["id"], title=outcome["title"], severity=outcome["severity"],
                                 via_unsure=outcome["via_unsure"]),
        score=result["score"],
        findings=[ScreeningFinding(criterion=f["criterion"], title=f["title"], triggered=f["triggered"],
                                   via_unsure=f["via_unsure"], weight=f["weight"],
                                   human_judgment=_judgment(f["human_judgment"])) for f in result["findings"]],
        required_judgments=[RequiredJudgment(**j) for j in result["required_judgments"]],
        missing=result["missing"], unsure=result["unsure"], hidden=result.get("hidden", []),
        routing=result["routing"],
        clocks=[ClockInfo(kind=c["kind"], title=c["title"], due_days=c["due_days"], owner=c["owner"])
                for c in result.get("clocks", [])],
        recorded_at=result["recorded_at"],
    )


@operation("/proposals/<int:proposal_id>/versions/<int:number>/screenings", summary="Read a version's screenings",
           tag=TAG, scope=Scope.PROPOSALS_READ, response=ScreeningList)
def version_screenings(user: User, proposal_id: int, number: int) -> ScreeningList:
    """The screenings stored when the version was signed, one per criteria set the institution applied then,
    as recorded (never recomputed): the set's id, version and digest, the proposed outcome, the triage score,
    each criterion's finding, the human judgments required, unanswered and unsure questions, routing and clocks.
    A screening proposes; people decide. The engine's clause-by-clause trace and the answers each criterion
    looked at are left out: the pages show them, but their shape is the engine's, not a stable contract."""
    version = _version(load_proposal(proposal_id, user), number)
    return ScreeningList(items=[_stored_screening(r) for r in screenings_for_version(version.id)])
