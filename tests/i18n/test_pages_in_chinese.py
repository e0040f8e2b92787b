"""Acceptance 3 (issue 9), the pages half: in Chinese, the sign-in page and every demo person's dashboard show
none of the English of the templates translated so far. The English looked for is each msgid of the catalogue that
occurs in those templates (tags and placeholders taken out); the data on the page (names, e-mails, institutions,
titles from the demo) and the labels that pure modules still give in English are taken out of the text first."""

from __future__ import annotations

import dataclasses
import json
import re
from html.parser import HTMLParser

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from portal.auth.models import User
from portal.auth.roles import ROLE_LABELS, Role
from portal.committees.kinds import MEMBER_ROLE_LABELS, STANDARD_KINDS
from portal.committees.models import Committee
from portal.demo.seed import DEMO_PASSWORD, DEMO_USERS
from portal.extensions import db
from portal.institutions.models import Department, Institution
from portal.meetings.models import Meeting
from portal.proposals.fields import CHOICE_LABELS, FIELDS
from portal.proposals.models import Proposal
from portal.proposals.operations import ATTESTATION
from portal.proposals.states import NEXT_STEP, STATE_LABELS, ProposalState
from portal.proposals.submission import MEANINGS
from tests.conftest import csrf_token, sign_in
from tests.i18n.catalogue import POT, read

CHINESE = {"Accept-Language": "zh-CN,zh;q=0.9"}
SHELL = ("templates/base.html", "templates/_macros.html")
# Labels that pure modules define in English (marked with N_) and pages translate where they show them; their
# catalogue locations are the modules, not the templates, so the checks add them by name.
PURE_LABELS = {*ROLE_LABELS.values(), *STATE_LABELS.values(), *NEXT_STEP.values()}
CLOCK_STATUSES = {"Overdue", "Due soon", "Open", "Done"}


class _Text(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: list) -> None:
        self._skip += tag in ("script", "style")

    def handle_endtag(self, tag: str) -> None:
        self._skip -= tag in ("script", "style")

    def handle_data(self, data: str) -> None:
        if not self._skip:
            self.parts.append(data)


def visible_text(page: str) -> str:
    parser = _Text()
    parser.feed(page)
    return " ".join(" ".join(parser.parts).split())


def english_of(templates: tuple[str, ...]) -> set[str]:
    """The English fragments of every msgid that occurs in the templates, without markup or placeholders."""
    fragments = set()
    for message in read(POT):
        if not message.id or not any(path in templates for path, _line in message.locations):
            continue
        for msgid in [message.id] if isinstance(message.id, str) else message.id:
            text = re.sub(r"<[^>]+>", " ", msgid)
            for piece in re.split(r"%\(\w+\)[sd]", text):
                piece = piece.strip(" .,:;()?")
                if re.search(r"[A-Za-z]{2,}", piece):
                    fragments.add(piece)
    return fragments


def without_data(text: str, data: list[str]) -> str:
    for value in sorted(data, key=len, reverse=True):
        text = text.replace(value, " ")
    return text


def english_left(text: str, fragments: set[str]) -> list[str]:
    return sorted(f for f in fragments if re.search(r"(?<![A-Za-z])" + re.escape(f) + r"(?![A-Za-z])", text))


def demo_data() -> list[str]:
    values: list[str] = []
    for user in db.session.scalars(select(User)):
        values += [user.name, user.email]
    for institution in db.session.scalars(select(Institution)):
        values += [institution.name, institution.short_name]
    values += list(db.session.scalars(select(Department.name)))
    values += list(db.session.scalars(select(Proposal.title)))
    values += list(db.session.scalars(select(Committee.name)))
    values += list(db.session.scalars(select(Meeting.title)))
    return [v for v in values if v]


@pytest.fixture
def demo(app: Flask) -> Flask:
    result = app.test_cli_runner().invoke(args=["demo", "seed"])
    assert result.exit_code == 0, result.output
    return app


def test_the_sign_in_page_in_chinese_has_no_english_of_its_templates(demo: Flask, client: FlaskClient) -> None:
    page = client.get("/sign-in", headers=CHINESE).get_data(as_text=True)
    fragments = english_of((*SHELL, "templates/auth/sign_in.html")) | {"E-mail address", "Password"}
    text = without_data(visible_text(page), demo_data())
    assert "登录" in text
    assert english_left(text.replace("English", " "), fragments) == []  # the switch names English in English


@pytest.mark.parametrize("email", [u.email for u in DEMO_USERS])
def test_every_dashboard_in_chinese_has_no_english_of_its_templates(demo: Flask, client: FlaskClient,
                                                                   email: str) -> None:
    person = db.session.scalar(select(User).where(User.email == email))
    person.locale = "zh_CN"
    db.session.commit()
    sign_in(client, email, DEMO_PASSWORD)
    page = client.get("/dashboard", headers={"Accept-Language": "en"})
    if page.status_code == 302:  # staff who must enrol in two-step sign-in first
        page = client.get(page.headers["Location"])
    assert page.status_code == 200
    text = without_data(visible_text(page.get_data(as_text=True)), demo_data())
    assert "工作台" in text
    fragments = english_of((*SHELL, "templates/home/dashboard.html", "templates/auth/mfa_setup.html"))
    assert english_left(text, fragments | PURE_LABELS | CLOCK_STATUSES) == []


def test_the_check_finds_english_when_the_page_is_english(demo: Flask, client: FlaskClient) -> None:
    """The positive control: the same check on the English page finds the template's words."""
    page = client.get("/sign-in").get_data(as_text=True)
    text = without_data(visible_text(page), demo_data())
    assert {"Sign in", "Forgot your password?".strip("?")} <= set(english_left(text, english_of(
        (*SHELL, "templates/auth/sign_in.html"))))


def test_the_dashboard_check_finds_the_labels_when_the_page_is_english(demo: Flask) -> None:
    """The positive control for the labels of pure modules: an English dashboard shows roles and states."""
    found: set[str] = set()
    for person in DEMO_USERS:
        client = demo.test_client()
        sign_in(client, person.email, DEMO_PASSWORD)
        page = client.get("/dashboard")
        if page.status_code == 200:
            text = without_data(visible_text(page.get_data(as_text=True)), demo_data())
            found |= set(english_left(text, PURE_LABELS))
    assert found & set(ROLE_LABELS.values()) and found & set(STATE_LABELS.values()), found


PROPOSAL_PAGES = ("templates/proposals/detail.html", "templates/proposals/edit.html", "templates/proposals/new.html",
                  "templates/proposals/submit.html", "templates/proposals/withdraw.html",
                  "templates/proposals/version.html")
FIELD_LABELS = {spec.label for spec in FIELDS} | {label for labels in CHOICE_LABELS.values()
                                                  for label in labels.values()}
# What a signature records is kept verbatim, in English, as signed: the attestation and the signature's meaning.
SIGNED_TEXT = [ATTESTATION, *(f"{meaning} as principal investigator" for meaning in MEANINGS.values())]
UNITS = {"MB"}  # "%(size)s MB" leaves the unit, which the Chinese keeps too


def without_screening_results(page: str) -> str:
    """A screening result quotes its criteria set (titles, outcomes, clauses): the set's text, in the set's own
    languages, not the portal's. Those articles are taken out of proposal pages before the check."""
    return re.sub(r'<article class="screening\b.*?</article>', " ", page, flags=re.DOTALL)


def _in_chinese(client: FlaskClient, person: User) -> None:
    person.locale = "zh_CN"
    db.session.commit()
    sign_in(client, person.email, DEMO_PASSWORD)


# The states the demo has a proposal in (submitted, revisions requested, decided and closed are passed through).
DEMO_STATES = [state for state in ProposalState if state not in (
    ProposalState.SUBMITTED, ProposalState.REVISIONS_REQUESTED, ProposalState.DECIDED, ProposalState.CLOSED)]


@pytest.mark.parametrize("state", DEMO_STATES)
def test_every_demo_proposals_pages_in_chinese_have_no_english_of_their_templates(demo: Flask, client: FlaskClient,
                                                                                 state: ProposalState) -> None:
    """A proposal's page, and its edit, submit, withdraw and version pages when it has them, seen by its PI."""
    proposal = db.session.scalar(select(Proposal).where(Proposal.state == state.value).order_by(Proposal.id))
    assert proposal is not None, f"the demo has no {state.value} proposal any more"
    _in_chinese(client, proposal.pi)
    base = f"/proposals/{proposal.id}"
    paths = [base, f"{base}/edit", f"{base}/submit", f"{base}/withdraw", f"{base}/versions/1"]
    checked = 0
    for path in paths:
        page = client.get(path)
        if page.status_code != 200:
            continue
        checked += 1
        text = without_data(visible_text(without_screening_results(page.get_data(as_text=True))),
                            demo_data() + SIGNED_TEXT)
        assert "提案" in text or "版" in text, path
        fragments = (english_of((*SHELL, *PROPOSAL_PAGES)) - UNITS) | FIELD_LABELS | set(STATE_LABELS.values())
        assert english_left(text, fragments) == [], path
    assert checked


def test_the_new_proposal_page_in_chinese_has_no_english_of_its_template(demo: Flask, client: FlaskClient) -> None:
    investigator = next(u for u in db.session.scalars(select(User)) if u.has_role(Role.INVESTIGATOR))
    _in_chinese(client, investigator)
    text = visible_text(client.get("/proposals/new").get_data(as_text=True))
    assert "新建提案" in text
    assert english_left(without_data(text, demo_data()), english_of((*SHELL, "templates/proposals/new.html"))) == []


QUESTIONNAIRE = ("templates/screenings/questionnaire.html", "templates/screenings/_result.html")


def criteria_text(value: object) -> list[str]:
    """Every string a criteria set holds (titles, questions, help, choices, outcomes, clauses): the set's own text,
    which the set translates (review_criteria/), not the portal's catalogue."""
    if isinstance(value, str):
        value = " ".join(value.split())  # as the page shows it: YAML folded text ends with a newline
        return [value] if len(value) > 3 else []
    if dataclasses.is_dataclass(value):
        return [s for f in dataclasses.fields(value) for s in criteria_text(getattr(value, f.name))]
    if isinstance(value, dict):
        return [s for item in value.items() for s in criteria_text(item)]
    if isinstance(value, (list, tuple, set, frozenset)):
        return [s for item in value for s in criteria_text(item)]
    return []


@pytest.mark.parametrize("state", [ProposalState.DRAFT, ProposalState.IN_REVIEW, ProposalState.AWAITING_DECISION])
def test_the_questionnaire_in_chinese_has_no_english_of_its_templates(demo: Flask, client: FlaskClient,
                                                                    state: ProposalState) -> None:
    """The questionnaire (editable for a draft, read-only with its screening preview once submitted), seen by the PI:
    its chrome and the screening result's are in Chinese; the criteria text is the set's and is taken out first."""
    proposal = db.session.scalar(select(Proposal).where(Proposal.state == state.value).order_by(Proposal.id))
    assert proposal is not None, f"the demo has no {state.value} proposal any more"
    _in_chinese(client, proposal.pi)
    page = client.get(f"/proposals/{proposal.id}/screening")
    assert page.status_code == 200
    # The engine's clauses quote the criteria's conditions and choices, composed: the set's text as well.
    text = visible_text(re.sub(r'<ul class="clauses">.*?</ul>', " ", page.get_data(as_text=True), flags=re.DOTALL))
    assert "筛查问题" in text
    answers = criteria_text(json.loads(proposal.screening_answers))  # what the PI wrote is data too
    text = without_data(text, demo_data() + answers + criteria_text(list(demo.extensions["criteria_sets"].values())))
    fragments = english_of((*SHELL, *QUESTIONNAIRE)) | {"Yes", "No", "Not sure"}
    assert english_left(text, fragments) == []


COMMITTEE_PAGES = ("templates/committees/_macros.html", "templates/committees/list.html",
                   "templates/committees/detail.html", "templates/committees/form.html")


def test_the_committee_pages_in_chinese_have_no_english_of_their_templates(demo: Flask, client: FlaskClient) -> None:
    """The coordinator's committee list, every committee's page and settings form, and the new-committee form."""
    coordinator = next(u for u in db.session.scalars(select(User).order_by(User.id)) if u.has_role(Role.COORDINATOR))
    _in_chinese(client, coordinator)
    committees = db.session.scalars(select(Committee).where(Committee.institution_id == coordinator.institution_id))
    paths = ["/committees", "/committees/new"]
    for committee in committees:
        paths += [f"/committees/{committee.id}", f"/committees/{committee.id}/edit"]
    assert len(paths) > 2
    labels = {*STANDARD_KINDS.values(), *MEMBER_ROLE_LABELS.values()}
    for path in paths:
        page = client.get(path)
        assert page.status_code == 200, path
        text = without_data(visible_text(page.get_data(as_text=True)), demo_data())
        assert "审查委员会" in text, path
        assert english_left(text, english_of((*SHELL, *COMMITTEE_PAGES)) | labels) == [], path


ROUTING_PAGES = ("templates/routing/queue.html", "templates/routing/triage.html", "templates/screenings/_result.html")


def test_the_triage_pages_in_chinese_have_no_english_of_their_templates(demo: Flask, client: FlaskClient) -> None:
    """The coordinator's triage queue and the triage page of every screened proposal; the screenings' criteria text,
    committee names and the sets' routing reasons are the data's."""
    coordinator = next(u for u in db.session.scalars(select(User).order_by(User.id)) if u.has_role(Role.COORDINATOR))
    _in_chinese(client, coordinator)
    screened = db.session.scalars(select(Proposal).where(Proposal.state == ProposalState.SCREENED.value,
                                                         Proposal.institution_id == coordinator.institution_id))
    paths = ["/triage", *(f"/proposals/{proposal.id}/triage" for proposal in screened)]
    assert len(paths) > 1
    data = demo_data() + criteria_text(list(demo.extensions["criteria_sets"].values()))
    for path in paths:
        page = client.get(path)
        assert page.status_code == 200, path
        html = page.get_data(as_text=True)
        if path != "/triage":  # a screening result's clauses compose the criteria's text
            html = re.sub(r'<ul class="clauses">.*?</ul>', " ", html, flags=re.DOTALL)
        text = without_data(visible_text(html), data)
        assert "初审分派" in text, path
        fragments = english_of((*SHELL, *ROUTING_PAGES)) | {*STANDARD_KINDS.values()}
        assert english_left(text, fragments) == [], path


def test_a_new_drafts_completeness_check_in_chinese_has_no_english(demo: Flask, client: FlaskClient) -> None:
    """An empty draft lists every missing field, the missing document and the unanswered screening questions."""
    investigator = next(u for u in db.session.scalars(select(User)) if u.has_role(Role.INVESTIGATOR))
    _in_chinese(client, investigator)
    created = client.post("/proposals/new", data={"csrf_token": csrf_token(client, "/proposals/new"),
                                                  "title": "Draft for the check"})
    assert created.status_code == 302, created.get_data(as_text=True)
    page = client.get(created.headers["Location"].removesuffix("/edit"))
    text = without_data(visible_text(without_screening_results(page.get_data(as_text=True))), demo_data())
    assert "尚未填写" in text
    fragments = english_of((*SHELL, *PROPOSAL_PAGES, "portal/proposals/completeness.py")) - UNITS
    assert english_left(text.replace("Draft for the check", " "), fragments | FIELD_LABELS) == []
