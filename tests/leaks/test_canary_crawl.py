"""The leak oracle (security-test-plan.md §4 and check 3): every object carries a unique canary string; every
GET route the application has is crawled, with every id there is, as a conflicted chair, a conflicted
coordinator, a reviewer who declared a conflict after reviewing, and the proposal's investigators. Each response is
read as a person would read it (the text of a PDF and its embedded record.json, every member of a ZIP, every page
of the inbox); their notifications are also read as stored and as e-mailed (digests included). No hidden
canary may appear in any response, and no response may be a 500. Positive controls show the crawl reaches
content that each of them may see. The counts on the dashboard, the triage queue and committee pages equal a
recount by the access policy."""

from __future__ import annotations

import email.policy
import io
import itertools
import mailbox
import re
import shutil
import subprocess
import zipfile
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from email.message import EmailMessage
from pathlib import Path

import pytest
from flask import Flask, url_for
from pypdf.errors import PdfReadError
from sqlalchemy import func, select, text

from portal.auth.models import User
from portal.auth.roles import Role
from portal.extensions import db
from portal.notifications.digests import write_due_digests
from portal.notifications.queries import INBOX_PAGE, inbox
from portal.notifications.sender import send_due
from portal.records.render import rendering_unavailable_reason
from portal.reports.charts import CHART_MEASURES
from tests.api.conftest import token_for
from tests.databases import IN_CI
from tests.leaks.world import MEETING_CANARIES, ONE_TIME_REVIEWER, LeakWorld, build_leak_world
from tests.records.conftest import embedded_files, pdf_text
from tests.reviews.conftest import client_for

# Route arguments and where their values come from; a new argument must be added here, so no route is skipped.
ID_SOURCES = {
    "proposal_id": "proposals",
    "assignment_id": "review_assignments",
    "committee_id": "committees",
    "attachment_id": "attachments",
    "request_id": "revision_requests",
    "meeting_id": "meetings",
    "item_id": "agenda_items",
    "member_id": "committee_members",
    "decision_id": "decisions",
    "condition_id": "decision_conditions",
    "clock_id": "clocks",
    "appeal_id": "appeals",
    "job_id": "jobs",
}
FIXED_VALUES = {"number": [1, 2, 3], "set_id": ["usg-durc-pepp-2024"], "token": ["not-a-token"],
                "measure": list(CHART_MEASURES)}
SKIPPED_RULES = {"/static/<path:filename>"}
API_PREFIX = "/api/v1/"
API_LISTS = {f"{API_PREFIX}proposals", f"{API_PREFIX}decisions", f"{API_PREFIX}clocks"}  # paginated: ask for 100
API_DOCS = {f"{API_PREFIX}openapi.json", f"{API_PREFIX}docs"}  # public, and about the API, not its data


def _ids(table: str) -> list[int]:
    return list(db.session.scalars(text(f"SELECT id FROM {table} ORDER BY id")))  # noqa: S608 - fixed names above


def crawl_urls(app: Flask) -> Iterator[str]:
    """Every GET URL of the application, with every id of the kind each argument names."""
    for rule in app.url_map.iter_rules():
        if "GET" not in rule.methods or rule.rule in SKIPPED_RULES:
            continue
        arguments = sorted(rule.arguments)
        unknown = [a for a in arguments if a not in ID_SOURCES and a not in FIXED_VALUES]
        assert not unknown, f"{rule.rule}: tell the crawler where {unknown} come from"
        choices = [FIXED_VALUES.get(a) or _ids(ID_SOURCES[a]) for a in arguments]
        for values in itertools.product(*choices):
            with app.test_request_context():
                url = url_for(rule.endpoint, **dict(zip(arguments, values, strict=True)))
            yield url
            if rule.endpoint == "proposals.diff":
                yield f"{url}?a=1&b=2"


def pages_for(user: User, urls: Iterator[str]) -> Iterator[str]:
    """The crawl's URLs, with every further page of the person's inbox (it shows INBOX_PAGE at a time)."""
    for url in urls:
        yield url
        if url == "/inbox":
            pages = -(-inbox(user)[1] // INBOX_PAGE)
            yield from (f"/inbox?page={page}" for page in range(2, pages + 1))


def _pdftotext() -> str:
    path = shutil.which("pdftotext")
    if path is None:
        reason = "pdftotext (poppler-utils) is needed to read the PDFs the crawl meets"
        pytest.fail(reason) if IN_CI else pytest.skip(reason)
    return path


def _pdf_readable(pdf: bytes) -> str:
    """A PDF's text (its streams are compressed) and its embedded files (record.json), beside its raw bytes."""
    parts = [pdf.decode("utf-8", errors="replace")]
    try:
        parts.append(pdf_text(_pdftotext(), pdf))
        parts += [data.decode("utf-8", errors="replace") for files in embedded_files(pdf).values() for data in files]
    except (subprocess.CalledProcessError, PdfReadError):
        pass  # not a readable PDF (a test upload): its raw bytes are all there is to read
    return "\n".join(parts)


def _zip_readable(archive: bytes) -> str:
    with zipfile.ZipFile(io.BytesIO(archive)) as members:
        return "\n".join(
            _pdf_readable(members.read(name)) if name.endswith(".pdf")
            else members.read(name).decode("utf-8", errors="replace")
            for name in members.namelist()
        )


READERS = {"application/pdf": _pdf_readable, "application/zip": _zip_readable}


@dataclass
class Crawl:
    fetched: int
    seen: str  # every response as a person reads it, joined (for the positive controls)
    in_files: dict[str, str]  # what was read inside PDF and ZIP responses, by media type
    api_answered: int  # JSON API calls answered 200 (the API is crawled with the person's own token)


def _api_call(url: str) -> tuple[str, bool]:
    """The URL to fetch (an API list in full, not its first page), and whether it is an API operation, called
    with the person's token."""
    return (url + "?per_page=100" if url in API_LISTS else url), url.startswith(API_PREFIX) and url not in API_DOCS


def _crawl(app: Flask, user: User, hidden: set[str]) -> Crawl:
    """Fetch every URL as the user (the API with a token of every scope of theirs), read each response as a person
    would (PDF and ZIP decoded), and fail on any hidden canary or any 500."""
    client = client_for(app, user)
    token = {"Authorization": f"Bearer {token_for(user)}"}
    bodies: list[str] = []
    in_files: dict[str, str] = {}
    api_answered = 0
    for page_url in pages_for(user, crawl_urls(app)):
        url, is_api = _api_call(page_url)
        response = client.get(url, headers=token if is_api else None)
        api_answered += is_api and response.status_code == 200
        assert response.status_code < 500, f"{url} as {user.name}: {response.status_code}"
        reader = READERS.get(response.mimetype)
        body = reader(response.get_data()) if reader else response.get_data().decode("utf-8", errors="replace")
        response.close()
        leaked = sorted(c for c in hidden if c in body)
        assert not leaked, f"{url} as {user.name} ({response.status_code}) shows {leaked}"
        bodies.append(body)
        if reader:
            in_files[response.mimetype] = in_files.get(response.mimetype, "") + body
    return Crawl(len(bodies), "\n".join(bodies), in_files, api_answered)


@pytest.fixture
def leak_world(app: Flask, factory) -> LeakWorld:  # noqa: ANN001
    return build_leak_world(factory)


def test_conflicted_people_see_nothing_of_the_proposal_anywhere(app, leak_world):
    w = leak_world
    for person in (w.chair, w.coordinator, w.recused_reviewer):
        crawl = _crawl(app, person, w.hidden_from_conflicted)
        assert crawl.fetched > 40
        assert crawl.api_answered > 5, f"{person.name}: the crawl barely reached the JSON API"
        assert w.control_for_committee in crawl.seen, f"{person.name} should still see the other proposal's review"
        assert w.control_for_meeting in crawl.seen, f"{person.name} should still see the other item of the meeting"


def test_the_canaries_are_there_for_those_who_may_see_them(app, leak_world):
    """The oracle's own check: the deputy, who ran the meeting's conflicted item and sits on P's committee, finds
    every meeting canary and the name of P's one-time reviewer."""
    seen = _crawl(app, leak_world.deputy, set()).seen

    assert {c for c in MEETING_CANARIES if c in seen} == MEETING_CANARIES
    assert ONE_TIME_REVIEWER in seen


def test_the_crawl_reads_inside_the_pdf_and_the_zip(app, leak_world):
    """The deputy's signed record (record.pdf) and their export job's ZIP are read as text: the decision's
    canary, printed only inside compressed streams, is found in both."""
    if reason := rendering_unavailable_reason():
        pytest.fail(reason) if IN_CI else pytest.skip(reason)
    in_files = _crawl(app, leak_world.deputy, set()).in_files
    assert "LK-R-DECISION" in in_files.get("application/pdf", ""), "record.pdf was not read"
    assert "LK-R-DECISION" in in_files.get("application/zip", ""), "the export ZIP was not read"


def test_investigators_see_only_what_was_released_to_them(app, leak_world):
    w = leak_world
    for person in (w.pi, w.co_investigator):
        seen = _crawl(app, person, w.hidden_from_investigators).seen
        assert w.released in seen, f"{person.name} should read the revision request"


def test_the_crawl_covers_every_get_route(app, leak_world):
    del leak_world
    rules = {r.rule for r in app.url_map.iter_rules() if "GET" in r.methods} - SKIPPED_RULES
    crawled = set()
    for url in crawl_urls(app):
        adapter = app.url_map.bind("localhost")
        crawled.add(adapter.match(url.split("?")[0], return_rule=True)[0].rule)
    assert crawled == rules
    assert db.session.scalar(select(User.id).limit(1)) is not None


def _inbox_texts(user: User) -> list[str]:
    """Every notification in the person's inbox, as stored (subject and body), read page by page."""
    texts: list[str] = []
    page, total = 1, None
    while total is None or len(texts) < total:
        items, total = inbox(user, page)
        assert items or len(texts) == total, f"the inbox of {user.name} ended early"
        texts += [f"{n.subject}\n{n.body}" for n in items]
        page += 1
    return texts


def _mail_text(message: EmailMessage) -> str:
    """An e-mail as its reader sees it: the subject unfolded, the body decoded."""
    return " ".join(str(message["Subject"]).split()) + "\n" + message.get_body(("plain",)).get_content()


def _sent_mail(app: Flask, folder: Path) -> dict[str, list[str]]:
    """Write the digests and send everything due (as `flask notify digest` does) to an mbox, and read it back as a
    mail client would: address -> the texts of the messages sent there."""
    app.config.update(MAIL_TRANSPORT="mbox", MAIL_FOLDER=str(folder))
    write_due_digests()
    db.session.commit()
    report = send_due(app)
    assert report.sent and not report.failed and not report.retried, report
    box = mailbox.mbox(str(folder / "outbox.mbox"), create=False,
                       factory=lambda f: email.message_from_binary_file(f, policy=email.policy.default))
    by_address: dict[str, list[str]] = {}
    for message in box:
        by_address.setdefault(message["To"].addresses[0].addr_spec, []).append(_mail_text(message))
    box.close()
    assert sum(map(len, by_address.values())) == report.sent
    return by_address


def test_notifications_tell_nobody_what_is_hidden_from_them(app, leak_world, tmp_path):
    """What the crawl cannot see: every notification a crawled person may read (all of their inbox, as stored) and
    every e-mail sent to them (the coordinator's daily digest included), sent after the world's conflicts were
    declared, holds no canary hidden from them. The controls: the coordinator is told of Q in the digest, and the
    PI of their own proposal, in the inbox and by e-mail. Stored messages are read through the inbox's own query,
    which leaves out those about a proposal the person may no longer see: the coordinator was told of R before
    R's PI named them conflicted, so such a message exists and must stay out of sight (and out of the mail)."""
    from portal.notifications.models import Notification

    w = leak_world
    written_for_office = db.session.scalar(select(func.count(Notification.id)).where(
        Notification.recipient_id == w.coordinator.id, Notification.in_inbox.is_(True)))
    assert written_for_office > inbox(w.coordinator)[1], "no message predates a conflict: the check is vacuous"
    mail = _sent_mail(app, tmp_path / "mail")
    people = [(person, w.hidden_from_conflicted) for person in (w.chair, w.coordinator, w.recused_reviewer)]
    people += [(person, w.hidden_from_investigators) for person in (w.pi, w.co_investigator)]
    read: dict[int, dict[str, list[str]]] = {}
    for person, hidden in people:
        read[person.id] = {"inbox": _inbox_texts(person), "e-mail": mail.get(person.email, [])}
        for where, texts in read[person.id].items():
            for message in texts:
                flat = " ".join(message.split())
                leaked = sorted(c for c in hidden if c in message or c in flat)
                assert not leaked, f"the {where} of {person.name} shows {leaked}:\n{message}"
    office, team = read[w.coordinator.id], read[w.pi.id]
    assert any(w.control_for_office in m for m in office["inbox"]), "the coordinator should hear of Q"
    assert any(w.control_for_office in m for m in office["e-mail"]), "the coordinator's digest should list Q"
    assert any(w.control_for_team in m for m in team["inbox"]), "the PI should hear of their proposal"
    assert any(w.control_for_team in m for m in team["e-mail"]), "the PI should be e-mailed about their proposal"


def _state_counts(page: str) -> Counter[str]:
    """The dashboard's 'Portfolio at a glance': state label -> count."""
    return Counter({label: int(n) for label, n in re.findall(r"<dt>([^<]+)</dt><dd>(\d+)</dd>", page)})


def _rows(page: str, section: str | None = None) -> int:
    """How many rows the tables of a page, or of one of its sections, list (header rows are not counted)."""
    if section is not None:
        match = re.search(rf'<section[^>]*aria-labelledby="{section}".*?</section>', page, re.S)
        page = match.group(0) if match else ""
    return sum(body.count("<tr>") for body in re.findall(r"<tbody>(.*?)</tbody>", page, re.S))


def test_counts_equal_a_recount_by_the_access_policy(app, leak_world, factory):
    """Every count a conflicted person reads on the dashboard, the triage queue and a committee's page equals the
    number of objects the access policy lets them see; a proposal they are conflicted with is in none of them.
    Two more proposals wait for triage, one of them conflicted, so the queue has something to withhold."""
    from portal.committees.models import Committee
    from portal.conflicts.operations import declare_conflict
    from portal.proposals.models import Proposal
    from portal.proposals.permissions import can_view_proposal
    from portal.proposals.states import ProposalState
    from portal.routing.permissions import can_triage
    from tests.routing.test_triage import REFERRED, _screened

    w = leak_world
    institution = w.chair.institution
    hidden = _screened(factory, institution, REFERRED, title="Waiting for triage LK-S-HIDDEN")
    _screened(factory, institution, REFERRED, title="Waiting for triage LK-S-SHOWN")
    for person in (w.chair, w.coordinator, w.recused_reviewer):
        declare_conflict(hidden, person, reason="Same research group", actor=hidden.pi)
    db.session.commit()
    proposals = list(db.session.scalars(select(Proposal).where(Proposal.institution_id == institution.id)))
    committees = list(db.session.scalars(select(Committee).where(Committee.institution_id == institution.id)))
    for person in (w.chair, w.coordinator, w.recused_reviewer):
        client = client_for(app, person)
        visible = [p for p in proposals if p.state != ProposalState.DRAFT.value and can_view_proposal(person, p)]
        dashboard = client.get("/dashboard").get_data(as_text=True)
        if person.has_role(Role.CHAIR, Role.COORDINATOR):
            assert _state_counts(dashboard) == Counter(p.state_enum.label for p in visible), person.name
            assert _rows(dashboard, "queue") == len(visible), person.name
        triage = client.get("/triage")
        if triage.status_code == 200:
            assert _rows(triage.get_data(as_text=True)) == sum(can_triage(person, p) for p in proposals) >= 1
        for committee in committees:
            page = client.get(f"/committees/{committee.id}")
            if page.status_code == 200:
                shown = re.search(r"· (\d+) members?</p>", page.get_data(as_text=True))
                assert shown and int(shown.group(1)) == len(committee.members), (person.name, committee.name)
