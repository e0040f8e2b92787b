"""Committee pages: who may use them, and the paths that work."""

from __future__ import annotations

from datetime import timedelta

import pytest

from portal.auth.roles import Role
from portal.clock import utcnow
from portal.committees.kinds import MemberRole
from portal.committees.models import Committee
from portal.extensions import db
from tests.committees.conftest import (
    add,
    committee_named,
    event_data,
    events,
    make_committee,
    reload,
    settings_form,
    signed_in,
    text,
)
from tests.conftest import post

MANAGERS = {Role.ADMIN, Role.COORDINATOR}


# --- who may manage committees ----------------------------------------------------------------------


@pytest.mark.parametrize("where", ["same", "other"])
@pytest.mark.parametrize(
    "role", [Role.ADMIN, Role.COORDINATOR, Role.CHAIR, Role.REVIEWER, Role.INVESTIGATOR, Role.GOVERNANCE], ids=str
)
def test_permission_truth_table(app, factory, role, where):
    home = factory.institution()
    committee = make_committee(home)
    candidate = factory.user(Role.REVIEWER, institution=home)
    visitor = factory.user(role, institution=home if where == "same" else factory.institution())
    if role is Role.CHAIR and where == "same":
        add(committee, visitor, MemberRole.CHAIR)  # chairing a committee is not managing it
    manager = role in MANAGERS
    mine = manager and where == "same"
    browser = signed_in(app, visitor)

    statuses = {
        "list": browser.get("/committees").status_code,
        "detail": browser.get(f"/committees/{committee.id}").status_code,
        "new": post(browser, "/committees/new", settings_form(name="Visitor's committee")).status_code,
        "add member": post(
            browser, f"/committees/{committee.id}/members", {"email": candidate.email, "role": "member"}
        ).status_code,
    }

    assert statuses == {
        "list": 200 if manager else 404,
        "detail": 200 if mine else 404,
        "new": 302 if manager else 404,
        "add member": 302 if mine else 404,
    }
    assert (candidate.id in {m.user_id for m in reload(committee.id).members}) == mine
    created = committee_named("Visitor's committee")
    assert (created.institution_id if created else None) == (visitor.institution_id if manager else None)
    assert len(events("committee.member_added")) == (1 if mine else 0) + (role is Role.CHAIR and where == "same")


def test_the_list_shows_only_the_institutions_committees(app, factory):
    admin = factory.user(Role.ADMIN)
    make_committee(admin.institution, "Our review entity")
    make_committee(factory.institution(), "Their review entity")

    page = text(signed_in(app, admin).get("/committees"))

    assert "Our review entity" in page
    assert "Their review entity" not in page


@pytest.mark.parametrize("role", [Role.ADMIN, Role.COORDINATOR, Role.REVIEWER])
def test_the_nav_link_is_for_managers_only(app, factory, role):
    page = text(signed_in(app, factory.user(role)).get("/dashboard"))
    assert ('href="/committees"' in page) == (role in MANAGERS)


def test_signed_out_visitors_are_sent_to_sign_in(client):
    response = client.get("/committees")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/sign-in")


# --- creating and editing ---------------------------------------------------------------------------


def test_create_a_committee_of_a_custom_kind(app, factory):
    admin = factory.user(Role.ADMIN)
    browser = signed_in(app, admin)
    assert browser.get("/committees/new").status_code == 200

    response = post(
        browser,
        "/committees/new",
        settings_form(
            name="Animal Research Panel",
            kind="custom",
            custom_kind="animal_welfare",
            quorum_rule="count",
            quorum_value="3",
            require_non_scientist=None,
            reviewers_per_proposal="3",
            closed_review=None,
        ),
    )

    committee = committee_named("Animal Research Panel")
    assert response.status_code == 302
    assert response.headers["Location"].startswith(f"/committees/{committee.id}")
    assert (committee.institution_id, committee.kind) == (admin.institution_id, "animal_welfare")
    assert (committee.quorum_count, committee.quorum_percent) == (3, None)
    assert (committee.require_non_scientist, committee.closed_review) == (False, False)
    assert (committee.reviewers_per_proposal, committee.review_due_days, committee.max_revision_rounds) == (3, 14, 3)
    created = events("committee.created")
    assert [(e.actor_id, e.target_id) for e in created] == [(admin.id, str(committee.id))]
    assert event_data(created[0])["kind"] == "animal_welfare"
    detail = text(browser.get(f"/committees/{committee.id}"))
    assert "Animal welfare" in detail
    assert "3 voting members" in detail
    assert "Open: investigators see who reviewed" in detail
    listing = text(browser.get("/committees"))
    assert "Animal Research Panel" in listing
    assert "No chair" in listing
    edit = text(browser.get(f"/committees/{committee.id}/edit"))
    assert 'value="animal_welfare"' in edit
    assert '<option selected value="custom">' in edit


def test_edit_the_settings(app, factory):
    admin = factory.user(Role.ADMIN)
    committee = make_committee(admin.institution, "Biosafety Committee", kind="biosafety_office")
    browser = signed_in(app, admin)
    page = text(browser.get(f"/committees/{committee.id}/edit"))
    assert 'value="Biosafety Committee"' in page
    assert '<input checked id="quorum_rule-1" name="quorum_rule" type="radio" value="percent">' in page

    response = post(
        browser,
        f"/committees/{committee.id}/edit",
        settings_form(
            name="Biosafety Office", kind="biosafety_office", quorum_rule="count", quorum_value="2", lock_version="1"
        ),
    )

    assert response.status_code == 302
    saved = reload(committee.id)
    assert (saved.name, saved.quorum_count, saved.quorum_percent) == ("Biosafety Office", 2, None)
    updated = events("committee.updated")
    assert [(e.actor_id, event_data(e)["changed"]) for e in updated] == [
        (admin.id, ["name", "quorum_count", "quorum_percent"])
    ]
    again = post(
        browser,
        f"/committees/{committee.id}/edit",
        settings_form(
            name="Biosafety Office",
            kind="biosafety_office",
            quorum_rule="count",
            quorum_value="2",
            lock_version=str(saved.lock_version),
        ),
        follow_redirects=True,
    )
    assert "Nothing was changed." in text(again)
    assert len(events("committee.updated")) == 1


# --- members, roles and the deputy ------------------------------------------------------------------


def test_add_members_and_see_the_live_quorum(app, factory):
    admin = factory.user(Role.ADMIN)
    home = admin.institution
    chair, scientist, lay = (factory.user(Role.REVIEWER, institution=home) for _ in range(3))
    expert = factory.user(Role.REVIEWER)  # another institution
    committee = make_committee(home, require_non_scientist=True)
    browser = signed_in(app, admin)
    until = (utcnow().date() + timedelta(days=30)).isoformat()

    def add_member(user, **fields):  # noqa: ANN001, ANN202
        response = post(browser, f"/committees/{committee.id}/members", {"email": user.email, **fields})
        assert response.status_code == 302, text(response)

    add_member(chair, role="chair", expertise="Virology, biosecurity  policy, virology")
    add_member(scientist, role="member")
    page = text(browser.get(f"/committees/{committee.id}"))
    assert "Quorum cannot be met" in page
    assert "no non-scientist member is present" in page

    add_member(lay, role="member", non_scientist="y")
    add_member(expert, role="alternate", external_expert="y", access_until=until)

    saved = reload(committee.id)
    by_user = {m.user_id: m for m in saved.members}
    assert by_user[chair.id].role == "chair"
    assert by_user[chair.id].expertise == "virology, biosecurity policy"
    assert by_user[lay.id].non_scientist
    assert (by_user[expert.id].external_expert, by_user[expert.id].access_until.isoformat()) == (True, until)
    added = events("committee.member_added")
    assert [event_data(e)["user_id"] for e in added] == [chair.id, scientist.id, lay.id, expert.id]
    assert event_data(added[-1])["access_until"] == until
    assert {e.actor_id for e in added} == {admin.id}
    page = text(browser.get(f"/committees/{committee.id}"))
    assert "3 voting members" in page  # the alternate does not vote
    assert "needs <strong>2</strong> voting members" in page  # 50% of 3, rounded up
    assert "Quorum can be met" in page
    assert "External expert" in page and until in page and "Non-scientist" in page
    assert "4" in text(browser.get("/committees"))


def test_set_the_deputy_then_remove_them(app, factory):
    admin = factory.user(Role.ADMIN)
    home = admin.institution
    committee = make_committee(home)
    chair = add(committee, factory.user(Role.CHAIR, institution=home), MemberRole.CHAIR)
    member = add(committee, factory.user(Role.REVIEWER, institution=home))
    member_id, member_user_id, chair_id = member.id, member.user_id, chair.id
    browser = signed_in(app, admin)

    assert post(browser, f"/committees/{committee.id}/deputy", {"deputy": str(member_id)}).status_code == 302
    assert reload(committee.id).deputy_id == member_user_id
    assert "Deputy chair</span>" in text(browser.get(f"/committees/{committee.id}"))
    # The chair is not offered, and cannot be chosen by editing the request.
    refused = post(browser, f"/committees/{committee.id}/deputy", {"deputy": str(chair_id)}, follow_redirects=True)
    assert "Choose a member other than the chair" in text(refused)
    assert reload(committee.id).deputy_id == member_user_id

    removed = post(browser, f"/committees/{committee.id}/members/{member_id}/remove")

    assert removed.status_code == 302
    saved = reload(committee.id)
    assert [m.id for m in saved.members] == [chair_id]
    assert saved.deputy_id is None
    assert [event_data(e)["user_id"] for e in events("committee.member_removed")] == [member_user_id]
    assert [event_data(e)["user_id"] for e in events("committee.deputy_set")] == [member_user_id]
    assert post(browser, f"/committees/{committee.id}/deputy", {"deputy": "0"}).status_code == 302
    assert [event_data(e)["user_id"] for e in events("committee.deputy_set")] == [member_user_id, None]


def test_hand_over_the_chair(app, factory):
    admin = factory.user(Role.ADMIN)
    home = admin.institution
    committee = make_committee(home)
    old = add(committee, factory.user(Role.CHAIR, institution=home), MemberRole.CHAIR)
    new = add(committee, factory.user(Role.REVIEWER, institution=home))
    old_id, new_id = old.id, new.id
    browser = signed_in(app, admin)

    early = post(browser, f"/committees/{committee.id}/members/{new_id}/role", {"role": "chair"}, follow_redirects=True)
    assert "already has a chair" in text(early)
    assert post(browser, f"/committees/{committee.id}/members/{old_id}/role", {"role": "member"}).status_code == 302
    assert post(browser, f"/committees/{committee.id}/members/{new_id}/role", {"role": "chair"}).status_code == 302

    roles = {m.id: m.role for m in reload(committee.id).members}
    assert roles == {old_id: "member", new_id: "chair"}
    assert [(event_data(e)["from"], event_data(e)["to"]) for e in events("committee.member_role_changed")] == [
        ("chair", "member"),
        ("member", "chair"),
    ]


def test_a_member_of_another_committee_is_not_found(app, factory):
    admin = factory.user(Role.ADMIN)
    home = admin.institution
    mine, other = make_committee(home, "Mine"), make_committee(home, "Other")
    stranger = add(other, factory.user(Role.REVIEWER, institution=home))
    browser = signed_in(app, admin)

    assert post(browser, f"/committees/{mine.id}/members/{stranger.id}/remove").status_code == 404
    assert post(browser, f"/committees/{mine.id}/members/{stranger.id}/role", {"role": "chair"}).status_code == 404
    assert len(reload(other.id).members) == 1
    assert db.session.get(Committee, 10_000) is None
    assert browser.get("/committees/10000").status_code == 404
