"""Submitting screens the new version once under every active set; the stored results are shown as
recorded and never recomputed."""

from __future__ import annotations

import json
from typing import Any

import pytest
from sqlalchemy import text as sql
from sqlalchemy.exc import DBAPIError

from portal.auth.roles import Role
from portal.demo.answers import demo_answers
from portal.extensions import db
from portal.proposals import operations as ops
from portal.proposals.models import Proposal
from portal.screenings.registry import all_sets
from tests.factories import PASSWORD
from tests.proposals.conftest import event_data, events, reload, sign_and_submit, signed_in, text, versions_of
from tests.screenings.helpers import (
    CAT1_PROFILE,
    CAT1_TITLE,
    DURC_2024,
    MIRROR,
    OUT_OF_SCOPE_TITLE,
    activate,
    save_answers,
    screenings_of,
)
from tests.statements import counted_statements


def _submitted(app, factory, profile: dict[str, Any]):  # noqa: ANN202
    """A proposal at an institution applying both sets, answered from `profile` (the rest filled in as the
    demo does), then signed and submitted through the web. Returns proposal, PI, client, final page."""
    institution = factory.institution()
    active = activate(institution, DURC_2024, MIRROR)
    pi = factory.user(Role.INVESTIGATOR, institution=institution)
    proposal = factory.proposal(pi)
    client = signed_in(app, pi)
    assert save_answers(client, proposal, demo_answers(active, profile)).status_code == 302
    page = sign_and_submit(client, proposal, pi)
    assert "Version 1 was signed and submitted." in text(page)
    return proposal, pi, client, text(page)


def _by_set(rows):  # noqa: ANN001, ANN202
    return {row.set_id: row for row in rows}


def test_a_submission_is_screened_once_under_every_active_set(app, factory):
    proposal, _pi, _client, page = _submitted(app, factory, CAT1_PROFILE)

    assert reload(Proposal, proposal.id).state == "screened"
    (version,) = versions_of(proposal.id)
    rows = screenings_of(proposal)
    assert sorted(row.set_id for row in rows) == [MIRROR, DURC_2024]
    sets = all_sets()
    for row in rows:
        loaded = sets[row.set_id]
        assert row.version_id == version.id
        assert row.set_version == loaded.version
        assert row.set_digest == loaded.digest
        assert len(row.set_digest) == 64
        assert row.engine_version == "1"

    durc = _by_set(rows)[DURC_2024]
    assert (durc.outcome_id, durc.severity, durc.via_unsure) == ("refer_ire_cat1", "high", False)
    result = json.loads(durc.result)
    assert result["set_digest"] == durc.set_digest
    assert result["outcome"]["id"] == "refer_ire_cat1"
    assert result["outcome"]["clauses"], "the outcome is explained clause by clause"
    met = {f["criterion"] for f in result["findings"] if f["triggered"]}
    assert {"c1_agent", "c1_outcome", "c1_judgment"} <= met
    assert all(f["clauses"] for f in result["findings"] if f["triggered"])
    assert [j["criterion"] for j in result["required_judgments"]] == ["c1_judgment"]
    mirror = _by_set(rows)[MIRROR]
    assert (mirror.outcome_id, mirror.severity, mirror.via_unsure) == ("no_mirror_life_concern", "none", False)

    [submitted] = events("proposal.submit")  # the one event of the submission lists every screening
    recorded = event_data(submitted)["screenings"]
    assert sorted(s["set_id"] for s in recorded) == [MIRROR, DURC_2024]
    assert {(s["id"], s["set_version"], s["set_digest"], s["outcome"]) for s in recorded} == {
        (row.id, row.set_version, row.set_digest, row.outcome_id) for row in rows
    }
    assert (event_data(submitted)["through"], event_data(submitted)["to"]) == (["submitted"], "screened")

    assert "Screening of version 1, recorded when it was submitted and never recomputed." in page
    assert CAT1_TITLE in page
    assert "Human judgments required" in page
    assert "Routed to: IRE" in page
    assert "No mirror-life concern, as attested by the principal investigator" in page


@pytest.mark.parametrize("statement", ["UPDATE screenings SET outcome_id = 'cleared'", "DELETE FROM screenings"])
def test_the_database_refuses_to_change_a_stored_screening(app, factory, statement):
    proposal, _pi, _client, _page = _submitted(app, factory, CAT1_PROFILE)
    before = [(row.id, row.outcome_id, row.result) for row in screenings_of(proposal)]

    with pytest.raises(DBAPIError) as refused:
        db.session.execute(sql(statement))
    db.session.rollback()
    assert "append-only" in str(refused.value)
    assert [(row.id, row.outcome_id, row.result) for row in screenings_of(proposal)] == before


def test_an_amendment_gets_its_own_screenings_and_version_1_keeps_its_own(app, factory):
    proposal, pi, client, _page = _submitted(app, factory, CAT1_PROFILE)
    first = [(r.id, r.version_id, r.outcome_id, r.set_digest, r.result, r.created_at) for r in screenings_of(proposal)]

    amended = demo_answers(
        [all_sets()[DURC_2024], all_sets()[MIRROR]], {**CAT1_PROFILE, "durc24.cat1_outcomes": ["none_of_these"]}
    )
    save_answers(client, proposal, amended)
    page = text(sign_and_submit(client, proposal, pi))
    assert "Version 2 was signed and submitted." in page

    v1, v2 = versions_of(proposal.id)
    rows = screenings_of(proposal)
    assert [(r.id, r.version_id, r.outcome_id, r.set_digest, r.result, r.created_at) for r in rows[:2]] == first
    assert {r.version_id for r in rows[:2]} == {v1.id}
    second = _by_set(r for r in rows if r.version_id == v2.id)
    assert sorted(second) == [MIRROR, DURC_2024]
    assert second[DURC_2024].outcome_id == "out_of_scope_pi_attested"
    assert reload(Proposal, proposal.id).state == "screened"
    assert [len(event_data(e)["screenings"]) for e in events("proposal.amend")] == [2]

    assert "Screening of version 2" in page
    assert OUT_OF_SCOPE_TITLE in page
    assert CAT1_TITLE not in page


def test_an_unsure_answer_is_flagged_in_the_stored_outcome(app, factory):
    profile = {**CAT1_PROFILE, "durc24.cat1_outcomes": ["unsure"], "mirror.mirror_organisms": "unsure"}
    proposal, _pi, _client, page = _submitted(app, factory, profile)

    rows = _by_set(screenings_of(proposal))
    assert (rows[DURC_2024].outcome_id, rows[DURC_2024].via_unsure) == ("refer_ire_cat1", True)
    assert (rows[MIRROR].outcome_id, rows[MIRROR].severity, rows[MIRROR].via_unsure) == (
        "prohibited",
        "prohibited",
        True,
    )
    assert json.loads(rows[DURC_2024].result)["outcome"]["via_unsure"] is True
    assert json.loads(rows[DURC_2024].result)["unsure"] == ["durc24.cat1_outcomes"]
    assert page.count("because of an unsure or missing answer") == 2


def _amend(proposal_id: int, pi, n: int) -> None:  # noqa: ANN001
    proposal = db.session.get(Proposal, proposal_id)
    ops.update_proposal(proposal, {"aims": f"Aims, revision {n}."}, actor=pi)
    criteria_sets = [all_sets()[DURC_2024], all_sets()[MIRROR]]
    ops.submit_proposal(
        proposal, actor=pi, password=PASSWORD, printed_name=pi.name, attested=True, criteria_sets=criteria_sets
    )
    db.session.commit()


def _detail_statements(client, proposal_id: int) -> int:
    client.get(f"/proposals/{proposal_id}")  # warm: the first request after sign-in does extra work
    with counted_statements() as statements:
        response = client.get(f"/proposals/{proposal_id}")
    assert response.status_code == 200
    return len(statements)


def test_the_detail_page_statement_count_does_not_grow_with_versions(app, factory):
    proposal, pi, client, _page = _submitted(app, factory, CAT1_PROFILE)
    one_version = _detail_statements(client, proposal.id)

    _amend(proposal.id, pi, 2)
    _amend(proposal.id, pi, 3)
    assert len(versions_of(proposal.id)) == 3
    assert len(screenings_of(proposal)) == 6
    three_versions = _detail_statements(client, proposal.id)
    page = text(client.get(f"/proposals/{proposal.id}"))
    assert "Screening of version 3" in page
    assert page.count('<a href="/proposals/') >= 3
    print(f"Proposal page: {one_version} statements with 1 version, {three_versions} with 3")
    assert one_version == three_versions, f"1 version: {one_version} statements, 3 versions: {three_versions}"
