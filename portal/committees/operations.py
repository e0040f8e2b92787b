"""Write path for committees and their members."""
from __future__ import annotations

from datetime import date
from typing import Any

from portal.audit.operations import record
from portal.auth.models import User
from portal.committees.kinds import MemberRole
from portal.committees.models import Committee, CommitteeMember
from portal.errors import PortalError
from portal.extensions import db
from portal.i18n.marks import N_

SETTINGS = ("name", "kind", "quorum_count", "quorum_percent", "require_non_scientist", "reviewers_per_proposal",
            "review_due_days", "max_revision_rounds", "closed_review")


class CommitteeError(PortalError):
    """A committee change was refused; the message is for the user."""


def create_committee(*, institution_id: int, settings: dict[str, Any], actor: User | None) -> Committee:
    committee = Committee(institution_id=institution_id)
    _apply(committee, settings)
    db.session.add(committee)
    record("committee.created", actor=actor, target=committee, data=_settings_data(committee))
    return committee


def update_committee(committee: Committee, settings: dict[str, Any], *, actor: User) -> list[str]:
    before = _settings_data(committee)
    _apply(committee, settings)
    changed = sorted(k for k, v in _settings_data(committee).items() if before[k] != v)
    if changed:
        record("committee.updated", actor=actor, target=committee, data={"changed": changed})
    return changed


def _apply(committee: Committee, settings: dict[str, Any]) -> None:
    for key in SETTINGS:
        if key in settings:
            setattr(committee, key, settings[key])
    if (committee.quorum_count is None) == (committee.quorum_percent is None):
        raise CommitteeError(N_("Give the quorum either as a number of members or as a percentage, not both."))


def _settings_data(committee: Committee) -> dict[str, Any]:
    return {key: getattr(committee, key) for key in SETTINGS}


def add_member(committee: Committee, user: User, *, role: MemberRole, non_scientist: bool = False,
               external_expert: bool = False, access_until: date | None = None, expertise: str = "",
               actor: User | None) -> CommitteeMember:
    if user.institution_id != committee.institution_id and not external_expert:
        raise CommitteeError(N_("%(name)s belongs to another institution: add them as an external expert."),
                             name=user.name)
    if external_expert and access_until is None:
        raise CommitteeError(N_("An external expert's access must end on a date."))
    if any(m.user_id == user.id for m in committee.members):
        raise CommitteeError(N_("%(name)s is already a member."), name=user.name)
    if role is MemberRole.CHAIR and any(m.role == MemberRole.CHAIR for m in committee.members):
        raise CommitteeError(N_("The committee already has a chair; change the current chair's role first."))
    member = CommitteeMember(user=user, role=role.value, non_scientist=non_scientist,
                             external_expert=external_expert, access_until=access_until, expertise=expertise.strip())
    committee.members.append(member)
    record("committee.member_added", actor=actor, target=committee,
           data={"user_id": user.id, "role": role.value, "non_scientist": non_scientist,
                 "external_expert": external_expert,
                 "access_until": access_until.isoformat() if access_until else None})
    return member


def remove_member(committee: Committee, member: CommitteeMember, *, actor: User) -> None:
    if committee.deputy_id == member.user_id:
        committee.deputy_id = None
    committee.members.remove(member)
    record("committee.member_removed", actor=actor, target=committee, data={"user_id": member.user_id})


def set_deputy(committee: Committee, member: CommitteeMember | None, *, actor: User) -> None:
    if member is not None and member.role == MemberRole.CHAIR:
        raise CommitteeError(N_("The deputy stands in for the chair, so it must be another member."))
    committee.deputy_id = member.user_id if member else None
    record("committee.deputy_set", actor=actor, target=committee, data={"user_id": committee.deputy_id})


def change_member_role(committee: Committee, member: CommitteeMember, role: MemberRole, *, actor: User) -> bool:
    """Returns whether the role changed. A new chair stops being the deputy: the deputy stands in for the chair."""
    if member.role == role.value:
        return False
    if role is MemberRole.CHAIR and any(m.role == MemberRole.CHAIR for m in committee.members if m is not member):
        raise CommitteeError(N_("The committee already has a chair; make the current chair a member first."))
    previous = member.role
    member.role = role.value
    deputy_cleared = role is MemberRole.CHAIR and committee.deputy_id == member.user_id
    if deputy_cleared:
        committee.deputy_id = None
    record(
        "committee.member_role_changed",
        actor=actor,
        target=committee,
        data={"user_id": member.user_id, "from": previous, "to": role.value, "deputy_cleared": deputy_cleared},
    )
    return True
