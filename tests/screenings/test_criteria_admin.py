"""The criteria sets pages, and an administrator choosing which sets the institution applies."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from portal.auth.roles import Role
from portal.extensions import db
from portal.screenings.models import InstitutionCriteriaSet
from portal.screenings.queries import activation_map
from portal.screenings.registry import STATUS_LABELS, all_sets
from tests.conftest import post
from tests.proposals.conftest import event_data, events, signed_in, text
from tests.screenings.helpers import DURC_2024, MIRROR, questionnaire_url, shows_question

SHIPPED = {
    "aixbio-managed-access",
    "mirror-life",
    "nucleic-acid-synthesis-procurement",
    "prc-st-ethics-2023",
    "tianjin-2021-guidelines",
    "us-eo14292-dgof-2025",
    "usg-durc-2014",
    "usg-durc-pepp-2024",
    "who-2022-framework",
}


def _rows(page: str) -> dict[str, str]:
    """Table rows of the criteria sets page, keyed by the set id each names."""
    rows = {}
    for row in re.findall(r"<tr>(.*?)</tr>", page, re.S):
        found = re.search(r'<span class="muted mono">([^<]+)</span>', row)
        if found:
            rows[found.group(1)] = row
    return rows


def _icsets(institution_id: int) -> list[InstitutionCriteriaSet]:
    db.session.expire_all()
    return list(
        db.session.scalars(
            select(InstitutionCriteriaSet).where(InstitutionCriteriaSet.institution_id == institution_id)
        )
    )


def test_the_list_shows_every_shipped_set_with_its_source_policy_status(app, factory):
    client = signed_in(app, factory.user(Role.INVESTIGATOR))
    response = client.get("/criteria")
    assert response.status_code == 200
    rows = _rows(text(response))
    assert set(rows) == SHIPPED == set(all_sets())
    statuses = set()
    for set_id, row in rows.items():
        criteria_set = all_sets()[set_id]
        label = STATUS_LABELS[criteria_set.policy_status]
        assert f'<span class="badge status-{criteria_set.policy_status}">{label}</span>' in row, set_id
        assert f'href="/criteria/{set_id}"' in row
        assert criteria_set.digest[:10] in row
        assert '<td data-label="Applied here">No' in row
        statuses.add(label)
    assert statuses == {"In force", "Superseded", "Provisional", "Voluntary"}
    assert "Apply" not in text(response)  # only an administrator gets the buttons


def test_a_set_page_shows_questions_criteria_outcomes_routing_and_clocks(app, factory):
    client = signed_in(app, factory.user(Role.INVESTIGATOR))
    page = text(client.get(f"/criteria/{DURC_2024}"))
    s = all_sets()[DURC_2024]
    assert "USG Policy for Oversight of DURC and PEPP (May 2024)" in page
    assert s.digest in page
    assert "Superseded" in page
    # Questions, with the condition that shows a follow-up.
    assert "Will the work involve any biological agent or toxin, or genetic material derived from one?" in page
    assert "Is any part of the work funded, or proposed for funding, by a US federal agency?" in page
    assert "only if:" in page
    # Criteria with weights and the human judgment they need.
    assert "An agent or toxin in a Category 1 group (section 4.1.1)" in page
    assert "Based on current understanding, does the research constitute dual use research of concern?" in page
    # Outcomes, routing and clocks.
    assert "Refer to the review entity as possible Category 1 research (DURC)" in page
    assert "The review coordinator checks the screening" in page
    assert "Routed to: IRE" in page
    assert "Clock: Notify the funding agency of the determination within 30 days (coordinator)" in page
    assert "Clock: Report the unanticipated result to the review entity within 1 days (investigator)" in page


def test_a_set_page_shows_the_determinations_with_their_clocks_and_ruled_out_outcomes(app, factory):
    client = signed_in(app, factory.user(Role.INVESTIGATOR))
    page = text(client.get(f"/criteria/{DURC_2024}"))
    section = page[page.index("<h2>Determinations a committee may make</h2>") :]
    rows = [row for row in re.findall(r"<tr>(.*?)</tr>", section, re.S) if "<td>" in row]
    assert [re.search(r'<span class="mono muted">([^<]+)</span>', r).group(1) for r in rows] == [
        "not_in_scope",
        "category_1",
        "category_2",
        "category_1_and_2",
    ]
    not_in_scope, category_1 = rows[0], rows[1]
    assert '<td data-label="Dual use">No</td>' in not_in_scope and '<td data-label="Clocks">—</td>' in not_in_scope
    assert "Category 1 research (dual use research of concern)" in category_1
    assert '<td data-label="Dual use">Yes: two distinct signers</td>' in category_1
    assert "Notify the funding agency of the determination within 30 days (coordinator)" in category_1
    assert "Annual progress report (Category 1) within 365 days, then every 365 days (investigator)" in category_1

    mirror = text(client.get(f"/criteria/{MIRROR}"))
    prohibited = mirror[mirror.index("Prohibited - the work could create a mirror-image organism") :]
    expected = "Approved, Approved with conditions, Revisions required"
    assert f'<td data-label="Outcomes ruled out">{expected}</td>' in prohibited


def test_an_unknown_set_is_404(app, factory):
    client = signed_in(app, factory.user(Role.INVESTIGATOR))
    assert client.get("/criteria/no-such-set").status_code == 404


def test_an_admin_applies_and_stops_applying_a_set(app, factory):
    institution = factory.institution()
    admin = factory.user(Role.ADMIN, institution=institution)
    client = signed_in(app, admin)
    assert "Apply" in _rows(text(client.get("/criteria")))[MIRROR]

    response = post(client, f"/criteria/{MIRROR}/activate", follow_redirects=True)
    assert response.status_code == 200
    page = text(response)
    assert f"is now applied at {institution.name}." in page
    assert "<strong>Yes</strong>" in _rows(page)[MIRROR]
    assert "Stop applying" in _rows(page)[MIRROR]
    (row,) = _icsets(institution.id)
    assert (row.set_id, row.active, row.changed_by_id) == (MIRROR, True, admin.id)
    mirror = all_sets()[MIRROR]
    (activated,) = events("criteria_set.activated")
    assert event_data(activated) == {"set_id": MIRROR, "version": mirror.version, "digest": mirror.digest}
    assert activated.actor_id == admin.id
    assert (activated.target_type, activated.target_id) == ("institutions", str(institution.id))

    # Applying it again changes nothing and records nothing.
    post(client, f"/criteria/{MIRROR}/activate")
    assert len(events("criteria_set.activated")) == 1

    response = post(client, f"/criteria/{MIRROR}/deactivate", follow_redirects=True)
    assert "is now no longer applied at" in text(response)
    (row,) = _icsets(institution.id)
    assert (row.set_id, row.active) == (MIRROR, False)
    (deactivated,) = events("criteria_set.deactivated")
    assert event_data(deactivated) == {"set_id": MIRROR, "version": mirror.version, "digest": mirror.digest}
    assert "Apply" in _rows(text(client.get("/criteria")))[MIRROR]


@pytest.mark.parametrize("role", [Role.INVESTIGATOR, Role.COORDINATOR, Role.CHAIR, Role.GOVERNANCE])
def test_only_an_admin_may_change_the_sets(app, factory, role):
    user = factory.user(role)
    client = signed_in(app, user)
    assert post(client, f"/criteria/{DURC_2024}/activate").status_code == 404
    assert post(client, f"/criteria/{DURC_2024}/deactivate").status_code == 404
    assert _icsets(user.institution_id) == []
    assert events("criteria_set.activated") == []


def test_the_change_urls_take_post_only_and_known_sets_only(app, factory):
    admin = factory.user(Role.ADMIN)
    client = signed_in(app, admin)
    assert client.get(f"/criteria/{DURC_2024}/activate").status_code == 405
    assert client.get(f"/criteria/{DURC_2024}/deactivate").status_code == 405
    assert post(client, "/criteria/no-such-set/activate").status_code == 404
    assert client.post(f"/criteria/{DURC_2024}/activate").status_code == 400  # no CSRF token
    assert _icsets(admin.institution_id) == []


def test_activation_is_per_institution(app, factory):
    a, b = factory.institution(), factory.institution()
    admin_a = signed_in(app, factory.user(Role.ADMIN, institution=a))
    admin_b = signed_in(app, factory.user(Role.ADMIN, institution=b))
    assert post(admin_a, f"/criteria/{DURC_2024}/activate").status_code == 302

    assert activation_map(a.id) == {DURC_2024: True}
    assert activation_map(b.id) == {}
    assert "<strong>Yes</strong>" in _rows(text(admin_a.get("/criteria")))[DURC_2024]
    assert "<strong>Yes</strong>" not in _rows(text(admin_b.get("/criteria")))[DURC_2024]

    # B's investigators still have nothing to answer; A's get the 2024 questions.
    pi_b = factory.user(Role.INVESTIGATOR, institution=b)
    proposal_b = factory.proposal(pi_b)
    page_b = text(signed_in(app, pi_b).get(questionnaire_url(proposal_b)))
    assert "there is nothing to answer" in page_b
    pi_a = factory.user(Role.INVESTIGATOR, institution=a)
    proposal_a = factory.proposal(pi_a)
    assert shows_question(text(signed_in(app, pi_a).get(questionnaire_url(proposal_a))), "agents.works_with_agents")

    # B stopping a set it never applied leaves A's choice alone.
    post(admin_b, f"/criteria/{DURC_2024}/deactivate")
    assert activation_map(a.id) == {DURC_2024: True}
