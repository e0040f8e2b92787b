"""A page's statement count must not grow with the number of rows it lists."""

from __future__ import annotations

from portal.auth.roles import Role
from portal.extensions import db
from portal.proposals import operations as ops
from portal.proposals.fields import TeamRole
from tests.conftest import sign_in
from tests.factories import PASSWORD
from tests.statements import counted_statements


def _add_proposals(owner, colleague, count: int) -> None:
    """A mix: drafts the owner leads, and proposals led by a colleague with the owner as preparer."""
    for n in range(count):
        if n % 3 == 0:
            proposal = ops.create_proposal(title=f"Led by a colleague {n}", actor=owner, pi=colleague)
        else:
            proposal = ops.create_proposal(title=f"Own draft {n}", actor=owner)
            if n % 3 == 1:
                ops.add_member(proposal, colleague, TeamRole.CO_INVESTIGATOR, actor=owner)
    db.session.commit()


def _dashboard_statements(client) -> int:
    with counted_statements() as statements:
        response = client.get("/dashboard")
    assert response.status_code == 200
    return len(statements)


def test_my_proposals_runs_the_same_statements_for_5_and_200_rows(app, factory):
    institution = factory.institution()
    owner = factory.user(Role.INVESTIGATOR, institution=institution)
    colleague = factory.user(Role.INVESTIGATOR, institution=institution)
    client = app.test_client()
    sign_in(client, owner.email, PASSWORD)

    _add_proposals(owner, colleague, 5)
    with_5 = _dashboard_statements(client)
    assert client.get("/dashboard").get_data(as_text=True).count("/proposals/") >= 5

    _add_proposals(owner, colleague, 195)
    with_200 = _dashboard_statements(client)
    page = client.get("/dashboard").get_data(as_text=True)
    assert page.count('<a href="/proposals/') >= 200
    print(f"My proposals: {with_5} statements with 5 rows, {with_200} with 200 rows")
    assert with_5 == with_200, f"5 rows: {with_5} statements, 200 rows: {with_200}"


def test_coordinator_queue_statement_count_is_constant(app, factory):
    institution = factory.institution()
    pi = factory.user(Role.INVESTIGATOR, institution=institution)
    coordinator = factory.user(Role.COORDINATOR, institution=institution)
    client = app.test_client()
    sign_in(client, coordinator.email, PASSWORD)
    factory.proposal(pi, submitted=True, title="First")
    few = _dashboard_statements(client)
    for n in range(6):
        other_pi = factory.user(Role.INVESTIGATOR, institution=institution)
        factory.proposal(other_pi, submitted=True, title=f"Another {n}")
    assert _dashboard_statements(client) == few
