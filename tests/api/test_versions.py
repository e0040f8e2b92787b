"""Versions over the API: the signed versions of a proposal, each as frozen, the words that changed between two,
and the screenings stored for one; the same visibility as the pages, and responses that carry exactly what the
OpenAPI document declares."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from portal.audit.models import AuditEvent
from portal.auth.api_tokens import Scope
from portal.auth.models import User
from portal.auth.roles import Role
from portal.conflicts.operations import declare_conflict
from portal.extensions import db
from portal.proposals import operations as ops
from portal.proposals.models import Proposal
from tests.api.conftest import as_user, problem
from tests.api.schema_keys import assert_matches_document
from tests.factories import PASSWORD
from tests.reports.whatif_world import submitted
from tests.screenings.helpers import CAT1_PROFILE, DURC_2024, activate
from tests.statements import counted_statements

FIRST_AIMS = "To exercise the portal."  # the factory's
SECOND_AIMS = "To exercise the portal twice over."


def amend(proposal: Proposal, pi: User, **fields: str) -> None:
    """Change the working copy and sign it as the next version, as the PI would."""
    ops.update_proposal(proposal, fields, actor=pi)
    ops.submit_proposal(proposal, actor=pi, password=PASSWORD, printed_name=pi.name, attested=True)
    db.session.commit()


def _denials() -> int:
    return db.session.scalar(select(func.count()).select_from(AuditEvent)
                             .where(AuditEvent.action == "access.denied")) or 0


@pytest.fixture
def world(factory):  # noqa: ANN001, ANN201
    """A PI with a proposal signed twice (the aims changed in between), a coordinator of the same institution,
    and an investigator elsewhere."""
    pi = factory.user(Role.INVESTIGATOR)
    proposal = factory.proposal(pi, title="Fictional wastewater survey", submitted=True)
    amend(proposal, pi, aims=SECOND_AIMS)
    return {"pi": pi, "proposal": proposal, "coordinator": factory.user(Role.COORDINATOR, institution=pi.institution),
            "stranger": factory.user(Role.INVESTIGATOR)}


def test_the_versions_are_listed_oldest_first_with_their_signatures(api, world) -> None:  # noqa: ANN001
    proposal, pi = world["proposal"], world["pi"]
    body = api.get(f"/api/v1/proposals/{proposal.id}/versions", headers=as_user(pi)).get_json()
    assert [(v["number"], v["step"]) for v in body["items"]] == [(1, "submit"), (2, "amend")]
    assert {v["signature"]["signer_id"] for v in body["items"]} == {pi.id}
    assert body["items"][0]["content_sha256"] != body["items"][1]["content_sha256"]


def test_a_version_is_its_frozen_content(api, world) -> None:  # noqa: ANN001
    proposal, pi = world["proposal"], world["pi"]
    ops.update_proposal(proposal, {"aims": "Words not yet signed"}, actor=pi)
    db.session.commit()
    headers = as_user(pi)
    first = api.get(f"/api/v1/proposals/{proposal.id}/versions/1", headers=headers)
    second = api.get(f"/api/v1/proposals/{proposal.id}/versions/2", headers=headers).get_json()
    assert first.get_json()["snapshot"]["fields"]["aims"] == FIRST_AIMS
    assert second["snapshot"]["fields"]["aims"] == SECOND_AIMS and second["step"] == "amend"
    assert second["snapshot"]["pi"] == {"id": pi.id, "name": pi.name}
    assert [a["filename"] for a in second["snapshot"]["attachments"]] == ["plan.pdf"]
    assert pi.email not in first.get_data(as_text=True)  # the pages do not show it either
    assert "no version 3" in problem(api.get(f"/api/v1/proposals/{proposal.id}/versions/3", headers=headers),
                                     404)["detail"]


def test_the_diff_shows_the_words_that_changed(api, world) -> None:  # noqa: ANN001
    proposal, headers = world["proposal"], as_user(world["pi"])
    body = api.get(f"/api/v1/proposals/{proposal.id}/diff", headers=headers).get_json()
    assert (body["from_version"]["number"], body["to_version"]["number"]) == (1, 2)
    aims = next(f for f in body["fields"] if f["name"] == "aims")
    assert aims["changed"] and aims["label"]
    assert [s["text"] for s in aims["segments"] if s["op"] == "removed"] == ["portal."]
    assert [s["text"] for s in aims["segments"] if s["op"] == "added"] == ["portal twice over."]
    assert "".join(s["text"] for s in aims["segments"] if s["op"] != "removed") == SECOND_AIMS
    assert not any(f["changed"] for f in body["fields"] if f["name"] != "aims")
    assert [(d["label"], d["changed"]) for d in body["lists"]][0] == ("Team", False)
    backwards = api.get(f"/api/v1/proposals/{proposal.id}/diff?from=2&to=1", headers=headers).get_json()
    aims = next(f for f in backwards["fields"] if f["name"] == "aims")
    assert [s["text"] for s in aims["segments"] if s["op"] == "added"] == ["portal."]


def test_a_diff_that_cannot_be_made_names_its_field(api, world, factory) -> None:  # noqa: ANN001
    proposal, pi = world["proposal"], world["pi"]
    headers, url = as_user(pi), f"/api/v1/proposals/{proposal.id}/diff"

    def fields(query: str) -> list[str]:
        return [e["field"] for e in problem(api.get(f"{url}?{query}", headers=headers), 422)["errors"]]

    assert fields("from=2&to=2") == ["query.to"]
    assert fields("to=1") == ["query.from"]
    assert fields("from=0&to=abc") == ["query.from", "query.to"]
    assert fields("from_version=1") == ["query.from_version"]
    assert "no version 9" in problem(api.get(f"{url}?from=9", headers=headers), 404)["detail"]
    once = factory.proposal(pi, title="Signed only once", submitted=True)
    body = problem(api.get(f"/api/v1/proposals/{once.id}/diff", headers=headers), 422)
    assert "needs two" in body["detail"] and body["errors"][0]["field"] == "query.from"


def test_someone_else_s_versions_are_404_and_each_attempt_audited(api, world) -> None:  # noqa: ANN001
    proposal, headers = world["proposal"], as_user(world["stranger"])
    base = f"/api/v1/proposals/{proposal.id}"
    for path in ("/versions", "/versions/1", "/diff", "/versions/1/screenings"):
        before = _denials()
        problem(api.get(base + path, headers=headers), 404)
        assert _denials() == before + 1, path


def test_a_conflicted_coordinator_gets_404(api, world) -> None:  # noqa: ANN001
    proposal, coordinator = world["proposal"], world["coordinator"]
    headers = as_user(coordinator)
    assert api.get(f"/api/v1/proposals/{proposal.id}/versions", headers=headers).status_code == 200
    declare_conflict(proposal, coordinator, reason="A close collaborator of the PI", actor=coordinator)
    db.session.commit()
    for path in ("versions", "versions/2", "diff", "versions/2/screenings"):
        problem(api.get(f"/api/v1/proposals/{proposal.id}/{path}", headers=headers), 404)


def test_a_token_without_proposals_read_is_refused(api, world) -> None:  # noqa: ANN001
    proposal = world["proposal"]
    headers = as_user(world["pi"], [Scope.PROPOSALS_WRITE, Scope.DECISIONS_READ])
    for path in ("versions", "versions/1", "diff", "versions/1/screenings"):
        assert "proposals:read" in problem(api.get(f"/api/v1/proposals/{proposal.id}/{path}", headers=headers),
                                           403)["detail"]


def test_a_version_s_screenings_are_those_stored_when_it_was_signed(api, factory) -> None:  # noqa: ANN001
    pi = factory.user(Role.INVESTIGATOR)
    activate(pi.institution, DURC_2024)
    proposal = submitted(factory, pi, "Fictional study referred as Category 1", CAT1_PROFILE)
    body = api.get(f"/api/v1/proposals/{proposal.id}/versions/1/screenings", headers=as_user(pi)).get_json()
    (screening,) = body["items"]
    assert (screening["set_id"], screening["outcome"]["id"]) == (DURC_2024, "refer_ire_cat1")
    assert screening["routing"] == ["ire"] and screening["clocks"] and screening["recorded_at"].endswith("Z")
    assert any(f["triggered"] and f["human_judgment"] for f in screening["findings"])
    assert "clauses" not in screening["outcome"] and "answers" not in screening["findings"][0]
    # A version signed while the institution applied no set has no screenings.
    world_proposal = factory.proposal(pi, title="Signed before screening", submitted=True)
    assert api.get(f"/api/v1/proposals/{world_proposal.id}/versions/1/screenings",
                   headers=as_user(pi)).get_json() == {"items": []}


def test_each_response_carries_exactly_its_declared_keys(api, factory) -> None:  # noqa: ANN001
    pi = factory.user(Role.INVESTIGATOR)
    activate(pi.institution, DURC_2024)
    proposal = submitted(factory, pi, "Fictional study with a collaborator", CAT1_PROFILE)
    ops.add_collaborator(proposal, name="A. Fictional", affiliation="Fictional Institute", role="Advisor", actor=pi)
    amend(proposal, pi, aims=SECOND_AIMS)
    headers, base, template = as_user(pi), f"/api/v1/proposals/{proposal.id}", "/api/v1/proposals/{proposal_id}"
    assert_matches_document(api, f"{base}/versions", headers, f"{template}/versions")
    body = assert_matches_document(api, f"{base}/versions/2", headers, f"{template}/versions/{{number}}")
    assert body["snapshot"]["collaborators"] and body["snapshot"]["screening_answers"]
    assert_matches_document(api, f"{base}/diff", headers, f"{template}/diff")
    body = assert_matches_document(api, f"{base}/versions/1/screenings", headers,
                                   f"{template}/versions/{{number}}/screenings")
    assert body["items"][0]["findings"] and body["items"][0]["clocks"]


def test_listing_versions_costs_the_same_however_many_there_are(api, world) -> None:  # noqa: ANN001
    proposal, pi = world["proposal"], world["pi"]
    headers, url = as_user(pi), f"/api/v1/proposals/{proposal.id}/versions"
    api.get(url, headers=headers)  # the token's first use is noted once: count the requests after it
    with counted_statements() as two:
        assert api.get(url, headers=headers).status_code == 200
    for n in range(3):
        amend(proposal, pi, aims=f"{SECOND_AIMS} Round {n}.")
    with counted_statements() as five:
        assert len(api.get(url, headers=headers).get_json()["items"]) == 5
    assert len(five) == len(two)
