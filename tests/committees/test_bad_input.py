"""Committee pages refuse bad input with a message on the page: status 400, never a 500, nothing saved."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from portal.auth import operations as accounts
from portal.auth.roles import Role
from portal.clock import utcnow
from portal.committees import operations as ops
from portal.committees.kinds import MemberRole
from portal.committees.models import Committee
from portal.extensions import db
from tests.committees.conftest import add, events, make_committee, reload, settings_form, signed_in, text
from tests.conftest import post


def committee_count() -> int:
    return db.session.scalar(select(func.count()).select_from(Committee))


@pytest.fixture
def admin(factory):  # noqa: ANN001, ANN201
    return factory.user(Role.ADMIN)


@pytest.fixture
def browser(app, admin):  # noqa: ANN001, ANN201
    return signed_in(app, admin)


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"quorum_value": "0"}, "A percentage quorum must be from 1 to 100."),
        ({"quorum_value": "150"}, "A percentage quorum must be from 1 to 100."),
        ({"quorum_rule": "count", "quorum_value": "0"}, "A quorum of members must be from 1 to 500."),
        ({"quorum_rule": None}, "Choose whether the quorum is a number of members or a percentage."),
        ({"quorum_value": ""}, "Give the quorum as a whole number."),
        ({"quorum_rule": ["count", "percent"]}, "not both"),
        ({"quorum_rule": "most"}, "Choose a number of members or a percentage."),
        ({"quorum_value": "half"}, "Not a valid integer value."),
        ({"name": "  "}, "Give the committee a name."),
        ({"kind": ""}, "Choose a kind."),
        ({"kind": "custom"}, "Name the other kind of committee."),
        ({"kind": "custom", "custom_kind": "Animal Welfare!"}, "Use lower-case letters, digits and underscores only"),
        ({"kind": "custom", "custom_kind": "___"}, "with at least one letter"),
        ({"kind": "secret_kind"}, "Not a valid choice."),
        ({"reviewers_per_proposal": "0"}, "Give a whole number from 1 to 50."),
        ({"review_due_days": "0"}, "Give a whole number from 1 to 365."),
        ({"max_revision_rounds": "-1"}, "Give a whole number from 0 to 20."),
        ({"review_due_days": str(2**40)}, "Give a whole number from 1 to 365."),
    ],
)
def test_bad_settings_are_field_errors(browser, overrides, message):
    response = post(browser, "/committees/new", settings_form(**overrides))

    assert response.status_code == 400
    assert message in text(response)
    assert "There is a problem" in text(response)
    assert 'aria-invalid="true"' in text(response) or 'class="field has-error"' in text(response)
    assert committee_count() == 0
    assert events("committee.created") == []


def test_the_operation_refuses_both_or_neither_quorum_rule(app, factory):
    institution = factory.institution()
    for counts in ({"quorum_count": 3, "quorum_percent": 50}, {"quorum_count": None, "quorum_percent": None}):
        with pytest.raises(ops.CommitteeError, match="either as a number of members or as a percentage"):
            ops.create_committee(
                institution_id=institution.id, settings={"name": "X", "kind": "ibc", **counts}, actor=None
            )
        db.session.rollback()
    assert committee_count() == 0


@pytest.mark.parametrize("name", ["Biosafety Committee", "biosafety committee", "  Biosafety Committee "])
def test_a_duplicate_name_in_the_institution_is_a_field_error(browser, admin, name):
    make_committee(admin.institution, "Biosafety Committee")

    response = post(browser, "/committees/new", settings_form(name=name))

    assert response.status_code == 400
    assert "Your institution already has a committee with this name." in text(response)
    assert committee_count() == 1


def test_the_same_name_at_another_institution_is_fine(browser, factory):
    make_committee(factory.institution(), "Biosafety Committee")
    assert post(browser, "/committees/new", settings_form(name="Biosafety Committee")).status_code == 302
    assert committee_count() == 2


def test_renaming_onto_another_committee_is_a_field_error(browser, admin):
    make_committee(admin.institution, "First")
    second = make_committee(admin.institution, "Second")

    response = post(browser, f"/committees/{second.id}/edit", settings_form(name="FIRST", lock_version="1"))

    assert response.status_code == 400
    assert "already has a committee with this name" in text(response)
    assert reload(second.id).name == "Second"
    assert events("committee.updated") == []


def test_an_edit_on_a_stale_page_is_refused(browser, admin):
    committee = make_committee(admin.institution, "First")
    ops.update_committee(committee, {"review_due_days": 30}, actor=admin)
    db.session.commit()

    response = post(browser, f"/committees/{committee.id}/edit", settings_form(name="Renamed", lock_version="1"))

    assert response.status_code == 409
    assert "Someone else changed these settings" in text(response)
    assert reload(committee.id).name == "First"


# --- members ----------------------------------------------------------------------------------------


def add_member(browser, committee, **fields):  # noqa: ANN001, ANN201
    return post(browser, f"/committees/{committee.id}/members", {"role": "member", **fields})


def test_an_unknown_or_disabled_address_is_a_field_error(browser, admin, factory):
    committee = make_committee(admin.institution)
    disabled = factory.user(Role.REVIEWER, institution=admin.institution)
    accounts.set_account_disabled(disabled, True, actor=admin)
    db.session.commit()

    for email in ("nobody@example.org", disabled.email, "not an address"):
        response = add_member(browser, committee, email=email)
        assert response.status_code == 400
        assert "No active portal user has this e-mail address." in text(response)
    assert reload(committee.id).members == []
    assert events("committee.member_added") == []


def test_a_second_chair_is_refused_with_a_clear_message(browser, admin, factory):
    committee = make_committee(admin.institution)
    add(committee, factory.user(Role.CHAIR, institution=admin.institution), MemberRole.CHAIR)
    hopeful = factory.user(Role.CHAIR, institution=admin.institution)

    response = add_member(browser, committee, email=hopeful.email, role="chair")

    assert response.status_code == 400
    assert "The committee already has a chair; change the current chair&#39;s role first." in text(response)
    assert [m.role for m in reload(committee.id).members] == ["chair"]
    assert len(events("committee.member_added")) == 1


@pytest.mark.parametrize(
    ("access_until", "message"),
    [
        (None, "Give the last day of the external expert&#39;s access."),
        ("", "Give the last day of the external expert&#39;s access."),
        ("yesterday", "Not a valid date value."),
        ((utcnow().date() - timedelta(days=1)).isoformat(), "The last day of access must be today or later."),
    ],
)
def test_an_external_expert_needs_an_end_date_from_today(browser, admin, factory, access_until, message):
    committee = make_committee(admin.institution)
    expert = factory.user(Role.REVIEWER)
    fields = {"email": expert.email, "external_expert": "y"}
    if access_until is not None:
        fields["access_until"] = access_until

    response = add_member(browser, committee, **fields)

    assert response.status_code == 400
    assert message in text(response)
    assert reload(committee.id).members == []


def test_someone_of_another_institution_joins_only_as_an_external_expert(browser, admin, factory):
    committee = make_committee(admin.institution)
    outsider = factory.user(Role.REVIEWER)

    response = add_member(browser, committee, email=outsider.email)

    assert response.status_code == 400
    assert "belongs to another institution: add them as an external expert." in text(response)
    today = utcnow().date().isoformat()
    assert (
        add_member(browser, committee, email=outsider.email, external_expert="y", access_until=today).status_code == 302
    )


def test_adding_someone_twice_is_refused(browser, admin, factory):
    committee = make_committee(admin.institution)
    member = add(committee, factory.user(Role.REVIEWER, institution=admin.institution))

    response = add_member(browser, committee, email=member.user.email.upper())

    assert response.status_code == 400
    assert "is already a member." in text(response)
    assert len(reload(committee.id).members) == 1


def test_posts_without_a_csrf_token_are_refused(browser, admin, factory):
    committee = make_committee(admin.institution)
    member = add(committee, factory.user(Role.REVIEWER, institution=admin.institution))
    newcomer = factory.user(Role.REVIEWER, institution=admin.institution)
    member_id = member.id

    attempts = {
        "/committees/new": settings_form(name="Forged"),
        f"/committees/{committee.id}/edit": settings_form(name="Forged", lock_version="1"),
        f"/committees/{committee.id}/members": {"email": newcomer.email, "role": "member"},
        f"/committees/{committee.id}/members/{member_id}/remove": {},
        f"/committees/{committee.id}/members/{member_id}/role": {"role": "chair"},
        f"/committees/{committee.id}/deputy": {"deputy": str(member_id)},
    }
    for path, data in attempts.items():
        assert browser.post(path, data=data).status_code == 400, path

    saved = reload(committee.id)
    assert (saved.name, saved.deputy_id) == ("Biosafety Committee", None)
    assert [(m.id, m.role) for m in saved.members] == [(member_id, "member")]
    assert committee_count() == 1
