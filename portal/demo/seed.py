"""Demo data. Everything here is fictional and stays at the level of public policy language."""

from __future__ import annotations

from datetime import timedelta

from flask import current_app
from sqlalchemy import select

from portal.auth import operations as accounts
from portal.auth.models import User
from portal.auth.roles import Role
from portal.clock import shifted
from portal.committees import operations as committees
from portal.committees.kinds import MemberRole
from portal.demo.answers import demo_answers
from portal.demo.consistency import run_seeded_checks
from portal.demo.content import (
    _FULL,
    DEMO_INACTIVE_SETS,
    DEMO_INSTITUTION,
    DEMO_PASSWORD,
    DEMO_PROFILES,
    DEMO_PROPOSALS,
    DEMO_USERS,
    DEPARTMENTS,
    IN_REVIEW_TITLE,
    TRIAGED_TITLE,
    DemoUser,
    _text,
)
from portal.demo.notifications import choose_deliveries, read_older_notifications
from portal.demo.pdf import simple_pdf
from portal.extensions import db
from portal.institutions.models import Institution
from portal.institutions.operations import add_department, create_institution
from portal.proposals import operations as proposals
from portal.proposals.fields import TeamRole
from portal.proposals.models import Proposal
from portal.screenings.operations import set_criteria_set_active
from portal.screenings.queries import active_sets_for, display_order
from portal.screenings.registry import all_sets

# The demo's story starts this long ago: accounts and submissions first, then decisions weeks ago, then today's
# reviews and meetings, so that every timestamp (and the audit log) reads in order.
STORY_STARTS = timedelta(days=60)


def demo_exists() -> bool:
    return db.session.scalar(select(Institution.id).where(Institution.name == DEMO_INSTITUTION)) is not None


def seed_demo() -> list[DemoUser]:
    """Create the demo institution, users and proposals, then the decisions, reviews and meetings; at the end each
    person has read their notifications older than a week. The caller commits (and `flask demo seed` sends)."""
    with shifted(-STORY_STARTS):
        institution, users = _seed_people_and_proposals()
        db.session.flush()
        run_seeded_checks()  # before the reviews, which record the check their reviewers saw
    _seed_decisions(users)
    _seed_triage(institution, coordinator=users[5])
    run_seeded_checks()  # the versions the stories submitted since
    _seed_review(users)
    _seed_reports(institution, users)
    _seed_whatif(users)
    _seed_tokens(users)
    read_older_notifications(users)
    return list(DEMO_USERS)


def _seed_decisions(users: list[User]) -> None:
    from portal.demo.decisions import seed_administrative, seed_decided_story

    seed_decided_story(pi=users[0], chair=users[4], reviewer=users[3], coordinator=users[5])
    seed_administrative(coordinator=users[5])


def _seed_whatif(users: list[User]) -> None:
    from portal.demo.whatif import seed_whatif

    seed_whatif(governance=next(u for u in users if u.has_role(Role.GOVERNANCE)))


def _seed_tokens(users: list[User]) -> None:
    from portal.demo.tokens import seed_tokens

    seed_tokens(users)


def _seed_reports(institution: Institution, users: list[User]) -> None:
    from portal.demo.reports import seed_reports

    seed_reports(institution, users)


def _seed_people_and_proposals() -> tuple[Institution, list[User]]:
    institution = create_institution(DEMO_INSTITUTION, "NBU", "Fictional Republic", actor=None)
    departments = {name: add_department(institution, name, actor=None) for name in DEPARTMENTS}
    for criteria_set in display_order(all_sets().values()):
        if criteria_set.id not in DEMO_INACTIVE_SETS:
            set_criteria_set_active(institution, criteria_set, True, actor=None)
    users = [
        accounts.create_user(
            email=u.email,
            name=u.name,
            institution=institution,
            roles=list(u.roles),
            password=DEMO_PASSWORD,
            department=departments[u.department],
            actor=None,
        )
        for u in DEMO_USERS
    ]
    choose_deliveries(users)
    accounts.request_account(
        email="new.postdoc@northbridge.example",
        name="Dr Noor Haddad (fictional)",
        institution=institution,
        department=departments["Immunology"],
        requested_role=Role.INVESTIGATOR,
        password=DEMO_PASSWORD + "-x",
        affiliation_statement="Postdoctoral researcher in the Immunology department since September, "
        "supervised by Prof Jonas Berg; I will prepare proposals for our group.",
    )
    _seed_committees(institution, {u.email: user for u, user in zip(DEMO_USERS, users, strict=True)})
    for pi_index, title, topic, fate in DEMO_PROPOSALS:
        _seed_proposal(users, users[pi_index], title, topic, fate)
    return institution, users


def _seed_review(users: list[User]) -> None:
    """The triaged proposal went through a revision round, was voted on at a meeting and awaits the decision;
    another is in review with a draft and a review not started."""
    from portal.demo.meetings import seed_meetings
    from portal.demo.review_round import seed_open_review, seed_revision_round

    db.session.flush()
    triaged = db.session.scalar(select(Proposal).where(Proposal.title == TRIAGED_TITLE))
    seed_revision_round(triaged, chair=users[4], coordinator=users[5])
    seed_meetings(triaged, chair=users[4], coordinator=users[5])
    seed_open_review(IN_REVIEW_TITLE, coordinator=users[5], reviewers=[users[3], users[8]], stepped_back=users[10])


def _seed_triage(institution: Institution, *, coordinator: User) -> None:
    """The coordinator has sent the proposal the screening referred to the review entity; the rest wait."""
    from portal.routing.operations import triage_proposal
    from portal.routing.queries import institution_committees, proposed_committees
    from portal.screenings.queries import screenings_for_version

    proposal = db.session.scalar(select(Proposal).where(Proposal.title == TRIAGED_TITLE))
    proposed, _kinds = proposed_committees(
        screenings_for_version(proposal.versions[-1].id), institution_committees(institution.id)
    )
    triage_proposal(proposal, proposed, proposed=proposed, reason="", actor=coordinator)
    _seed_assignments(proposal, coordinator=coordinator)


def _seed_assignments(proposal: Proposal, *, coordinator: User) -> None:
    """The coordinator has asked the demo reviewer and the chair to review the triaged proposal for the IRE."""
    from portal.reviews.operations import assign_reviewer
    from portal.routing.queries import routes_of

    db.session.flush()
    ire = next(r.committee for r in routes_of(proposal.id) if r.committee.kind == "ire")
    for email in ("reviewer@northbridge.example", "chair@northbridge.example"):
        member = next(m for m in ire.members if m.user.email == email)
        assign_reviewer(proposal, ire, member.user, due_on=None, actor=coordinator)


def _seed_committees(institution: Institution, by_email: dict[str, User]) -> None:
    chair = by_email["chair@northbridge.example"]
    reviewer = by_email["reviewer@northbridge.example"]
    community = by_email["community@northbridge.example"]
    second_reviewer = by_email["reviewer2@northbridge.example"]
    ire = committees.create_committee(
        institution_id=institution.id,
        settings={
            "name": "Institutional Review Entity",
            "kind": "ire",
            "quorum_count": None,
            "quorum_percent": 50,
            "require_non_scientist": True,
            "closed_review": True,
        },
        actor=None,
    )
    committees.add_member(ire, chair, role=MemberRole.CHAIR, expertise="public health, research ethics", actor=None)
    committees.add_member(ire, reviewer, role=MemberRole.MEMBER, expertise="immunology, biosafety", actor=None)
    committees.add_member(ire, community, role=MemberRole.MEMBER, non_scientist=True, actor=None)
    committees.add_member(ire, second_reviewer, role=MemberRole.MEMBER, expertise="microbiology", actor=None)
    ibc = committees.create_committee(
        institution_id=institution.id,
        settings={
            "name": "Institutional Biosafety Committee",
            "kind": "ibc",
            "quorum_count": 3,
            "quorum_percent": None,
            "require_non_scientist": False,
        },
        actor=None,
    )
    committees.add_member(ibc, reviewer, role=MemberRole.MEMBER, expertise="immunology, biosafety", actor=None)
    committees.add_member(ibc, chair, role=MemberRole.MEMBER, expertise="public health", actor=None)


def _seed_proposal(users: list[User], pi: User, title: str, topic: str, fate: str) -> None:
    directory = current_app.config["ATTACHMENT_DIR"]
    preparer = users[2]
    actor = preparer if fate == "prepared" else pi
    proposal = proposals.create_proposal(title=title, actor=actor, pi=pi)
    values = _text(title, topic) | ({} if fate == "incomplete" else _FULL)
    proposals.update_proposal(proposal, values, actor=actor)
    if fate == "incomplete":
        return
    if pi.id != users[1].id and fate != "prepared":
        proposals.add_member(proposal, users[1], TeamRole.CO_INVESTIGATOR, actor=pi)
    proposals.add_collaborator(
        proposal,
        name="Dr Kofi Mensah (fictional)",
        affiliation="Lakeside Institute (fictional)",
        role="Policy adviser",
        actor=actor,
    )
    plan = simple_pdf(
        [f"Research plan: {title}", "Fictional demonstration document.", "High-level description only; no protocols."]
    )
    proposals.add_attachment(proposal, filename="research-plan.pdf", content=plan, directory=directory, actor=actor)
    criteria_sets = active_sets_for(pi.institution_id)
    proposals.record_screening_answers(proposal, demo_answers(criteria_sets, DEMO_PROFILES.get(title, {})), actor=actor)
    if fate in ("draft", "prepared"):
        return
    if fate == "withdrawn":
        proposals.withdraw_proposal(proposal, reason="The course was merged into another programme.", actor=pi)
        return
    _sign(proposal, pi)
    amendments = int(fate.split()[1]) if fate.startswith("amended") else 0
    for number in range(1, amendments + 1):
        proposals.update_proposal(
            proposal,
            {
                "sites": f"{_FULL['sites']}; partner site {number} (fictional)",
                "aims": values["aims"] + f" {number + 3}. Share findings with partner institutions.",
            },
            actor=pi,
        )
        _sign(proposal, pi)
    if fate == "withdrawn-after":
        proposals.withdraw_proposal(proposal, reason="Funding was not renewed.", actor=pi)


def _sign(proposal: object, pi: User) -> None:
    proposals.submit_proposal(
        proposal,
        actor=pi,
        password=DEMO_PASSWORD,
        printed_name=pi.name,
        attested=True,
        criteria_sets=active_sets_for(pi.institution_id),
    )
