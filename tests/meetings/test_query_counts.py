"""The meetings list, the meeting page and the minutes run the same number of SQL statements for few and for many
items, attendees and votes."""

from __future__ import annotations

from datetime import timedelta

from portal.auth.roles import Role
from portal.committees.kinds import MemberRole
from portal.committees.operations import add_member
from portal.conflicts.operations import declare_conflict
from portal.extensions import db
from portal.meetings import operations as ops
from tests.meetings.conftest import TOMORROW, World, client_for
from tests.statements import statements_for


def _earlier_minutes(w: World) -> object:
    """An ended meeting with draft minutes, so that every agenda below also has a minutes item."""
    earlier = w.in_session(w.meeting(title="Earlier", starts_at=TOMORROW - timedelta(days=20)))
    ops.end_meeting(earlier, actor=w.chair)
    ops.generate_minutes(earlier, actor=w.chair)
    db.session.commit()
    return earlier


def _vote_on_everything(w: World, meeting, voters) -> None:  # noqa: ANN001
    for item in meeting.items:
        if item.is_proposal:
            for voter in voters:
                ops.cast_vote(item, voter, "for", actor=w.chair)
    db.session.commit()


def _counts(client, meeting) -> tuple[int, int]:  # noqa: ANN001
    return statements_for(client, "/meetings"), statements_for(client, f"/meetings/{meeting.id}")


def _minutes(w: World, viewers: dict, *meetings) -> dict[str, list[int]]:  # noqa: ANN001
    for meeting in meetings:
        ops.end_meeting(meeting, actor=w.chair)
        ops.generate_minutes(meeting, actor=w.chair)
    db.session.commit()
    return {
        who: [statements_for(client, f"/meetings/{m.id}/minutes") for m in meetings] for who, client in viewers.items()
    }


def test_the_pages_run_the_same_statements_for_few_and_many_rows(app, world, factory):
    w = world
    earlier = _earlier_minutes(w)
    w.awaiting(factory, "A study still to be put on an agenda")  # so the add-to-agenda choices are never empty
    few = w.meeting(w.proposal, title="Few")
    ops.add_minutes_item(few, earlier, actor=w.chair)
    w.in_session(few, present=[w.chair, w.member, w.lay])
    _vote_on_everything(w, few, [w.chair])
    viewers = {"coordinator": client_for(app, w.coordinator), "member": client_for(app, w.member)}
    with_few = {who: _counts(client, few) for who, client in viewers.items()}

    extra = [factory.user(Role.REVIEWER, institution=w.institution, name=f"Extra Member {n}") for n in range(6)]
    for person in extra:
        add_member(w.committee, person, role=MemberRole.MEMBER, actor=None)
    studies = [w.awaiting(factory, f"Fictional study {n}") for n in range(8)]
    declare_conflict(studies[0], extra[0], reason="Former co-author", actor=extra[0])
    for n in range(4):
        w.meeting(title=f"Another meeting {n}", starts_at=TOMORROW + timedelta(days=n + 1))
    many = w.meeting(w.proposal, *studies, title="Many", starts_at=TOMORROW + timedelta(days=10))
    ops.add_minutes_item(many, earlier, actor=w.chair)
    w.in_session(many, present=[*w.voters, *extra])
    ops.declare_recusal(many.items[1], extra[1], reason="Advises the funder", actor=extra[1])
    _vote_on_everything(w, many, [w.chair, w.member, w.lay, *extra[2:]])
    for item in many.items:
        ops.record_notes(item, notes="Discussed.", actor=w.chair)
    db.session.commit()
    with_many = {who: _counts(client, many) for who, client in viewers.items()}
    minutes = _minutes(w, viewers, few, many)

    print(f"Statements (list, meeting page in session): few {with_few}, many {with_many}")
    print(f"Statements (minutes page of few, of many): {minutes}")
    assert with_few == with_many
    assert all(len(set(counts)) == 1 for counts in minutes.values()), minutes
