"""What-if re-screening through the pages: a coordinator uploads an edited copy of a shipped set, the job
re-screens the institution's past versions, and the result says exactly which provisional outcomes would change,
with the set's digest, while every stored screening stays as it was."""

from __future__ import annotations

import hashlib
import io
import json
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from portal.audit.models import AuditEvent
from portal.clock import utcnow
from portal.extensions import db
from portal.jobs.models import Job
from portal.reports.whatif_source import load_set_text
from portal.screenings.models import Screening
from portal.screenings.registry import all_sets
from tests.conftest import post, sign_in
from tests.criteria.shipped import CRITERIA_DIR
from tests.factories import PASSWORD
from tests.reports.whatif_world import WhatIfWorld, edited_copy, make_whatif_world
from tests.screenings.helpers import DURC_2024

START = "/reports/whatif"


@pytest.fixture
def world(factory) -> WhatIfWorld:
    return make_whatif_world(factory)


def _client(app, user):  # noqa: ANN001, ANN202
    client = app.test_client()
    sign_in(client, user.email, PASSWORD)
    return client


def _upload(client, text: str, name: str = "durc-2024-edited.yaml", **fields):  # noqa: ANN001, ANN003, ANN202
    data = {"set_id": "", "document": (io.BytesIO(text.encode("utf-8")), name), **fields}
    return post(client, START, data, content_type="multipart/form-data")


def _screenings_fingerprint() -> str:
    rows = db.session.execute(select(Screening.id, Screening.version_id, Screening.set_id, Screening.set_digest,
                                     Screening.outcome_id, Screening.result).order_by(Screening.id)).all()
    return hashlib.sha256(repr(rows).encode()).hexdigest()


def _events(action: str) -> list[AuditEvent]:
    return list(db.session.scalars(select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.seq)))


def _summary(client, response) -> dict:  # noqa: ANN001
    assert response.status_code == 302, response.get_data(as_text=True)
    page = client.get(response.headers["Location"])
    assert page.status_code == 200
    data = client.get(response.headers["Location"] + "/summary.json")
    assert data.status_code == 200 and data.headers["Cache-Control"] == "no-store"
    return json.loads(data.get_data(as_text=True))


def test_changing_one_gate_in_a_copy_changes_exactly_the_expected_outcomes(app, world):
    client = _client(app, world.coordinator)
    before = _screenings_fingerprint()
    edited, _problems = load_set_text(CRITERIA_DIR, "edited.yaml", edited_copy())
    assert edited.digest != all_sets()[DURC_2024].digest

    response = _upload(client, edited_copy())
    summary = _summary(client, response)

    assert summary["set"] == {"id": DURC_2024, "version": 3, "digest": edited.digest,
                              "title": all_sets()[DURC_2024].title}
    assert (summary["screened"], summary["unchanged"], summary["changed"], summary["newly_screened"]) == (5, 3, 1, 1)
    assert [(t["from"], t["to"], t["count"]) for t in summary["transitions"]] == [
        ("voluntary_review", "out_of_scope_pi_attested", 1)]
    assert [(t["to"], t["count"]) for t in summary["new_outcomes"]] == [("out_of_scope_pi_attested", 1)]
    listed = {(c["proposal_id"], c["from"], c["to"]) for c in summary["changed_versions"]}
    assert listed == {(world.changes.id, "voluntary_review", "out_of_scope_pi_attested"),
                      (world.unscreened.id, None, "out_of_scope_pi_attested")}

    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert edited.digest in page and "durc-2024-edited.yaml" in page
    assert "Fictional survey asking for voluntary review" in page
    assert "Fictional federally funded study" not in page  # unchanged versions are counted, not listed
    assert _screenings_fingerprint() == before  # nothing the what-if computed replaced a stored screening
    (requested,) = _events("whatif.requested")
    data = json.loads(requested.data)
    assert (data["set_id"], data["set_version"], data["digest"], data["source"], data["total"]) == (
        DURC_2024, 3, edited.digest, "upload", 5)
    assert "text" not in data
    job = db.session.get(Job, requested.target_id)
    assert job.state == "done" and job.done == job.total == 5


def test_the_shipped_set_changes_nothing_and_since_limits_the_scope(app, world):
    client = _client(app, world.coordinator)
    summary = _summary(client, post(client, START, {"set_id": DURC_2024, "since": ""}))
    assert summary["set"]["digest"] == all_sets()[DURC_2024].digest
    assert (summary["screened"], summary["unchanged"], summary["changed"], summary["newly_screened"]) == (5, 4, 0, 1)

    tomorrow = (utcnow() + timedelta(days=1)).date().isoformat()
    later = _summary(client, post(client, START, {"set_id": DURC_2024, "since": tomorrow}))
    assert later["screened"] == 0 and later["scope"]["since"] == tomorrow


def test_a_broken_file_names_file_line_and_key_and_starts_nothing(app, world):
    client = _client(app, world.coordinator)
    broken = edited_copy().replace("severity: low\n    when: {all:", "severity: lowish\n    when: {all:")
    response = _upload(client, broken, name="my-edit.yaml")
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "The file cannot be used as a criteria set" in page
    assert "my-edit.yaml:" in page and "outcomes[4].severity" in page and "&#39;lowish&#39; is not one of" in page

    for content, message in (
        ("a: &x 1\nb: *x\n", "YAML anchors and aliases are not allowed"),
        ("id: [unclosed\n", "not valid YAML"),
        ("", "the file is empty"),
        ("!!python/object:os.system {}\n", "unsupported YAML tag"),
    ):
        response = _upload(client, content)
        assert response.status_code == 400 and message in response.get_data(as_text=True), message
    response = post(client, START, {"set_id": "", "document": (io.BytesIO(b"\xff\xfe id"), "x.yaml")},
                    content_type="multipart/form-data")
    assert response.status_code == 400 and "not UTF-8 text" in response.get_data(as_text=True)
    response = _upload(client, "# padding\n" * 30_000)
    assert response.status_code == 400 and "a criteria set may be at most 256 KB" in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count(Job.id)).where(Job.kind == "whatif")) == 0
    assert _events("whatif.requested") == []


def test_choose_a_shipped_set_or_a_file_and_a_real_date(app, world):
    client = _client(app, world.coordinator)
    neither = post(client, START, {"set_id": ""})
    assert neither.status_code == 400 and "Choose a shipped set, or upload an edited copy." in neither.get_data(
        as_text=True)
    both = _upload(client, edited_copy(), set_id=DURC_2024)
    assert both.status_code == 400 and "one of the two" in both.get_data(as_text=True)
    bad_date = post(client, START, {"set_id": DURC_2024, "since": "last tuesday"})
    assert bad_date.status_code == 400 and "Not a valid date value" in bad_date.get_data(as_text=True)
    unknown = post(client, START, {"set_id": "no-such-set"})
    assert unknown.status_code == 400
    assert db.session.scalar(select(func.count(Job.id)).where(Job.kind == "whatif")) == 0


def test_only_coordinators_and_governance_users_run_it_and_only_the_owner_reads_it(app, world, factory):
    from portal.auth.roles import Role

    owner = _client(app, world.coordinator)
    result_url = post(owner, START, {"set_id": DURC_2024}).headers["Location"]
    for role in (Role.INVESTIGATOR, Role.REVIEWER, Role.CHAIR, Role.ADMIN):
        other = _client(app, factory.user(role, institution=world.institution))
        assert other.get(START).status_code == 404, role
        assert post(other, START, {"set_id": DURC_2024}).status_code == 404, role
    colleague = _client(app, factory.user(Role.COORDINATOR, institution=world.institution))
    denied_before = len(_events("access.denied"))
    assert colleague.get(result_url).status_code == 404
    assert colleague.get(result_url + "/summary.json").status_code == 404
    assert len(_events("access.denied")) == denied_before + 2
    assert colleague.get(START).status_code == 200


def test_a_governance_user_sees_the_counts_but_no_proposal(app, world):
    client = _client(app, world.governance)
    response = _upload(client, edited_copy())
    summary = _summary(client, response)
    assert (summary["screened"], summary["changed"]) == (5, 1)  # their own institution: no suppression
    assert summary["changed_versions"] == []
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Fictional survey asking for voluntary review" not in page
    assert f"/proposals/{world.changes.id}" not in page


def test_a_cross_institution_governance_user_sees_small_cells_suppressed(app, world, factory):
    from portal.auth.roles import Role
    from portal.reports.operations import set_governance_scope

    other = factory.institution()
    liaison = factory.user(Role.GOVERNANCE, institution=other)
    set_governance_scope(liaison, [world.institution, other], actor=None)
    db.session.commit()
    client = _client(app, liaison)
    response = _upload(client, edited_copy())
    summary = _summary(client, response)
    assert (summary["screened"], summary["unchanged"], summary["changed"], summary["newly_screened"]) == (
        5, "<5", "<5", "<5")
    assert [t["count"] for t in summary["transitions"]] == ["<5"]
    assert summary["changed_versions"] == [] and summary["scope"]["institution_ids"] == sorted(
        [world.institution.id, other.id])
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "&lt;5" in page and "Fictional survey" not in page


def test_a_conflicted_coordinator_sees_the_counts_without_the_proposal(app, world, factory):
    from portal.auth.roles import Role

    pi_department = world.changes.pi.department
    conflicted = factory.user(Role.COORDINATOR, institution=world.institution, department=pi_department)
    summary = _summary(*(lambda c: (c, _upload(c, edited_copy())))(_client(app, conflicted)))
    assert summary["changed"] == 1 and summary["changed_versions"] == []


def test_the_criteria_set_page_links_to_the_whatif_for_those_who_may_run_it(app, world, factory):
    from portal.auth.roles import Role

    link = f'href="/reports/whatif?set_id={DURC_2024}"'
    assert link in _client(app, world.coordinator).get(f"/criteria/{DURC_2024}").get_data(as_text=True)
    investigator = factory.user(Role.INVESTIGATOR, institution=world.institution)
    assert link not in _client(app, investigator).get(f"/criteria/{DURC_2024}").get_data(as_text=True)
    form = _client(app, world.coordinator).get(f"{START}?set_id={DURC_2024}").get_data(as_text=True)
    assert f'<option selected value="{DURC_2024}">' in form


def test_the_result_page_runs_as_many_statements_whatever_the_number_of_changes(app, world, factory):
    from tests.reports.whatif_world import VOLUNTARY_NOT_FEDERAL, submitted
    from tests.statements import statements_for

    client = _client(app, world.coordinator)
    few = _upload(client, edited_copy()).headers["Location"]
    for n in range(4):
        submitted(factory, world.changes.pi, f"Another fictional survey {n}", VOLUNTARY_NOT_FEDERAL)
    many = _upload(client, edited_copy()).headers["Location"]
    assert _summary(client, post(client, START, {"set_id": DURC_2024}))["screened"] == 9
    assert "Another fictional survey 3" in client.get(many).get_data(as_text=True)
    assert statements_for(client, many) == statements_for(client, few)


def test_a_set_that_changed_since_the_request_fails_the_job_and_keeps_nothing(app, world):
    from portal.jobs import runner
    from portal.reports.whatif_job import run_whatif
    from portal.reports.whatif_operations import request_whatif
    from portal.reports.whatif_queries import Scope

    # Asked for as "the shipped set" with a digest the shipped file no longer has: as after a deployment.
    edited, _problems = load_set_text(CRITERIA_DIR, "edited.yaml", edited_copy())
    job_id = request_whatif(edited, Scope((world.institution.id,)), total=5, upload=None, actor=world.coordinator).id
    db.session.commit()
    runner.run(app, job_id, run_whatif)
    job = db.session.get(Job, job_id)
    assert job.state == "failed" and "changed since this what-if was asked for" in job.message
    page = _client(app, world.coordinator).get(f"{START}/{job_id}").get_data(as_text=True)
    assert "Nothing was kept" in page and job.result_path is None


def test_the_form_lists_the_persons_own_earlier_whatifs(app, world):
    client = _client(app, world.coordinator)
    result = _upload(client, edited_copy()).headers["Location"]
    page = client.get(START).get_data(as_text=True)
    assert f'href="{result}"' in page and "from durc-2024-edited.yaml" in page
    assert result not in _client(app, world.governance).get(START).get_data(as_text=True)
