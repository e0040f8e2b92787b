"""Demo data. Everything here is fictional and stays at the level of public policy language."""

from __future__ import annotations

from dataclasses import dataclass

from flask import current_app
from sqlalchemy import select

from portal.auth import operations as accounts
from portal.auth.models import User
from portal.auth.roles import Role
from portal.committees import operations as committees
from portal.committees.kinds import MemberRole
from portal.demo.answers import demo_answers
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

DEMO_INSTITUTION = "Northbridge University (fictional)"
# Every shipped set except the legacy 2012/2014 policy, which an institution would apply only by choice.
DEMO_INACTIVE_SETS = {"usg-durc-2014"}
TRIAGED_TITLE = "Community clinic surveillance of seasonal respiratory illness (observational)"
IN_REVIEW_TITLE = "Comparative review of dual-use research policy frameworks"
# Screening answers that make the demo show more than "out of scope" (all fictional, policy level only).
DEMO_PROFILES: dict[str, dict] = {
    "Community clinic surveillance of seasonal respiratory illness (observational)": {
        "agents.works_with_agents": "yes",
        "agents.groups": ["unsure"],
        "durc24.cat1_outcomes": ["unsure"],
    },
    "Literature triage with machine learning for biosafety review offices": {"ai.uses_bio_ai_tools": "yes"},
    "Wastewater monitoring of antimicrobial resistance trends": {
        "agents.works_with_agents": "yes",
        "agents.groups": ["none_of_these"],
    },
}
DEMO_PASSWORD = "northbridge-demo-2026"  # noqa: S105 - printed for the demo on purpose


@dataclass(frozen=True)
class DemoUser:
    email: str
    name: str
    roles: tuple[Role, ...]
    department: str


DEMO_USERS = (
    DemoUser("investigator@northbridge.example", "Dr Amara Okafor", (Role.INVESTIGATOR,), "Microbiology"),
    DemoUser("investigator2@northbridge.example", "Dr Lin Wei", (Role.INVESTIGATOR,), "Computational Biology"),
    DemoUser("preparer@northbridge.example", "Sam Patel", (Role.INVESTIGATOR,), "Microbiology"),
    DemoUser("reviewer@northbridge.example", "Prof Jonas Berg", (Role.REVIEWER,), "Immunology"),
    DemoUser("chair@northbridge.example", "Prof Helena Duarte", (Role.CHAIR, Role.REVIEWER), "Public Health"),
    DemoUser("coordinator@northbridge.example", "Maya Chen", (Role.COORDINATOR,), "Research Office"),
    DemoUser("governance@northbridge.example", "Robert Adeyemi", (Role.GOVERNANCE,), "Research Office"),
    DemoUser("admin@northbridge.example", "Ines Moreau", (Role.ADMIN,), "Research Office"),
    DemoUser("community@northbridge.example", "Grace Whitfield (community member)", (Role.REVIEWER,), "Public Health"),
)
DEPARTMENTS = ("Microbiology", "Immunology", "Computational Biology", "Public Health", "Research Office")

_FULL = {
    "funding_source": "federal",
    "funding_agency": "National Research Agency (fictional)",
    "award_number": "NRA-2026-0000",
    "sites": "Northbridge University main campus laboratories",
    "countries": "Fictional Republic",
    "containment_level": "bsl2",
}


def _text(title: str, topic: str) -> dict[str, str]:
    return {
        "title": title,
        "lay_summary": f"This fictional demonstration project studies {topic}. It exists only to show "
        "how the portal handles a proposal.",
        "aims": f"1. Describe current practice in {topic}. 2. Identify gaps in oversight. "
        "3. Recommend improvements to institutional review.",
        "methods_summary": "A desk review of published literature and policy documents, interviews with "
        "practitioners, and a structured comparison. No laboratory protocols are involved.",
    }


# (PI index, title, topic, what happens: draft | incomplete | submitted | amended N | withdrawn | withdrawn-after)
DEMO_PROPOSALS = (
    (
        0,
        "Wastewater monitoring of antimicrobial resistance trends",
        "public health surveillance of antimicrobial resistance",
        "submitted",
    ),
    (0, "Public attitudes to biosafety oversight: a survey study", "public attitudes to oversight", "draft"),
    (
        1,
        "Literature triage with machine learning for biosafety review offices",
        "automated literature triage for review offices",
        "amended 1",
    ),
    (0, "Soil microbiome diversity in urban parks", "soil ecology in city parks", "submitted"),
    (1, "A graduate curriculum in responsible life sciences", "teaching responsible research", "withdrawn"),
    (
        1,
        "Customer screening workflows of nucleic acid synthesis providers",
        "how providers screen orders and customers, as described in public guidance",
        "submitted",
    ),
    (
        0,
        "Community clinic surveillance of seasonal respiratory illness (observational)",
        "observational surveillance in community clinics",
        "amended 2",
    ),
    (
        1,
        "Managed access to protein design tools: a governance study",
        "governance of access to AI-enabled biological design tools",
        "incomplete",
    ),
    (0, "Field diagnostics for plant disease: an evaluation", "field diagnostics in agriculture", "withdrawn-after"),
    (1, "Cold-chain logistics for vaccine distribution: a modelling study", "vaccine logistics", "submitted"),
    (0, "Maintenance audit of biosafety cabinets", "equipment maintenance records", "prepared"),
    (
        1,
        "Comparative review of dual-use research policy frameworks",
        "national and international dual-use research policies",
        "submitted",
    ),
)


def demo_exists() -> bool:
    return db.session.scalar(select(Institution.id).where(Institution.name == DEMO_INSTITUTION)) is not None


def seed_demo() -> list[DemoUser]:
    """Create the demo institution, users and proposals; the caller commits."""
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
    _seed_triage(institution, coordinator=users[5])
    _seed_review(users)
    return list(DEMO_USERS)


def _seed_review(users: list[User]) -> None:
    """The triaged proposal went through a revision round, was voted on at a meeting and awaits the decision;
    another is in review with a draft and a review not started."""
    from portal.demo.meetings import seed_meetings
    from portal.demo.review_round import seed_open_review, seed_revision_round

    db.session.flush()
    triaged = db.session.scalar(select(Proposal).where(Proposal.title == TRIAGED_TITLE))
    seed_revision_round(triaged, chair=users[4], coordinator=users[5])
    seed_meetings(triaged, chair=users[4], coordinator=users[5])
    seed_open_review(IN_REVIEW_TITLE, coordinator=users[5], reviewers=[users[3], users[8]])


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
