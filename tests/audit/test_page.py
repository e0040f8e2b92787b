"""The auditor's page, /audit: for admins, their own institution's events only, none about a proposal they are
conflicted with; filters, keyset pages, a constant number of statements, the chain's status at the top."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest

from portal.auth.roles import Role
from portal.clock import utcnow
from portal.conflicts.operations import declare_conflict
from portal.extensions import db
from portal.proposals import operations as proposal_ops
from tests.audit import tamper
from tests.reviews.conftest import client_for
from tests.statements import counted_statements

SEQS = re.compile(r'<tr id="event-(\d+)">')


def _page(client, **args) -> tuple[int, str]:  # noqa: ANN001
    response = client.get("/audit", query_string=args)
    return response.status_code, response.get_data(as_text=True)


def _seqs(body: str) -> list[int]:
    return [int(seq) for seq in SEQS.findall(body)]


@pytest.fixture
def admin(factory):  # noqa: ANN001, ANN201
    return factory.user(Role.ADMIN, name="Ada Admin")


def test_only_admins_read_the_log(app, factory, admin):
    for role in (Role.INVESTIGATOR, Role.COORDINATOR, Role.GOVERNANCE, Role.CHAIR):
        other = factory.user(role, institution=admin.institution)
        assert _page(client_for(app, other))[0] == 404, role
    assert app.test_client().get("/audit").status_code == 302  # to sign in
    status, body = _page(client_for(app, admin))
    assert status == 200 and "The audit chain is intact" in body


def test_an_admin_sees_their_institution_only_and_nothing_of_a_conflicted_proposal(app, factory, admin):
    pi = factory.user(Role.INVESTIGATOR, institution=admin.institution)
    seen = factory.proposal(pi, title="Canary AU-SEEN")
    hidden = factory.proposal(pi, title="Canary AU-CONFLICTED")
    declare_conflict(hidden, admin, reason="My spouse's grant.", actor=pi)
    elsewhere = factory.proposal(factory.user(Role.INVESTIGATOR), title="Canary AU-ELSEWHERE")
    db.session.commit()
    status, body = _page(client_for(app, admin))
    assert status == 200
    assert "Canary AU-SEEN" in body
    assert "AU-CONFLICTED" not in body and "AU-ELSEWHERE" not in body
    # Nor any event whose target belongs to those proposals (their attachments, the declaration itself).
    for proposal in (hidden, elsewhere):
        attachment = str(proposal.attachments[0].id)
        assert f"attachments {attachment}<" not in body.replace("</td>", "<")
        assert f'"proposal_id":{proposal.id},' not in body and f"proposals {proposal.id}<" not in body
    assert f"proposals {seen.id}" in body


def test_filters_by_action_actor_target_and_date(app, factory, admin):
    pi = factory.user(Role.INVESTIGATOR, institution=admin.institution, name="Pat Investigator")
    proposal = factory.proposal(pi, title="Filtered")
    proposal_ops.update_proposal(proposal, {"aims": "Other aims."}, actor=pi)
    db.session.commit()
    client = client_for(app, admin)
    _status, body = _page(client, action="proposal.")
    assert {"proposal.created", "proposal.updated"} <= set(re.findall(r'class="mono">(proposal\.\w+)<', body))
    assert "attachment.uploaded" not in body
    _status, body = _page(client, action="proposal.updated", actor="pat inv")
    assert len(_seqs(body)) == 2  # the factory's update and this one
    _status, body = _page(client, target_type="proposals", target_id=str(proposal.id), action="proposal.created")
    assert len(_seqs(body)) == 1
    _status, body = _page(client, actor="system")
    assert "Pat Investigator" not in body.split("<tbody>")[1] and "user.created" in body
    tomorrow = (utcnow() + timedelta(days=1)).date().isoformat()
    assert _seqs(_page(client, since=tomorrow)[1]) == []
    assert len(_seqs(_page(client, until=tomorrow)[1])) > 5
    status, body = _page(client, since="30/11/2026")
    assert status == 400 and "is not a date" in body


def test_pages_are_keyset_pages_of_fifty_with_a_constant_statement_count(app, factory, admin):
    client = client_for(app, admin)
    pi = factory.user(Role.INVESTIGATOR, institution=admin.institution)
    proposal = factory.proposal(pi)
    with counted_statements() as few:
        assert _page(client)[0] == 200
    for n in range(60):
        proposal_ops.add_collaborator(proposal, name=f"Collaborator {n}", affiliation="Elsewhere", role="Advisor",
                                      actor=pi)
    db.session.commit()
    with counted_statements() as many:
        status, first = _page(client)
    assert status == 200 and len(many) == len(few), "the page's statements must not grow with the events"
    newest = _seqs(first)
    assert len(newest) == 50 and newest == sorted(newest, reverse=True)
    older = re.search(r'rel="next" href="/audit\?before=(\d+)"', first)
    assert older and int(older.group(1)) == newest[-1]
    _status, second = _page(client, before=older.group(1))
    assert _seqs(second) and max(_seqs(second)) < newest[-1]
    assert not set(_seqs(second)) & set(newest)


def test_what_events_say_is_escaped(app, factory, admin):
    pi = factory.user(Role.INVESTIGATOR, institution=admin.institution)
    factory.proposal(pi, title='<script>alert("AU-XSS")</script>')
    _status, body = _page(client_for(app, admin))
    assert '<script>alert("AU-XSS")' not in body
    assert "&lt;script&gt;alert(" in body


def test_a_broken_chain_is_shown_at_the_top(app, factory, admin):
    client = client_for(app, admin)
    factory.proposal(factory.user(Role.INVESTIGATOR, institution=admin.institution))
    tamper.alter_data(4)
    _status, body = _page(client)
    assert "The audit chain is broken at event 4" in body and "altered" in body
