"""Proposals over the API: the same visibility as the pages, filters and pages, drafts written through the one
write path (audited), and clear problems for bad input that leave everything as it was."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from sqlalchemy import select

from portal.audit.models import AuditEvent
from portal.auth.api_tokens import Scope
from portal.auth.roles import Role
from portal.clock import utcnow
from portal.conflicts.operations import declare_conflict
from portal.extensions import db
from portal.proposals.models import Proposal
from tests.api.conftest import as_user, bearer, problem, token_for
from tests.api.schema_keys import assert_fits_its_schema, assert_matches_document
from tests.factories import PASSWORD


def _events(action: str) -> list[AuditEvent]:
    db.session.expire_all()
    return list(db.session.scalars(select(AuditEvent).where(AuditEvent.action == action)))


@pytest.fixture
def world(factory):  # noqa: ANN001, ANN201
    """An institution with a PI (two proposals, one submitted), a coordinator, and a PI elsewhere."""
    pi = factory.user(Role.INVESTIGATOR)
    coordinator = factory.user(Role.COORDINATOR, institution=pi.institution)
    stranger = factory.user(Role.INVESTIGATOR)
    draft = factory.proposal(pi, title="Draft on soil survey")
    submitted = factory.proposal(pi, title="Submitted wastewater study", submitted=True)
    elsewhere = factory.proposal(stranger, title="Another institution's study", submitted=True)
    return {"pi": pi, "coordinator": coordinator, "stranger": stranger, "draft": draft, "submitted": submitted,
            "elsewhere": elsewhere}


def _ids(response) -> set[int]:  # noqa: ANN001
    assert response.status_code == 200, response.get_data(as_text=True)
    return {item["id"] for item in response.get_json()["items"]}


def test_the_list_holds_exactly_what_the_pages_show(api, world) -> None:  # noqa: ANN001
    assert _ids(api.get("/api/v1/proposals", headers=as_user(world["pi"]))) == {world["draft"].id,
                                                                                world["submitted"].id}
    # A coordinator sees the institution's submitted proposals, never its drafts nor other institutions'.
    assert _ids(api.get("/api/v1/proposals", headers=as_user(world["coordinator"]))) == {world["submitted"].id}


def test_a_conflicted_coordinator_sees_nothing_of_the_proposal(api, world) -> None:  # noqa: ANN001
    coordinator, submitted = world["coordinator"], world["submitted"]
    declare_conflict(submitted, coordinator, reason="A close collaborator of the PI", actor=coordinator)
    db.session.commit()
    headers = as_user(coordinator)
    assert _ids(api.get("/api/v1/proposals", headers=headers)) == set()
    problem(api.get(f"/api/v1/proposals/{submitted.id}", headers=headers), 404)
    denied = _events("access.denied")
    assert [e.target_id for e in denied] == [str(submitted.id)]


def test_another_institutions_proposal_is_404_and_the_attempt_audited(api, world) -> None:  # noqa: ANN001
    body = problem(api.get(f"/api/v1/proposals/{world['elsewhere'].id}", headers=as_user(world["pi"])), 404)
    assert "not yours to see" in body["detail"]
    assert len(_events("access.denied")) == 1
    # A proposal that does not exist looks the same, and names nothing to audit.
    problem(api.get("/api/v1/proposals/999999", headers=as_user(world["pi"])), 404)
    assert len(_events("access.denied")) == 1


def test_filters_sort_and_pages(api, world, factory) -> None:  # noqa: ANN001
    pi = world["pi"]
    for n in range(3):
        factory.proposal(pi, title=f"Extra study {n}", complete=False)
    headers = as_user(pi)
    page = api.get("/api/v1/proposals?per_page=2&page=2&sort=title", headers=headers).get_json()
    assert page["page"] == {"page": 2, "per_page": 2, "total": 5, "pages": 3}
    assert [item["title"] for item in page["items"]] == ["Extra study 1", "Extra study 2"]
    assert _ids(api.get("/api/v1/proposals?state=submitted", headers=headers)) == {world["submitted"].id}
    assert _ids(api.get("/api/v1/proposals?q=SOIL", headers=headers)) == {world["draft"].id}
    assert _ids(api.get("/api/v1/proposals?q=%25", headers=headers)) == set()  # a wildcard is a character here
    later = (utcnow() + timedelta(days=1)).strftime("%Y-%m-%dT%H:%M:%SZ")
    assert _ids(api.get(f"/api/v1/proposals?updated_since={later}", headers=headers)) == set()


def test_filters_and_sort_keys_are_allowlisted(api, world) -> None:  # noqa: ANN001
    body = problem(api.get("/api/v1/proposals?sort=pi_id&owner=1&per_page=500", headers=as_user(world["pi"])),
                   422)
    fields = {error["field"] for error in body["errors"]}
    assert fields == {"query.sort", "query.owner", "query.per_page"}
    assert problem(api.get("/api/v1/proposals?page=1&page=2", headers=as_user(world["pi"])), 422)["errors"]


def test_create_a_draft_is_audited_as_its_author(api, world) -> None:  # noqa: ANN001
    pi = world["pi"]
    created = api.post("/api/v1/proposals", headers=as_user(pi), json={"title": "  Drafted by a grants system "})
    assert created.status_code == 201, created.get_data(as_text=True)
    body = created.get_json()
    assert body["title"] == "Drafted by a grants system" and body["state"] == "draft" and body["pi"]["id"] == pi.id
    assert "Aims is empty." in body["missing"]
    assert [(e.actor_id, e.target_id) for e in _events("proposal.created")][-1] == (pi.id, str(body["id"]))


def test_create_refuses_what_the_page_refuses(api, world) -> None:  # noqa: ANN001
    coordinator_headers = as_user(world["coordinator"])
    assert "investigators" in problem(api.post("/api/v1/proposals", headers=coordinator_headers,
                                               json={"title": "x"}), 403)["detail"]
    headers = as_user(world["pi"])
    body = problem(api.post("/api/v1/proposals", headers=headers, json={"title": "x", "pi_email": "no@x.org"}), 422)
    assert body["errors"] == [{"field": "body.pi_email", "message": "No active portal user has this e-mail address."}]
    body = problem(api.post("/api/v1/proposals", headers=headers, json={"title": "x" * 301, "state": "decided"}), 422)
    assert {e["field"] for e in body["errors"]} == {"body.title", "body.state"}
    assert problem(api.post("/api/v1/proposals", headers=headers, data="{", content_type="application/json"), 400)
    assert problem(api.post("/api/v1/proposals", headers=headers, data="title=x"), 415)
    assert db.session.scalar(select(Proposal).where(Proposal.title == "x")) is None


def test_patch_changes_only_what_is_sent_under_the_lock(api, world) -> None:  # noqa: ANN001
    draft, headers = world["draft"], as_user(world["pi"])
    read = api.get(f"/api/v1/proposals/{draft.id}", headers=headers).get_json()
    changed = api.patch(f"/api/v1/proposals/{draft.id}", headers=headers,
                        json={"lock_version": read["lock_version"], "aims": "Revised aims", "award_number": None})
    assert changed.status_code == 200, changed.get_data(as_text=True)
    after = changed.get_json()
    assert after["fields"]["aims"] == "Revised aims" and after["fields"]["award_number"] == ""
    assert after["fields"]["lay_summary"] == read["fields"]["lay_summary"]
    assert after["lock_version"] == read["lock_version"] + 1
    # The copy read before that change is refused, and nothing of it is saved.
    stale = api.patch(f"/api/v1/proposals/{draft.id}", headers=headers,
                      json={"lock_version": read["lock_version"], "aims": "Lost update"})
    assert "read it" in problem(stale, 409)["detail"]
    assert db.session.get(Proposal, draft.id).aims == "Revised aims"
    assert [json.loads(e.data)["fields"] for e in _events("proposal.updated")][-1] == ["aims", "award_number"]


def test_patch_refuses_bad_fields_and_answers_and_saves_nothing(api, world) -> None:  # noqa: ANN001
    draft, headers = world["draft"], as_user(world["pi"])
    lock = api.get(f"/api/v1/proposals/{draft.id}", headers=headers).get_json()["lock_version"]
    updates_before = len(_events("proposal.updated"))
    body = problem(api.patch(f"/api/v1/proposals/{draft.id}", headers=headers, json={
        "lock_version": lock, "funding_source": "lottery", "lay_summary": "x" * 5001, "state": "decided"}), 422)
    assert {e["field"] for e in body["errors"]} == {"body.funding_source", "body.lay_summary", "body.state"}
    body = problem(api.patch(f"/api/v1/proposals/{draft.id}", headers=headers, json={
        "lock_version": lock, "aims": "Changed", "screening_answers": {"no_such_question": "yes"}}), 422)
    assert body["errors"][0]["field"] == "body.screening_answers.no_such_question"
    assert problem(api.patch(f"/api/v1/proposals/{draft.id}", headers=headers,
                             json={"lock_version": lock, "title": "  "}), 422)
    assert db.session.get(Proposal, draft.id).aims != "Changed"
    assert len(_events("proposal.updated")) == updates_before


def test_only_the_team_edits_and_only_the_pi_submits(api, world, factory) -> None:  # noqa: ANN001
    draft = world["draft"]
    problem(api.patch(f"/api/v1/proposals/{draft.id}", headers=as_user(world["stranger"]),
                      json={"lock_version": 1, "aims": "x"}), 404)
    submitted = world["submitted"]
    problem(api.patch(f"/api/v1/proposals/{submitted.id}", headers=as_user(world["coordinator"]),
                      json={"lock_version": 1, "aims": "x"}), 403)
    problem(api.post(f"/api/v1/proposals/{submitted.id}/submit", headers=as_user(world["coordinator"]),
                     json={"password": PASSWORD, "printed_name": "x", "attest": True}), 403)


def test_submit_signs_a_version_like_the_page(api, world) -> None:  # noqa: ANN001
    pi, draft = world["pi"], world["draft"]
    headers = as_user(pi)
    wrong = api.post(f"/api/v1/proposals/{draft.id}/submit", headers=headers,
                     json={"password": "not the password", "printed_name": pi.name, "attest": True})
    assert problem(wrong, 422)["errors"][0]["field"] == "body.password"
    assert len(_events("signature.refused")) == 1
    unattested = api.post(f"/api/v1/proposals/{draft.id}/submit", headers=headers,
                          json={"password": PASSWORD, "printed_name": pi.name, "attest": False})
    assert problem(unattested, 422)["errors"][0]["field"] == "body.attest"
    done = api.post(f"/api/v1/proposals/{draft.id}/submit", headers=headers,
                    json={"password": PASSWORD, "printed_name": pi.name, "attest": True})
    assert done.status_code == 201, done.get_data(as_text=True)
    version = done.get_json()
    assert version["number"] == 1 and version["step"] == "submit" and version["signature"]["signer_id"] == pi.id
    assert db.session.get(Proposal, draft.id).state == "screened"
    again = api.post(f"/api/v1/proposals/{draft.id}/submit", headers=headers,
                     json={"password": PASSWORD, "printed_name": pi.name, "attest": True})
    assert "Nothing has changed since version 1" in problem(again, 422)["detail"]  # an amendment needs a change


def test_an_incomplete_draft_says_what_is_missing(api, world, factory) -> None:  # noqa: ANN001
    pi = world["pi"]
    bare = factory.proposal(pi, title="Bare draft", complete=False)
    refused = api.post(f"/api/v1/proposals/{bare.id}/submit", headers=as_user(pi),
                       json={"password": PASSWORD, "printed_name": pi.name, "attest": True})
    assert "Aims is empty." in problem(refused, 422)["detail"]
    assert db.session.get(Proposal, bare.id).state == "draft"


def test_tokens_are_checked_before_anything_else(api, world) -> None:  # noqa: ANN001
    pi = world["pi"]
    missing = problem(api.get("/api/v1/proposals"), 401)
    assert "Authorization: Bearer" in missing["detail"]
    assert api.get("/api/v1/proposals").headers["WWW-Authenticate"].startswith("Bearer")
    assert "not valid" in problem(api.get("/api/v1/proposals", headers=bearer("dur_" + "x" * 43)), 401)["detail"]
    assert problem(api.get("/api/v1/proposals", headers={"Authorization": "Basic abc"}), 401)
    read_only = bearer(token_for(pi, [Scope.PROPOSALS_READ]))
    body = problem(api.post("/api/v1/proposals", headers=read_only, json={"title": "x"}), 403)
    assert "proposals:write" in body["detail"]
    problem(api.get("/api/v1/proposals", headers=bearer(token_for(pi, [Scope.DECISIONS_READ]))), 403)


def test_a_revoked_or_expired_token_or_a_disabled_account_is_401(api, world) -> None:  # noqa: ANN001
    from portal.auth.operations import set_account_disabled
    from portal.auth.token_operations import create_token, revoke_token

    pi = world["pi"]
    revoked, revoked_text = create_token(actor=pi, name="old script", scopes=[Scope.PROPOSALS_READ], days=30)
    expired, expired_text = create_token(actor=pi, name="expired", scopes=[Scope.PROPOSALS_READ], days=7)
    revoke_token(revoked, actor=pi)
    expired.expires_at = utcnow() - timedelta(seconds=1)
    db.session.commit()
    assert "revoked" in problem(api.get("/api/v1/proposals", headers=bearer(revoked_text)), 401)["detail"]
    assert "expired" in problem(api.get("/api/v1/proposals", headers=bearer(expired_text)), 401)["detail"]
    live = token_for(pi, [Scope.PROPOSALS_READ])
    assert api.get("/api/v1/proposals", headers=bearer(live)).status_code == 200
    set_account_disabled(pi, True, actor=world["coordinator"])
    db.session.commit()
    assert "not active" in problem(api.get("/api/v1/proposals", headers=bearer(live)), 401)["detail"]


def test_a_signed_in_browser_is_not_an_api_client(app, world) -> None:  # noqa: ANN001
    """The API reads no session cookie: a page cannot make a browser call it (no CSRF to defend)."""
    from tests.conftest import sign_in

    browser = app.test_client()
    assert sign_in(browser, world["pi"].email, PASSWORD).status_code == 302
    problem(browser.get("/api/v1/proposals"), 401)
    problem(browser.post("/api/v1/proposals", json={"title": "Forged"}), 401)
    assert "Set-Cookie" not in browser.get("/api/v1/proposals").headers


def test_unknown_paths_and_methods_are_problems_too(api, world) -> None:  # noqa: ANN001
    headers = as_user(world["pi"])
    problem(api.get("/api/v1/no-such-thing", headers=headers), 404)
    refused = api.delete(f"/api/v1/proposals/{world['draft'].id}", headers=headers)
    problem(refused, 405)
    assert "PATCH" in refused.headers["Allow"]


def test_each_proposal_answer_carries_exactly_its_declared_keys(api, world) -> None:  # noqa: ANN001
    pi, draft = world["pi"], world["draft"]
    headers = as_user(pi)
    assert_matches_document(api, "/api/v1/proposals", headers, "/api/v1/proposals")
    read = assert_matches_document(api, f"/api/v1/proposals/{draft.id}", headers, "/api/v1/proposals/{proposal_id}")
    created = api.post("/api/v1/proposals", headers=headers, json={"title": "Keys"})
    assert_fits_its_schema(api, created, "/api/v1/proposals", method="post", status=201)
    changed = api.patch(f"/api/v1/proposals/{draft.id}", headers=headers,
                        json={"lock_version": read["lock_version"], "aims": "New aims"})
    assert_fits_its_schema(api, changed, "/api/v1/proposals/{proposal_id}", method="patch")
    signed = api.post(f"/api/v1/proposals/{draft.id}/submit", headers=headers,
                      json={"password": PASSWORD, "printed_name": pi.name, "attest": True})
    assert_fits_its_schema(api, signed, "/api/v1/proposals/{proposal_id}/submit", method="post", status=201)
    refused = api.get("/api/v1/proposals?sort=nope", headers=headers)
    assert_fits_its_schema(api, refused, "/api/v1/proposals", status=422)



def test_text_a_database_cannot_store_is_a_422_not_a_500(api, world) -> None:  # noqa: ANN001
    """Schemathesis found this on PostgreSQL: a NUL inside a string reached the driver (a 500)."""
    headers = as_user(world["pi"])
    body = problem(api.post("/api/v1/proposals", headers=headers, json={"title": "A\u0000B"}), 422)
    assert body["errors"][0]["field"] == "body.title"
    body = problem(api.post("/api/v1/proposals", headers=headers, data='{"title": "x", "pi_email": "\\udb62"}',
                            content_type="application/json"), 422)
    assert body["errors"][0]["field"] == "body.pi_email"
    assert problem(api.get("/api/v1/proposals?q=a%00b", headers=headers), 422)["errors"][0]["field"] == "query.q"
