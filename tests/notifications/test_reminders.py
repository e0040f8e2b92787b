"""Reminders: a Category 1 decision's clocks walked day by day (each stage once, however often cron runs, mandatory
whatever the person chose, over real SMTP to whoever owes the clock and to nobody conflicted), a review and a
condition of the plan, missed days, and a run whose statements do not grow with the number of subjects."""

from __future__ import annotations

from datetime import date, timedelta

from flask import Flask
from sqlalchemy import select

from portal.auth.roles import Role
from portal.clock import utcnow
from portal.decisions.models import Condition, Decision, RegulatoryClock
from portal.decisions.monitoring import complete_clock, submit_evidence
from portal.extensions import db
from portal.notifications import sender
from portal.notifications.models import OFF, Notification, Reminder
from portal.notifications.reminders import CLOCK, CONDITION, remind, stages_reached
from portal.reviews.operations import assign_reviewer, save_review
from tests.decisions.conftest import make_decision_world
from tests.decisions.test_monitoring import _final
from tests.notifications.conftest import Mailbox
from tests.reviews.conftest import World, complete_values, items_of, make_world
from tests.statements import counted_statements

TEAM_CLOCK = "submit_draft_rmp"  # owed by the investigators
OFFICE_CLOCK = "notify_funding_agency"  # owed by the review office


def _decided(app: Flask, factory) -> tuple[World, Decision]:  # noqa: ANN001
    w = make_decision_world(factory)
    return w, _final(app, w)


def _clock(decision: Decision, kind: str) -> RegulatoryClock:
    return db.session.scalar(select(RegulatoryClock).where(RegulatoryClock.decision_id == decision.id,
                                                           RegulatoryClock.kind == kind))


def _run(app: Flask, mailbox: Mailbox, today: date) -> list[tuple[list[str], str]]:
    """One cron run as of `today`: remind, commit, send; what arrived (recipients, subject)."""
    before = len(mailbox.messages)
    remind(today)
    db.session.commit()
    sender.send_due(app)
    return [(rcpt, mailbox.subject(m)) for m, rcpt in zip(mailbox.messages[before:], mailbox.envelopes[before:],
                                                          strict=True)]


def _about(arrived: list[tuple[list[str], str]], words: str) -> list[tuple[list[str], str]]:
    return [(rcpt, subject) for rcpt, subject in arrived if words in subject]


def test_stages_are_reached_in_order_and_overdue_ones_weekly() -> None:
    due = date(2027, 3, 1)
    days = (30, 14, 7, 1, 0)
    assert stages_reached(due, due - timedelta(days=31), days) == []
    assert stages_reached(due, due - timedelta(days=30), days) == ["30"]
    assert stages_reached(due, due - timedelta(days=8), days) == ["30", "14"]
    assert stages_reached(due, due, days) == ["30", "14", "7", "1", "due"]
    assert stages_reached(due, due + timedelta(days=1), days)[-1] == "overdue-1"
    assert stages_reached(due, due + timedelta(days=7), days)[-1] == "overdue-1"
    assert stages_reached(due, due + timedelta(days=8), days)[-2:] == ["overdue-1", "overdue-2"]
    assert stages_reached(due, due + timedelta(days=15), (7, 1))[-3:] == ["overdue-1", "overdue-2", "overdue-3"]


def test_a_team_clock_is_reminded_at_each_stage_once_until_it_is_met(app: Flask, factory, mailbox: Mailbox) -> None:  # noqa: ANN001
    w, decision = _decided(app, factory)
    pi = w.proposal.pi
    pi.notify_delivery = OFF  # mandatory reminders go whatever the person chose
    db.session.commit()
    clock = _clock(decision, TEAM_CLOCK)
    due, title, what = clock.due_on, w.proposal.title, clock.title

    def on(offset: int) -> list[tuple[list[str], str]]:
        return _about(_run(app, mailbox, due + timedelta(days=offset)), what)

    assert on(-31) == []
    expected = {
        -30: f'Due in 30 days: {what} for "{title}"',
        -14: f'Due in 14 days: {what} for "{title}"',
        -7: f'Due in 7 days: {what} for "{title}"',
        -1: f'Due in 1 day: {what} for "{title}"',
        0: f'Due today: {what} for "{title}"',
        1: f'Overdue by 1 day: {what} for "{title}"',
        8: f'Overdue by 8 days: {what} for "{title}"',
    }
    for offset in range(-30, 9):
        arrived = on(offset)
        assert on(offset) == []  # cron ran again the same day: nothing twice
        if offset in expected:
            assert arrived == [([pi.email], expected[offset])], offset
        else:
            assert arrived == [], offset

    to_pi = mailbox.to(pi.email)
    reminders = [m for m in to_pi if what in mailbox.subject(m)]
    assert len(reminders) == len(expected)
    body = reminders[0].get_content()
    assert f"/decisions/{decision.id}#clocks" in body and "mark it met" in body and due.isoformat() in body
    for message in to_pi:  # investigators never learn who reviewed or sits on the committee
        assert w.reviewer.name not in message.get_content() and w.member.name not in message.get_content()
        assert w.chair.name not in message.get_content()
    assert {n.mandatory for n in db.session.scalars(select(Notification).where(
        Notification.recipient_id == pi.id, Notification.event.in_(("clock_due", "clock_overdue"))))} == {True}

    complete_clock(clock, note="Filed with the funding agency.", actor=pi)
    db.session.commit()
    assert on(15) == [] and on(22) == []  # met: nothing more
    stages = db.session.scalars(select(Reminder.stage).where(Reminder.subject_kind == CLOCK,
                                                             Reminder.subject_id == clock.id)).all()
    assert sorted(stages) == sorted(["30", "14", "7", "1", "due", "overdue-1", "overdue-2"])


def test_after_missed_days_only_the_most_urgent_stage_is_sent(app: Flask, factory, mailbox: Mailbox) -> None:  # noqa: ANN001
    w, decision = _decided(app, factory)
    clock = _clock(decision, TEAM_CLOCK)

    arrived = _about(_run(app, mailbox, clock.due_on - timedelta(days=5)), clock.title)

    assert arrived == [([w.proposal.pi.email], f'Due in 5 days: {clock.title} for "{w.proposal.title}"')]
    covered = db.session.scalars(select(Reminder.stage).where(Reminder.subject_kind == CLOCK,
                                                              Reminder.subject_id == clock.id)).all()
    assert sorted(covered) == ["14", "30", "7"]
    assert _about(_run(app, mailbox, clock.due_on - timedelta(days=1)), clock.title)  # the next stage still goes


def test_an_office_clock_reminds_the_coordinators_and_not_a_conflicted_one(
    app: Flask, factory, mailbox: Mailbox  # noqa: ANN001
) -> None:
    w, decision = _decided(app, factory)
    conflicted = factory.user(Role.COORDINATOR, institution=w.institution, name="Conflicted Coordinator",
                              department=w.proposal.pi.department)  # the PI's department: conflicted
    elsewhere = factory.user(Role.COORDINATOR, name="Another Institution's Coordinator")
    db.session.commit()
    clock = _clock(decision, OFFICE_CLOCK)

    arrived = _about(_run(app, mailbox, clock.due_on - timedelta(days=7)), clock.title)

    assert arrived == [([w.coordinator.email], f'Due in 7 days: {clock.title} for "{w.proposal.title}"')]
    for nobody in (conflicted, elsewhere):
        assert mailbox.to(nobody.email) == []
        assert db.session.scalar(select(Notification.id).where(Notification.recipient_id == nobody.id)) is None
    body = mailbox.to(w.coordinator.email)[-1].get_content()
    assert "The review office owes this deadline" in body


def _assigned(factory, due_on: date):  # noqa: ANN001, ANN202
    w = make_world(factory)
    assignment = assign_reviewer(w.proposal, w.ire, w.reviewer, due_on=due_on, actor=w.coordinator)
    db.session.commit()
    return w, assignment


def test_a_reviewer_is_reminded_before_the_review_is_due_and_weekly_once_it_is_late(
    app: Flask, factory, mailbox: Mailbox  # noqa: ANN001
) -> None:
    due = utcnow().date() + timedelta(days=21)
    w, assignment = _assigned(factory, due)
    sender.send_due(app)  # what triage and the assignment said, before the walk
    title = w.proposal.title

    def on(offset: int) -> list[tuple[list[str], str]]:
        return _about(_run(app, mailbox, due + timedelta(days=offset)), "Review")

    assert on(-8) == []
    assert on(-7) == [([w.reviewer.email], f'Review due in 7 days: "{title}"')]
    assert on(-7) == [] and on(-2) == []
    assert on(-1) == [([w.reviewer.email], f'Review due in 1 day: "{title}"')]
    assert on(0) == []
    assert on(1) == [([w.reviewer.email], f'Review overdue by 1 day: "{title}"')]
    assert on(7) == []
    assert on(8) == [([w.reviewer.email], f'Review overdue by 8 days: "{title}"')]
    body = mailbox.to(w.reviewer.email)[-1].get_content()
    assert f"/assignments/{assignment.id}/review" in body and w.ire.name in body
    assert not [m for m in mailbox.to(w.proposal.pi.email) if "Review" in mailbox.subject(m)]  # nor the team

    save_review(assignment, items_of(assignment), complete_values(items_of(assignment)), opened_lock=None,
                submit=True, actor=w.reviewer)
    db.session.commit()
    assert on(15) == []  # submitted: nothing more


def test_a_condition_reminds_its_owner_before_it_is_due_and_when_it_is_overdue(
    app: Flask, factory, mailbox: Mailbox  # noqa: ANN001
) -> None:
    w, decision = _decided(app, factory)
    condition = decision.conditions[0]
    pi, due, title = w.proposal.pi, condition.due_on, w.proposal.title

    def on(offset: int) -> list[tuple[list[str], str]]:
        return _about(_run(app, mailbox, due + timedelta(days=offset)), "Condition")

    assert on(-15) == []
    assert on(-14) == [([pi.email], f'Condition due in 14 days: "{title}"')]
    body = mailbox.to(pi.email)[-1].get_content()
    assert condition.description in body and f"/decisions/{decision.id}#plan" in body
    assert "Your team owes the evidence" in body
    assert on(-13) == []
    assert on(-1) == [([pi.email], f'Condition due in 1 day: "{title}"')]
    assert on(1) == [([pi.email], f'Condition overdue by 1 day: "{title}"')]
    assert not [m for m in mailbox.to(w.coordinator.email) if mailbox.subject(m).startswith("Condition")]

    submit_evidence(db.session.get(Condition, condition.id), evidence="Signed list filed.", actor=pi)
    db.session.commit()
    assert on(8) == []  # evidence submitted: the review office verifies it; no more reminders
    assert db.session.scalar(select(Reminder.id).where(Reminder.subject_kind == CONDITION,
                                                       Reminder.stage == "overdue-2")) is None


def _selects(today: date) -> int:
    with counted_statements() as statements:
        remind(today)
    db.session.rollback()
    return sum(1 for s in statements if s.lstrip().upper().startswith("SELECT"))


def test_a_run_reads_in_bulk_however_many_clocks_are_due(app: Flask, factory) -> None:  # noqa: ANN001
    w, decision = _decided(app, factory)
    day = _clock(decision, TEAM_CLOCK).due_on + timedelta(days=400)  # every clock and the condition overdue
    one = _selects(day)
    _decided(app, factory)  # a second institution, proposal, decision, its clocks, team and coordinators
    two = _selects(day)
    assert two == one, (one, two)
    assert one <= 30


def test_queue_without_a_redis_url_says_what_it_needs_and_exits_1(app: Flask) -> None:
    for args in (["clocks", "remind", "--queue"], ["notify", "send", "--queue"]):
        result = app.test_cli_runner().invoke(args=args)
        assert result.exit_code == 1 and "PORTAL_REDIS_URL" in result.output, result.output


def test_clocks_remind_reminds_commits_and_sends(app: Flask, factory, mailbox: Mailbox) -> None:  # noqa: ANN001
    w = make_world(factory)
    assign_reviewer(w.proposal, w.ire, w.reviewer, due_on=utcnow().date() + timedelta(days=1), actor=w.coordinator)
    db.session.commit()

    output = app.test_cli_runner().invoke(args=["clocks", "remind"]).output

    assert "reminded 1, sent" in output
    assert f'Review due in 1 day: "{w.proposal.title}"' in [mailbox.subject(m) for m in mailbox.to(w.reviewer.email)]
    assert "reminded 0, sent 0" in app.test_cli_runner().invoke(args=["clocks", "remind"]).output
