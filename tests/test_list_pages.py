"""Every list and dashboard page runs the same statements for a small world and a large one, and none of them
lazy-loads a relationship (tests/lazy.py): what a list shows is loaded by its query, however many rows it has.

Both worlds are the demo (`flask demo seed`: every role, a dozen proposals, decisions, reviews, meetings) plus
SMALL or LARGE more of each thing the pages list (`grow`), in the same institution and for the same people. Each
page is measured once in each world, by the person who sees the most of it, with the lazy-load guard on; a page
about one object (a proposal's reviews) may lazy-load that object's relations, and any page the reader's own.
The counts are equal, not merely bounded: every list here loads its relations with a fixed number of statements.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy import select

from portal.auth.models import User
from portal.auth.roles import Role
from portal.clock import utcnow
from portal.committees import operations as committees
from portal.committees.kinds import MemberRole
from portal.committees.models import Committee
from portal.demo.content import DEMO_PASSWORD, DEMO_USERS, IN_REVIEW_TITLE
from portal.demo.tokens import DEMO_API_TOKEN
from portal.extensions import db, limiter
from portal.institutions.models import Institution
from portal.meetings import operations as meetings
from portal.meetings.models import Meeting
from portal.proposals.models import Proposal
from tests.conftest import FreshContextClient, _make_app, sign_in
from tests.databases import TemplateDatabase
from tests.lazy import LazyLoadError, lazy_loads_refused
from tests.statements import counted_statements

# Beyond the demo, each world has this many more of every listed thing (never none: a list's first row brings
# its selectinload statements, so "none" against "many" would compare different pages).
SMALL, LARGE = 2, 12


@dataclass(frozen=True)
class ListPage:
    """A page that lists rows: its path (`{ire}`, `{meeting}`, `{proposal}` are filled from the world), who
    reads it (the person who sees the most of it), and `api` when it is an API operation read with the demo's
    token rather than a signed-in browser."""

    path: str
    reader: str
    api: bool = False
    subject: str | None = None  # "Class:{key}": the one object the page is about, whose relations may lazy-load
    grown: str = ""  # text only the large world's page shows (its rows did grow); "" for aggregates and fixed lists


COORDINATOR = "coordinator@northbridge.example"
# What each dashboard shows of the large world and not of the small; the others (the preparer, governance, admin,
# the stepped-back reviewer) show no grown rows: their dashboards are measured for lazy loads and a constant count.
DASHBOARD_GROWN = {
    "investigator@northbridge.example": "study 10",  # the growth alternates its proposals between the two PIs
    "investigator2@northbridge.example": "study 11",
    "reviewer@northbridge.example": "In review study 11",
    "community@northbridge.example": "In review study 11",
    "chair@northbridge.example": "study 11",
    "coordinator@northbridge.example": "Waiting study 11",
}
# Every list and dashboard page. A new list page goes here (test_every_list_page_is_counted fails until it does).
LIST_PAGES: dict[str, ListPage] = {
    **{
        f"home.dashboard[{u.email.split('@')[0]}]": ListPage(
            "/dashboard", u.email, grown=DASHBOARD_GROWN.get(u.email, "")
        )
        for u in DEMO_USERS
    },
    "routing.queue": ListPage("/triage", COORDINATOR, grown="Waiting study 11"),
    "committees.index": ListPage("/committees", COORDINATOR, grown="Advisory panel 11"),
    "committees.detail": ListPage("/committees/{ire}", COORDINATOR, grown="Extra Reviewer 11"),
    "meetings.index": ListPage("/meetings", COORDINATOR, grown="extra meeting 11"),
    "meetings.committee": ListPage("/meetings/committee/{ire}", COORDINATOR, grown="extra meeting 11"),
    "meetings.detail": ListPage("/meetings/{meeting}", COORDINATOR, grown="Awaiting study 11"),
    "decisions.register_page": ListPage("/decisions", COORDINATOR, grown="Decided study 11"),
    "reviews.proposal_reviews": ListPage("/proposals/{proposal}/reviews", COORDINATOR,
                                         subject="Proposal:{proposal}", grown="Extra Reviewer 11"),
    "reviews.assignments": ListPage("/proposals/{proposal}/assignments", COORDINATOR,
                                     subject="Proposal:{proposal}", grown="Extra Reviewer 11"),
    "audit.events": ListPage("/audit", "admin@northbridge.example", grown="Extra Reviewer 11"),
    "admin.accounts": ListPage("/admin/accounts", "admin@northbridge.example", grown="Extra Reviewer 11"),
    "auth.api_tokens": ListPage("/account/tokens", "investigator@northbridge.example"),
    "notifications.inbox_page": ListPage("/inbox", COORDINATOR, grown="study 11"),
    "screenings.criteria_sets": ListPage("/criteria", COORDINATOR),
    "reports.report_page": ListPage("/reports", "governance@northbridge.example", grown="Advisory panel 11"),
    "api.list_proposals": ListPage("/api/v1/proposals?per_page=100", COORDINATOR, api=True, grown="study 11"),
    "api.list_decisions": ListPage("/api/v1/decisions?per_page=100", COORDINATOR, api=True, grown="study 11"),
    "api.list_clocks": ListPage("/api/v1/clocks?per_page=100", COORDINATOR, api=True),
    "api.list_criteria_sets": ListPage("/api/v1/criteria-sets", COORDINATOR, api=True),
}


def _demo_people() -> list[User]:
    by_email = {user.email: user for user in db.session.scalars(select(User))}
    return [by_email[u.email] for u in DEMO_USERS]


def _ire() -> Committee:
    return db.session.scalar(select(Committee).where(Committee.name == "Institutional Review Entity"))


def grow(start: int, count: int) -> None:
    """`count` more of everything the list pages show: proposals waiting for triage, drafts, decided proposals,
    proposals in review and awaiting a decision, committees, meetings, reviewers with reviews, and (through all of
    it) audit events. Through the portal's own operations, as the demo seed does; all fictional."""
    from portal.decisions import operations as decisions
    from portal.decisions.queries import set_facts
    from portal.demo.decisions import _reviewed, _sign_by
    from portal.demo.review_round import _write, demo_review, seed_open_review
    from portal.demo.seed import _seed_proposal
    from portal.reviews.operations import assign_reviewer
    from portal.routing.operations import confirm_out_of_scope

    people = _demo_people()
    reviewer, chair, coordinator = people[3], people[4], people[5]
    ire = _ire()
    in_review = db.session.scalar(select(Proposal).where(Proposal.title == IN_REVIEW_TITLE))
    upcoming = db.session.scalar(select(Meeting).where(Meeting.title == "Review Entity: next monthly meeting"))
    topic = "a fictional study of oversight policy"
    for n in range(start, start + count):
        pi = people[n % 2]
        for fate, title in (("draft", "Draft"), ("submitted", "Waiting"), ("submitted", "Decided"),
                            ("submitted", "In review"), ("submitted", "Awaiting")):
            _seed_proposal(people, pi, f"{title} study {n}", topic, fate)
        db.session.flush()
        by_title = {p.title: p for p in db.session.scalars(select(Proposal).where(Proposal.title.like(f"% study {n}")))}
        decided = by_title[f"Decided study {n}"]
        confirm_out_of_scope(decided, reason="No criteria set applies.", actor=coordinator)
        db.session.flush()
        _sign_by(decisions.decide_out_of_scope(decided, set_facts(decided), actor=coordinator), coordinator)
        seed_open_review(f"In review study {n}", coordinator=coordinator, reviewers=[reviewer, people[8]],
                         stepped_back=people[10])
        _reviewed(by_title[f"Awaiting study {n}"], chair=chair, reviewer=reviewer, coordinator=coordinator)
        db.session.flush()
        meetings.add_proposal_item(upcoming, by_title[f"Awaiting study {n}"], actor=coordinator)
        meetings.schedule_meeting(ire, title=f"Review Entity: extra meeting {n}",
                                  starts_at=utcnow() + timedelta(days=20 + n), actor=coordinator)
        panel = committees.create_committee(institution_id=ire.institution_id, settings={
            "name": f"Advisory panel {n}", "kind": "ibc", "quorum_count": 2, "quorum_percent": None,
            "require_non_scientist": False}, actor=None)
        committees.add_member(panel, reviewer, role=MemberRole.MEMBER, actor=None)
        member = _new_reviewer(n, ire)
        assignment = assign_reviewer(in_review, ire, member, due_on=None, actor=coordinator)
        db.session.flush()
        _write(assignment, demo_review(assignment, rationale="A desk study.", recommendation="approve"))
    db.session.commit()


def _new_reviewer(n: int, ire: Committee) -> User:
    from portal.auth import operations as accounts

    member = accounts.create_user(email=f"extra.reviewer{n}@northbridge.example", name=f"Extra Reviewer {n}",
                                  institution=db.session.get(Institution, ire.institution_id), roles=[Role.REVIEWER],
                                  password=DEMO_PASSWORD, actor=None)
    committees.add_member(ire, member, role=MemberRole.MEMBER, expertise="policy", actor=None)
    return member


@dataclass
class Measured:
    statements: int
    lazy_loads: list[str]
    body: str


class Readers:
    """One signed-in browser per demo person, and the demo's API token for the API."""

    def __init__(self, app: Flask) -> None:
        self.app = app
        self._clients: dict[str, FreshContextClient] = {}
        self._ids = {user.email: user.id for user in db.session.scalars(select(User))}

    def get(self, page: ListPage, world: dict[str, int]):  # noqa: ANN201
        path = page.path.format(**world)
        if page.api:
            return self.app.test_client().get(path, headers={"Authorization": f"Bearer {DEMO_API_TOKEN}"})
        if page.reader not in self._clients:
            client = self.app.test_client()
            sign_in(client, page.reader, DEMO_PASSWORD)
            self._clients[page.reader] = client
        return self._clients[page.reader].get(path)

    def single_objects(self, page: ListPage, world: dict[str, int]) -> set[tuple[str, int]]:
        """The reader and the page's subject: one object each, whose own relations may lazy-load."""
        allowed = {("User", self._ids[page.reader])}
        if page.subject:
            kind, key = page.subject.format(**world).split(":")
            allowed.add((kind, int(key)))
        return allowed


def measure(readers: Readers, world: dict[str, int]) -> dict[str, Measured]:
    """Each page once, its statements counted and its lazy loads listed (listed rather than raised at once, so
    that one run reports every page, and a count is that of the whole page, not of the part before a raise)."""
    measured = {}
    for name, page in LIST_PAGES.items():
        readers.get(page, world)  # warm: the first request of a session (its user, its CSRF token) is not the page's
        lazy_loads: list[str] = []
        try:
            with lazy_loads_refused(allow=readers.single_objects(page, world), raise_at_once=False) as lazy_loads, \
                    counted_statements() as statements:
                response = readers.get(page, world)
        except LazyLoadError:
            pass
        assert response.status_code == 200, (name, response.status_code)
        measured[name] = Measured(len(statements), lazy_loads, response.get_data(as_text=True))
    return measured


@dataclass
class Worlds:
    small: dict[str, Measured]
    large: dict[str, Measured]


@pytest.fixture(scope="module")
def worlds(template_db: TemplateDatabase, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Worlds]:
    """The demo with SMALL more of each listed thing, measured; then with LARGE more, measured again."""
    tmp = tmp_path_factory.mktemp("list-pages")
    url = template_db.copy_url(tmp)
    app = _make_app(url, Path(tmp) / "instance")
    app.test_client_class = FreshContextClient
    limiter.reset()
    with app.app_context():
        result = app.test_cli_runner().invoke(args=["demo", "seed"])
        assert result.exit_code == 0, result.output
        grow(0, SMALL)
        held = db.session.scalar(select(Meeting).where(Meeting.title == "Review Entity: next monthly meeting"))
        in_review = db.session.scalar(select(Proposal).where(Proposal.title == IN_REVIEW_TITLE))
        ids = {"ire": _ire().id, "meeting": held.id, "proposal": in_review.id}
        readers = Readers(app)
        small = measure(readers, ids)
        grow(SMALL, LARGE - SMALL)
        large = measure(readers, ids)
        yield Worlds(small, large)
        db.session.remove()
        db.engine.dispose()
    template_db.release(url)


@pytest.mark.parametrize("name", LIST_PAGES)
def test_the_page_runs_the_same_statements_for_the_demo_and_a_larger_world(worlds: Worlds, name: str) -> None:
    small, large = worlds.small[name], worlds.large[name]
    print(f"{name}: {small.statements} statements with {SMALL} more of each row, {large.statements} with {LARGE}")
    assert large.statements == small.statements, f"{name}: {small.statements} -> {large.statements}"


@pytest.mark.parametrize("name", LIST_PAGES)
def test_the_page_does_not_lazy_load(worlds: Worlds, name: str) -> None:
    assert worlds.small[name].lazy_loads == [], name
    assert worlds.large[name].lazy_loads == [], name


@pytest.mark.parametrize("name", [name for name, page in LIST_PAGES.items() if page.grown])
def test_the_large_world_shows_more_rows(worlds: Worlds, name: str) -> None:
    """Else the two counts above would be of the same page."""
    grown = LIST_PAGES[name].grown
    assert grown not in worlds.small[name].body and grown in worlds.large[name].body, name


# GET routes without an id that list nothing (forms, single documents, files), or whose statement count is tested
# where the page's feature is (the file named). A new GET route must go into LIST_PAGES or here, with its reason.
NOT_LIST_PAGES = {
    "home.index": "redirects",
    "auth.change_password": "a form",
    "notifications.preferences": "a form",
    "auth.mfa_setup": "a form",
    "auth.sign_in": "a form",
    "auth.second_factor": "a form",
    "auth.forgot_password": "a form",
    "auth.request_account": "a form",
    "admin.invite": "a form",
    "committees.create": "a form",
    "proposals.create": "a form",
    "records.verify": "a form",
    "whatif.start": "a form; its result page is counted in tests/reports/test_whatif.py",
    "reports.report_csv_download": "a file of aggregates",
    "reports.report_pdf_download": "a file of aggregates, counted in tests/reports/test_report_pdf.py",
    "reports.report_chart": "an image of aggregates, counted in tests/reports/test_report_charts.py",
    "api.audit_status": "one status",
    "api.docs": "documentation",
    "api.openapi": "documentation",
    "api.governance_report": "aggregates, computed as for the reports page",
    "static": "files",
}


def test_every_list_page_is_counted(app: Flask) -> None:
    """Every GET route without an id, and every route this module measures, is classified: a list page measured
    above, or named in NOT_LIST_PAGES with its reason. A new list page fails here until it has its count test."""
    measured = {name.split("[")[0] for name in LIST_PAGES}
    routes = {rule.endpoint: rule for rule in app.url_map.iter_rules() if "GET" in (rule.methods or ())}
    unclassified = sorted(
        endpoint for endpoint, rule in routes.items()
        if not rule.arguments and endpoint not in measured and endpoint not in NOT_LIST_PAGES
    )
    assert unclassified == [], f"list pages without a statement-count test (add to LIST_PAGES): {unclassified}"
    assert measured <= set(routes), f"LIST_PAGES names routes that no longer exist: {measured - set(routes)}"
    assert set(NOT_LIST_PAGES) <= set(routes), f"stale NOT_LIST_PAGES: {set(NOT_LIST_PAGES) - set(routes)}"


def test_the_guard_refuses_a_lazy_load_and_lets_selectinload_through(app: Flask, factory) -> None:  # noqa: ANN001
    from sqlalchemy.orm import selectinload

    from portal.institutions.operations import add_department

    institution = factory.institution()
    factory.user(Role.INVESTIGATOR, institution=institution).department = add_department(institution, "Ethics",
                                                                                         actor=None)
    db.session.commit()
    db.session.expunge_all()
    with lazy_loads_refused():
        people = db.session.scalars(select(User).options(selectinload(User.department))).all()
        assert any(person.department for person in people)
    db.session.expunge_all()
    with pytest.raises(LazyLoadError, match="User.department"), lazy_loads_refused():
        for person in db.session.scalars(select(User)).all():
            person.department  # noqa: B018 - the lazy load under test
