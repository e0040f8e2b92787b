"""Decisions, their signed records and clocks over the API: the same readers as the pages, the record byte for
byte as the PDF/A embeds it (and verifying), allowlisted filters, and a statement count that does not grow."""

from __future__ import annotations

import pytest
from jsonschema import Draft202012Validator
from sqlalchemy import select

from portal.audit.models import AuditEvent
from portal.auth.api_tokens import Scope
from portal.auth.models import User
from portal.auth.roles import Role
from portal.conflicts.operations import declare_conflict
from portal.decisions.models import Decision
from portal.decisions.permissions import can_view_decision
from portal.decisions.queries import visible_decisions_clause
from portal.decisions.record import build_record
from portal.extensions import db
from portal.proposals.models import Proposal
from portal.records import service
from portal.records.render import envelope_json
from portal.records.verify import verify_json
from tests.api.conftest import as_user, bearer, problem, token_for
from tests.api.schema_keys import assert_fits_its_schema
from tests.decisions.conftest import world  # noqa: F401 - the fixture
from tests.decisions.test_records import final  # noqa: F401 - the fixture
from tests.reports.conftest import portfolio  # noqa: F401 - the fixture
from tests.statements import counted_statements

# --- a response against its schema in /api/v1/openapi.json ----------------------------------------------------


# --- fixtures ----------------------------------------------------------------------------------------------------


def _events(action: str) -> list[AuditEvent]:
    db.session.expire_all()
    return list(db.session.scalars(select(AuditEvent).where(AuditEvent.action == action)))


def _ids(response) -> list[int]:  # noqa: ANN001
    assert response.status_code == 200, response.get_data(as_text=True)
    return [item["id"] for item in response.get_json()["items"]]


@pytest.fixture
def outsiders(factory) -> dict[str, User]:  # noqa: ANN001
    """People of another institution, each of whom reads decisions there."""
    other = factory.institution("Elsewhere Institute")
    return {"coordinator": factory.user(Role.COORDINATOR, institution=other),
            "governance": factory.user(Role.GOVERNANCE, institution=other)}


# --- decisions -------------------------------------------------------------------------------------------------


def test_the_decision_reads_as_its_page_shows_it(api, world, final) -> None:  # noqa: ANN001, F811
    for reader in (world.chair, world.coordinator, world.proposal.pi):
        assert _ids(api.get("/api/v1/decisions", headers=as_user(reader))) == [final.id], reader.name
    response = api.get(f"/api/v1/decisions/{final.id}", headers=as_user(world.proposal.pi))
    assert response.status_code == 200, response.get_data(as_text=True)
    body = response.get_json()
    assert (body["proposal_id"], body["proposal_title"], body["version_number"]) == (
        world.proposal.id, "Assignment canary AS-9", 1)
    assert body["committee"] == {"id": world.ire.id, "name": world.ire.name}
    assert body["outcome"] == "approved_with_conditions" and body["state"] == "final"
    assert body["determinations"][0]["title"] == "Category 1 research (dual use research of concern)"
    assert [(s["signer_id"], s["printed_name"]) for s in body["signatures"]] == [
        (world.chair.id, world.chair.name), (world.member.id, world.member.name)]
    assert [c["description"] for c in body["conditions"]] == ["Confirm each year who holds access to the records."]
    assert body["clocks"] and all(c["decision_id"] == final.id for c in body["clocks"])
    assert body["supersedes_id"] is None and body["superseded_by_id"] is None and body["appeals"] == []
    assert body["record_available"] is False  # the investigators read the decision, not the record
    assert_fits_its_schema(api, response, "/api/v1/decisions/{decision_id}")
    assert api.get(f"/api/v1/decisions/{final.id}", headers=as_user(world.chair)).get_json()["record_available"]


def test_who_may_not_see_it_finds_nothing_and_is_audited(api, world, final, outsiders,  # noqa: F811
                                                         factory) -> None:  # noqa: ANN001
    declare_conflict(world.proposal, world.member, reason="A close collaborator of the PI", actor=world.member)
    db.session.commit()
    investigator = factory.user(Role.INVESTIGATOR, institution=world.institution)  # not on the proposal's team
    refused = [investigator, world.member, outsiders["coordinator"], outsiders["governance"]]
    for n, user in enumerate(refused, start=1):
        headers = as_user(user)
        assert _ids(api.get("/api/v1/decisions", headers=headers)) == [], user.name
        assert _ids(api.get("/api/v1/clocks", headers=headers)) == [], user.name
        problem(api.get(f"/api/v1/decisions/{final.id}", headers=headers), 404)
        problem(api.get(f"/api/v1/decisions/{final.id}/record.json", headers=headers), 404)
        assert [e.actor_id for e in _events("access.denied")][-2:] == [user.id, user.id]
        assert len(_events("access.denied")) == 2 * n
    problem(api.get("/api/v1/decisions/999999", headers=as_user(world.chair)), 404)  # nothing to audit
    assert len(_events("access.denied")) == 2 * len(refused)


def test_the_institutions_governance_reads_it_but_not_a_cross_institution_reader(api, world, final,  # noqa: F811
                                                                                   factory) -> None:  # noqa: ANN001
    from portal.reports.operations import set_governance_scope

    governance = factory.user(Role.GOVERNANCE, institution=world.institution)
    assert _ids(api.get("/api/v1/decisions", headers=as_user(governance))) == [final.id]
    set_governance_scope(governance, [world.institution, factory.institution()], actor=None)
    db.session.commit()
    assert _ids(api.get("/api/v1/decisions", headers=as_user(governance))) == []
    problem(api.get(f"/api/v1/decisions/{final.id}", headers=as_user(governance)), 404)


def test_the_record_is_the_embedded_record_json_and_verifies(app, api, world, final) -> None:  # noqa: ANN001, F811
    response = api.get(f"/api/v1/decisions/{final.id}/record.json", headers=as_user(world.chair))
    assert response.status_code == 200 and response.mimetype == "application/json"
    assert response.data == envelope_json(service.sign(build_record(db.session.get(Decision, final.id))))
    result = verify_json(response.data, service.trusted_keys())
    assert result.valid, result.reasons
    assert result.record_id == response.get_json()["record"]["record_id"]
    from tests.reviews.conftest import client_for

    assert client_for(app, world.chair).get(f"/decisions/{final.id}/record.json").get_json() == response.get_json()
    # record.schema.json leaves its objects open ("fields beyond those listed are allowed"); the envelope is closed.
    extra: list[str] = []
    assert_fits_its_schema(api, response, "/api/v1/decisions/{decision_id}/record.json", extra)
    assert extra == [], f"the record carries fields its schema does not declare: {extra}"
    # The component validates as it is published: its record keeps its `$id`, so `#/$defs/...` resolve inside it.
    document = api.get("/api/v1/openapi.json").get_json()
    Draft202012Validator(document["components"]["schemas"]["DecisionRecord"]).validate(response.get_json())


def test_the_record_is_refused_as_on_the_pages(api, world, final) -> None:  # noqa: ANN001, F811
    body = problem(api.get(f"/api/v1/decisions/{final.id}/record.json", headers=as_user(world.proposal.pi)), 403)
    assert "committee, coordinators and governance" in body["detail"]
    assert api.get(f"/api/v1/decisions/{final.id}/record.json", headers=as_user(world.coordinator)).status_code == 200


def test_an_unsigned_decision_is_listed_but_has_no_record_yet(app, api, world) -> None:  # noqa: ANN001, F811
    from tests.conftest import post
    from tests.decisions.conftest import decision_form
    from tests.decisions.test_decisions import _decision, _url
    from tests.reviews.conftest import client_for

    post(client_for(app, world.chair), _url(world), decision_form())
    pending = _decision(world)
    headers = as_user(world.chair)
    listed = api.get("/api/v1/decisions?state=awaiting_signatures", headers=headers).get_json()["items"]
    assert [(d["id"], d["finalized_at"]) for d in listed] == [(pending.id, None)]
    problem(api.get(f"/api/v1/decisions/{pending.id}/record.json", headers=headers), 404)


def test_the_scope_is_needed(api, world, final) -> None:  # noqa: ANN001, F811
    headers = bearer(token_for(world.chair, [Scope.PROPOSALS_READ, Scope.REPORTS_READ]))
    for path in ("/api/v1/decisions", f"/api/v1/decisions/{final.id}", f"/api/v1/decisions/{final.id}/record.json",
                 "/api/v1/clocks"):
        assert "decisions:read" in problem(api.get(path, headers=headers), 403)["detail"]


# --- lists over a portfolio: filters, sort, pages, statements -------------------------------------------------


def test_filters_sort_and_pages(api, portfolio) -> None:  # noqa: ANN001, F811
    headers = as_user(portfolio.coordinator)
    everything = _ids(api.get("/api/v1/decisions?sort=id", headers=headers))
    assert len(everything) == 5  # P1, P2 (and its correction), P3, P4 of Northfield; none of Southbank
    page = api.get("/api/v1/decisions?sort=-id&per_page=2&page=2", headers=headers).get_json()
    assert page["page"] == {"page": 2, "per_page": 2, "total": 5, "pages": 3}
    assert [d["id"] for d in page["items"]] == everything[::-1][2:4]
    p2 = portfolio.built.proposal_ids[1]
    [first, correction] = api.get(f"/api/v1/decisions?proposal_id={p2}&sort=id", headers=headers).get_json()["items"]
    assert (first["superseded_by_id"], correction["supersedes_id"], correction["kind"]) == (
        correction["id"], first["id"], "correction")
    assert len(_ids(api.get("/api/v1/decisions?outcome=not_approved", headers=headers))) == 2
    assert len(_ids(api.get("/api/v1/decisions?kind=administrative", headers=headers))) == 1
    assert _ids(api.get("/api/v1/decisions?decided_since=2999-01-01T00:00:00Z", headers=headers)) == []
    response = api.get("/api/v1/decisions", headers=headers)
    assert_fits_its_schema(api, response, "/api/v1/decisions")
    assert response.get_json()["items"][0]["committee"] is not None


def test_unknown_filters_and_sorts_are_refused_by_name(api, portfolio) -> None:  # noqa: ANN001, F811
    headers = as_user(portfolio.coordinator)
    body = problem(api.get("/api/v1/decisions?sort=rationale&institution_id=2&outcome=maybe", headers=headers), 422)
    assert {e["field"] for e in body["errors"]} == {"query.sort", "query.institution_id", "query.outcome"}
    body = problem(api.get("/api/v1/clocks?state=late&owner=pi&sort=title", headers=headers), 422)
    assert {e["field"] for e in body["errors"]} == {"query.state", "query.owner", "query.sort"}


def test_a_pages_statement_count_does_not_grow_with_its_rows(api, portfolio) -> None:  # noqa: ANN001, F811
    headers = as_user(portfolio.coordinator)
    api.get("/api/v1/clocks", headers=headers)  # the token's first use is noted once (an UPDATE): not counted
    p3 = portfolio.built.proposal_ids[2]
    counts = {}
    for path in ("/api/v1/decisions", f"/api/v1/decisions?proposal_id={p3}", "/api/v1/clocks",
                 f"/api/v1/clocks?proposal_id={p3}"):
        with counted_statements() as statements:
            response = api.get(path, headers=headers)
        assert response.status_code == 200
        counts[path] = (len(response.get_json()["items"]), len(statements))
    assert counts["/api/v1/decisions"][0] == 5 and counts[f"/api/v1/decisions?proposal_id={p3}"][0] == 1
    assert counts["/api/v1/decisions"][1] == counts[f"/api/v1/decisions?proposal_id={p3}"][1]
    assert counts["/api/v1/clocks"][0] == 4 and counts[f"/api/v1/clocks?proposal_id={p3}"][0] == 0
    assert counts["/api/v1/clocks"][1] == counts[f"/api/v1/clocks?proposal_id={p3}"][1]


def test_the_list_clause_agrees_with_the_predicate(portfolio, factory) -> None:  # noqa: ANN001, F811
    p1 = db.session.get(Proposal, portfolio.built.proposal_ids[0])
    declare_conflict(p1, portfolio.governance, reason="Co-author of the PI", actor=portfolio.governance)
    factory.user(Role.INVESTIGATOR, institution=portfolio.a)
    factory.user(Role.CHAIR, institution=portfolio.b)
    db.session.commit()
    decisions = db.session.scalars(select(Decision)).all()
    for user in db.session.scalars(select(User)):
        by_query = set(db.session.scalars(select(Decision.id).join(Proposal, Proposal.id == Decision.proposal_id)
                                          .where(visible_decisions_clause(user))))
        assert by_query == {d.id for d in decisions if can_view_decision(user, d)}, user.email


# --- clocks -------------------------------------------------------------------------------------------------------


def test_clocks_by_state_as_of_today(api, portfolio) -> None:  # noqa: ANN001, F811
    headers = as_user(portfolio.coordinator)
    kinds = {}
    for state in ("open", "due_soon", "overdue", "done", "superseded"):
        items = api.get(f"/api/v1/clocks?state={state}", headers=headers).get_json()["items"]
        assert all(item["status"] == state for item in items)
        kinds[state] = [item["kind"] for item in items]
    assert kinds == {"open": ["progress_report"], "due_soon": ["submit_draft_rmp"],
                     "overdue": ["notify_funding_agency"], "done": ["continuing_review"], "superseded": []}
    # The investigator sees the clocks of every decision of theirs, in both institutions; soonest first.
    pi_clocks = api.get("/api/v1/clocks", headers=as_user(portfolio.pi)).get_json()["items"]
    assert len(pi_clocks) == 5 and [c["due_on"] for c in pi_clocks] == sorted(c["due_on"] for c in pi_clocks)
    assert api.get("/api/v1/clocks", headers=as_user(portfolio.cross)).get_json()["items"] == []
    response = api.get("/api/v1/clocks", headers=headers)
    assert_fits_its_schema(api, response, "/api/v1/clocks")
