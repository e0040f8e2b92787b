"""Criteria sets over the API: public policy text any valid token may read, each marked with whether the caller's
institution applies it, and one set in full with its questions, criteria, outcomes, routing and clocks."""

from __future__ import annotations

import pytest

from portal.auth.api_tokens import Scope
from portal.auth.roles import Role
from portal.screenings.registry import all_sets
from tests.api.conftest import as_user, problem
from tests.api.schema_keys import assert_matches_document
from tests.screenings.helpers import DURC_2024, MIRROR, activate


@pytest.fixture
def pi(factory):  # noqa: ANN001, ANN201
    """An investigator whose institution applies the 2024 US policy and no other set."""
    user = factory.user(Role.INVESTIGATOR)
    activate(user.institution, DURC_2024)
    return user


def test_every_set_is_listed_and_marked_when_the_institution_applies_it(api, pi, factory) -> None:  # noqa: ANN001
    items = {s["id"]: s for s in api.get("/api/v1/criteria-sets", headers=as_user(pi)).get_json()["items"]}
    assert set(items) == set(all_sets())
    assert items[DURC_2024]["applied_by_my_institution"] is True
    assert items[MIRROR]["applied_by_my_institution"] is False
    durc = items[DURC_2024]
    assert (durc["policy_status"], durc["policy_status_label"]) == ("superseded", "Superseded")
    assert durc["effective_from"] == "2025-05-06" and durc["sources"][0]["url"].startswith("https://")
    assert durc["digest"] == all_sets()[DURC_2024].digest
    # Someone at another institution, applying nothing, reads the same sets, none marked as applied.
    elsewhere = api.get("/api/v1/criteria-sets", headers=as_user(factory.user(Role.COORDINATOR))).get_json()
    assert not any(s["applied_by_my_institution"] for s in elsewhere["items"])
    assert {s["id"] for s in elsewhere["items"]} == set(items)


def test_a_set_in_full(api, pi) -> None:  # noqa: ANN001
    body = api.get(f"/api/v1/criteria-sets/{DURC_2024}", headers=as_user(pi)).get_json()
    assert body["applied_by_my_institution"] is True and body["title"] == all_sets()[DURC_2024].title
    questions = {q["id"]: q for q in body["questions"]}
    outcomes_question = questions["durc24.cat1_outcomes"]
    assert outcomes_question["type"] == "multiple_choice" and outcomes_question["allow_unsure"]
    assert outcomes_question["choices"] and outcomes_question["help"]
    assert any(q["shared"] for q in body["questions"])
    assert any(c["human_judgment"] and c["human_judgment"]["by"] for c in body["criteria"])
    outcomes = {o["id"]: o for o in body["outcomes"]}
    assert outcomes["refer_ire_cat1"]["routing"] == ["ire"] and len(outcomes["refer_ire_cat1"]["clocks"]) == 3
    assert [o["default"] for o in body["outcomes"]] == [False] * (len(outcomes) - 1) + [True]


def test_an_unknown_set_is_404(api, pi) -> None:  # noqa: ANN001
    assert "no criteria set" in problem(api.get("/api/v1/criteria-sets/no-such-set", headers=as_user(pi)),
                                        404)["detail"]


def test_any_valid_token_may_read_them_and_no_token_may_not(api, pi) -> None:  # noqa: ANN001
    headers = as_user(pi, [Scope.AUDIT_READ])
    assert api.get("/api/v1/criteria-sets", headers=headers).status_code == 200
    assert api.get(f"/api/v1/criteria-sets/{MIRROR}", headers=headers).status_code == 200
    problem(api.get("/api/v1/criteria-sets"), 401)
    problem(api.get(f"/api/v1/criteria-sets/{MIRROR}", headers={"Authorization": "Bearer not-a-token"}), 401)


def test_each_response_carries_exactly_its_declared_keys(api, pi) -> None:  # noqa: ANN001
    headers = as_user(pi)
    assert_matches_document(api, "/api/v1/criteria-sets", headers, "/api/v1/criteria-sets")
    for set_id in all_sets():
        assert_matches_document(api, f"/api/v1/criteria-sets/{set_id}", headers, "/api/v1/criteria-sets/{set_id}")
