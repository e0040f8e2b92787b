"""XSS and template injection (security-test-plan.md checks 8 and 11): about forty payloads are written, through
the portal's operations, into every free-text field a person can fill in, then every GET page is fetched, with
every id, by each person who may see them. On every HTML page: no payload appears raw, none becomes a tag or an
on* attribute, no link, source or form action starts with javascript: or data:, and template syntax is shown as
typed, never evaluated. Positive control: each payload appears, escaped, somewhere. The signed decision record
(PDF) prints the payloads literally too."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from html.parser import HTMLParser

import pytest
from flask import Flask
from markupsafe import escape

from portal.auth.models import User
from portal.auth.operations import request_account
from portal.auth.roles import Role
from portal.clock import utcnow
from portal.committees.kinds import MemberRole
from portal.committees.operations import add_member
from portal.conflicts.operations import declare_conflict
from portal.decisions.models import Decision
from portal.decisions.monitoring import file_appeal, submit_evidence
from portal.decisions.operations import make_decision, sign_decision
from portal.decisions.queries import set_facts
from portal.decisions.rules import ConditionDraft, DecisionDraft
from portal.demo.answers import demo_answers
from portal.extensions import db
from portal.meetings import operations as meetings
from portal.proposals import operations as proposal_ops
from portal.proposals.models import Proposal
from portal.records.render import rendering_unavailable_reason
from portal.reviews.operations import complete_review
from portal.revisions.operations import ItemDraft, answer_items, resubmit, send_revision_request
from portal.routing.operations import triage_proposal
from portal.screenings.operations import set_criteria_set_active
from portal.screenings.queries import active_sets_for
from portal.screenings.registry import all_sets
from tests.databases import IN_CI
from tests.factories import PASSWORD, Factory
from tests.leaks.test_canary_crawl import crawl_urls
from tests.leaks.world import _review
from tests.records.conftest import pdf_text, squeezed
from tests.reviews.conftest import World, client_for
from tests.routing.test_triage import REFERRED, _committee

# Markup: must never reach a page unescaped.
MARKUP = [
    "<script>alert(1)</script>",
    "<ScRiPt>alert(2)</sCrIpT>",
    "<img src=x onerror=alert(3)>",
    '"><svg onload=alert(4)>',
    "'><svg/onload=alert(5)>",
    "</textarea><script>alert(6)</script>",
    "</title><script>alert(7)</script>",
    "</style><script>alert(8)</script>",
    "<iframe src=javascript:alert(9)></iframe>",
    '<a href="javascript:alert(10)">link</a>',
    '<a href="data:text/html,<script>alert(11)</script>">d</a>',
    "<body onload=alert(12)>",
    "<input autofocus onfocus=alert(13)>",
    "<details open ontoggle=alert(14)>",
    "<math><mtext><textarea><path id=</textarea><img onerror=alert(15) src=1>",
    '<object data="data:text/html,x"></object>',
    "<base href=//evil.example/>",
    '<meta http-equiv="refresh" content="0;url=javascript:alert(16)">',
    "<form action=javascript:alert(17)><button>go</button></form>",
    '" onmouseover="alert(18)',
    "' onmouseover='alert(19)",
    "]]><script>alert(20)</script>",
    "<![CDATA[<script>alert(21)</script>]]>",
    "<style>*{background:url(javascript:alert(22))}</style>",
    '<div style="x:expression(alert(23))">',
    "&#60;svg/onload=alert(24)&#62;",
    "\"'`<>&",
    "<x onclick=alert(25)>click",
    '<noscript><p title="</noscript><img src=x onerror=alert(26)>">',
]
# Harmless as text, dangerous only inside an unquoted attribute or as a URL: must stay text.
PLAIN = [
    "x onmouseover=alert(27)",
    "x onfocus=alert(28) autofocus",
    "javascript:alert(29)",
    "data:text/html;base64,PHNjcmlwdD5hbGVydCgzMCk8L3NjcmlwdD4=",
    "vbscript:msgbox(31)",
    "JaVaScRiPt:alert(32)",
]
# Template syntax, fenced by markers so that an evaluation (49, a config dump) would be seen in its place.
TEMPLATE = [
    "TI-A{{7*7}}TI-B",
    "TI-C{{ config }}TI-D",
    "TI-E{% raw %}x{% endraw %}TI-F",
    "TI-G${7*7}TI-H",
    "TI-I#{7*7}TI-J",
    "TI-K{{ request.application.__globals__ }}TI-L",
    "TI-M{{ self._TemplateReference__context }}TI-N",
]
PAYLOADS = MARKUP + PLAIN + TEMPLATE
ALL = " ".join(PAYLOADS)
EVALUATED = ["TI-A49TI-B", "TI-G49TI-H", "TI-I49TI-J", "TI-Ex TI-F", "TI-C<Config", "SECRET_KEY"]
KEPT_NOT_SHOWN = {"XF-conflict", "XF-triage", "XF-withdrawal"}  # reasons kept for the record; no page shows them
URL_ATTRIBUTES = {"href", "src", "action", "formaction", "data", "poster", "background", "xlink:href"}
BAD_SCHEMES = ("javascript:", "data:", "vbscript:")


def fitting(start: int, limit: int) -> str:
    """Whole payloads, from `start` on (wrapping round), as many as fit in `limit` characters."""
    chosen: list[str] = []
    for k in range(len(PAYLOADS)):
        payload = PAYLOADS[(start + k) % len(PAYLOADS)]
        if len(" ".join([*chosen, payload])) > limit:
            break
        chosen.append(payload)
    return " ".join(chosen)


class Corpus:
    """Hands out each field's text: a tag naming the field (so the crawl can show the field reached a page),
    then the whole corpus, or for a short field as many payloads as fit, starting further on each time."""

    def __init__(self) -> None:
        self.tags: set[str] = set()
        self._start = 0

    def text(self, field: str, limit: int | None = None) -> str:
        tag = f"XF-{field}"
        self.tags.add(tag)
        if limit is None:
            return f"{tag} {ALL}"
        self._start += 3
        return f"{tag} {fitting(self._start, limit - len(tag) - 1)}"


@dataclass
class XssWorld:
    people: list[User]
    decision: Decision
    tags: set[str]


def _proposal(factory: Factory, pi: User, corpus: Corpus, *, submit: bool) -> Proposal:
    """A proposal with the corpus in every text field, an external collaborator and an attachment's name."""
    from flask import current_app

    proposal = factory.proposal(pi, title=corpus.text("title", 300))
    long_fields = {name: corpus.text(name) for name in ("lay_summary", "aims", "methods_summary", "sites")}
    short_fields = {name: corpus.text(name, limit)
                    for name, limit in (("countries", 1000), ("funding_agency", 200), ("award_number", 100))}
    proposal_ops.update_proposal(proposal, {**long_fields, **short_fields}, actor=pi)
    proposal_ops.add_collaborator(proposal, name=corpus.text("collaborator", 200),
                                  affiliation=corpus.text("affiliation", 300), role=corpus.text("role", 100),
                                  actor=pi)
    proposal_ops.add_attachment(proposal, filename=corpus.text("filename", 190), content=factory.pdf(),
                                directory=current_app.config["ATTACHMENT_DIR"], actor=pi)
    if submit:
        sets = active_sets_for(pi.institution_id)
        proposal_ops.record_screening_answers(proposal, demo_answers(sets, REFERRED), actor=pi)
        proposal_ops.submit_proposal(proposal, actor=pi, password=PASSWORD, printed_name=pi.name, attested=True,
                                     criteria_sets=sets)
    db.session.commit()
    return proposal


def _people(factory: Factory, corpus: Corpus) -> World:
    """An institution, its committees and its people, every name made of payloads."""
    institution = factory.institution(name=corpus.text("institution", 200))
    set_criteria_set_active(institution, all_sets()["usg-durc-pepp-2024"], True, actor=None)
    ire = _committee(institution, corpus.text("committee", 200), "ire")
    ibc = _committee(institution, "Biosafety Committee", "ibc")
    chair = factory.user(Role.CHAIR, Role.REVIEWER, institution=institution, name=corpus.text("chair", 200))
    reviewer = factory.user(Role.REVIEWER, institution=institution, name=corpus.text("reviewer", 200))
    coordinator = factory.user(Role.COORDINATOR, institution=institution, name=corpus.text("coordinator", 200))
    add_member(ire, chair, role=MemberRole.CHAIR, actor=None)
    add_member(ire, reviewer, role=MemberRole.MEMBER, expertise=corpus.text("expertise", 500), actor=None)
    db.session.commit()
    return World(institution, ire, ibc, chair, reviewer, coordinator, None)  # type: ignore[arg-type]


def _meeting_and_decision(w: World, proposal: Proposal, corpus: Corpus) -> Decision:
    meeting = meetings.schedule_meeting(w.ire, title=corpus.text("meeting", 200),
                                        location=corpus.text("location", 200), starts_at=utcnow(), actor=w.coordinator)
    item = meetings.add_proposal_item(meeting, proposal, actor=w.coordinator)
    for person in (w.chair, w.reviewer):
        meetings.record_attendance(meeting, person, present=True, actor=w.coordinator)
    meetings.start_meeting(meeting, actor=w.chair)
    meetings.record_notes(item, notes=corpus.text("notes"), actor=w.chair)
    meetings.end_meeting(meeting, actor=w.chair)
    meetings.generate_minutes(meeting, actor=w.chair)
    meetings.edit_minutes(meeting, general=corpus.text("minutes"), sections={item.id: corpus.text("item-minutes")},
                          opened_lock=meeting.lock_version, actor=w.chair)
    sets = set_facts(proposal)
    due = utcnow().date() + timedelta(days=30)
    draft = DecisionDraft(outcome="approved_with_conditions", rationale=corpus.text("rationale"),
                          conditions=[ConditionDraft(corpus.text("condition"), "investigator", due)])
    for facts in sets:
        draft.determinations[facts.set_id] = ("category_1", corpus.text("determination"))
        for criterion, _question in facts.judgments:
            draft.judgments[(facts.set_id, criterion)] = ("yes", corpus.text("judgment"))
    decision = make_decision(proposal, w.ire, sets, draft, actor=w.chair, meeting_item_id=item.id)
    for signer in (w.chair, w.reviewer):
        sign_decision(decision, password=PASSWORD, printed_name=signer.name, actor=signer)
    db.session.commit()
    return decision


def _review_round(w: World, proposal: Proposal, pi: User, corpus: Corpus) -> None:
    """Reviews, a revision request answered by the team, the resubmission, and the second round of reviews."""
    texts = {"rationale": corpus.text("review-rationale"), "committee_comment": corpus.text("committee-comment"),
             "investigator_comment": corpus.text("investigator-comment")}
    for person in (w.chair, w.reviewer):
        _review(w, proposal, person, **texts)
    request = send_revision_request(proposal, w.ire, [ItemDraft(corpus.text("revision-item"))], confirmed=True,
                                    actor=w.chair)
    answer_items(request, {request.items[0].id: corpus.text("revision-answer")}, actor=pi)
    proposal_ops.update_proposal(proposal, {"sites": corpus.text("sites-revised")}, actor=pi)
    resubmit(proposal, actor=pi, password=PASSWORD, printed_name=pi.name, attested=True,
             criteria_sets=active_sets_for(w.institution.id))
    db.session.commit()
    for person in (w.chair, w.reviewer):
        _review(w, proposal, person, **texts)
    complete_review(proposal, actor=w.chair)


def build_xss_world(factory: Factory) -> XssWorld:
    corpus = Corpus()
    w = _people(factory, corpus)
    pi = factory.user(Role.INVESTIGATOR, institution=w.institution, name=corpus.text("pi", 200))
    _proposal(factory, pi, corpus, submit=False)  # a draft: its edit form puts the payloads in value="…"
    withdrawn = _proposal(factory, pi, corpus, submit=True)
    proposal_ops.withdraw_proposal(withdrawn, reason=corpus.text("withdrawal"), actor=pi)
    proposal = _proposal(factory, pi, corpus, submit=True)
    triage_proposal(proposal, [w.ire], proposed=[w.ire], reason=corpus.text("triage"), actor=w.coordinator)
    named = factory.user(Role.REVIEWER, institution=w.institution, name=corpus.text("named", 200))
    declare_conflict(proposal, named, reason=corpus.text("conflict"), actor=pi)
    db.session.commit()
    _review_round(w, proposal, pi, corpus)
    decision = _meeting_and_decision(w, proposal, corpus)
    submit_evidence(decision.conditions[0], evidence=corpus.text("evidence"), actor=pi)
    file_appeal(decision, level="institutional", grounds=corpus.text("appeal"), actor=pi)
    request_account(email="applicant@example.org", name=corpus.text("applicant", 200), institution=w.institution,
                    department=None, requested_role=Role.INVESTIGATOR,
                    affiliation_statement=corpus.text("affiliation-statement"), password=PASSWORD)
    admin = factory.user(Role.ADMIN, institution=w.institution, name=corpus.text("admin", 200))
    governance = factory.user(Role.GOVERNANCE, institution=w.institution, name=corpus.text("governance", 200))
    db.session.commit()
    return XssWorld([pi, w.chair, w.reviewer, w.coordinator, admin, governance], decision, corpus.tags)


class MarkupChecker(HTMLParser):
    """What a browser would act on: tags, on* attributes, and URLs in link, source and action attributes."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.problems: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            compact = "".join((value or "").split()).lower()
            if name.startswith("on"):
                self.problems.append(f"<{tag} {name}=…>")
            image = tag == "img" and name == "src" and compact.startswith("data:image/")  # an img runs no script
            if name in URL_ATTRIBUTES and compact.startswith(BAD_SCHEMES) and not image:
                self.problems.append(f"<{tag} {name}={value[:80]!r}>")
        if tag in {"iframe", "object", "embed", "svg", "math", "base", "x", "noscript"}:
            self.problems.append(f"<{tag}>")
        if tag == "script" and not dict(attrs).get("src", "").startswith("/static/"):
            self.problems.append("<script> without a bundled src")

    handle_startendtag = handle_starttag


def _page_problems(body: str) -> list[str]:
    raw = [p for p in MARKUP if p in body]
    evaluated = [e for e in EVALUATED if e in body]
    parser = MarkupChecker()
    parser.feed(body)
    parser.close()
    return [f"raw {p!r}" for p in raw] + [f"evaluated {e!r}" for e in evaluated] + parser.problems


@pytest.fixture(scope="module")
def xss_world(module_app: Flask) -> XssWorld:
    return build_xss_world(Factory())


def test_every_page_shows_every_payload_as_text(module_app, xss_world):
    seen: list[str] = []
    for person in xss_world.people:
        client = client_for(module_app, person)
        for url in crawl_urls(module_app):
            response = client.get(url)
            assert response.status_code < 500, f"{url} as user {person.id}: {response.status_code}"
            if response.mimetype == "text/html":
                body = response.get_data(as_text=True)
                problems = _page_problems(body)
                assert not problems, f"{url} as user {person.id}: {problems}"
                seen.append(body)
            response.close()
    everything = "\n".join(seen)
    missing = [p for p in PAYLOADS if str(escape(p)) not in everything]
    assert not missing, f"never shown (the corpus did not reach the pages): {missing}"
    assert not sorted(t for t in xss_world.tags - KEPT_NOT_SHOWN if t not in everything), "fields no page showed"
    for fenced in ("TI-A{{7*7}}TI-B", "TI-C{{ config }}TI-D", "TI-E{% raw %}x{% endraw %}TI-F"):
        assert fenced in everything


def test_the_decision_record_prints_every_payload_literally(module_app, xss_world):
    if reason := rendering_unavailable_reason():
        pytest.fail(reason) if IN_CI else pytest.skip(reason)
    import shutil

    pdftotext = shutil.which("pdftotext")
    if pdftotext is None:
        pytest.fail("pdftotext is missing") if IN_CI else pytest.skip("pdftotext (poppler-utils) is not installed")
    chair = xss_world.people[1]
    response = client_for(module_app, chair).get(f"/decisions/{xss_world.decision.id}/record.pdf")
    assert response.mimetype == "application/pdf"
    text = squeezed(pdf_text(pdftotext, response.get_data()))
    missing = [p for p in PAYLOADS if squeezed(p) not in text]
    assert not missing
    assert not [e for e in EVALUATED if squeezed(e) in text]
