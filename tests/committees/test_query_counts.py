"""The committee list runs the same number of SQL statements however many committees and members it shows."""

from __future__ import annotations

from datetime import date

from portal.auth.roles import Role
from portal.committees.kinds import MemberRole
from tests.committees.conftest import add, make_committee, signed_in
from tests.statements import counted_statements


def _committee_with_members(factory, institution, n: int) -> None:  # noqa: ANN001
    committee = make_committee(
        institution, f"Committee {n}", **({"quorum_count": 3, "quorum_percent": None} if n % 2 else {})
    )
    add(committee, factory.user(Role.CHAIR, institution=institution), MemberRole.CHAIR)
    add(committee, factory.user(Role.REVIEWER, institution=institution), non_scientist=True)
    add(committee, factory.user(Role.REVIEWER, institution=institution), MemberRole.ALTERNATE, expertise="virology")
    add(committee, factory.user(Role.REVIEWER), external_expert=True, access_until=date(2099, 12, 31))


def _list_statements(browser) -> int:  # noqa: ANN001
    with counted_statements() as statements:
        response = browser.get("/committees")
    assert response.status_code == 200
    return len(statements)


def test_the_committee_list_statement_count_is_constant(app, factory):
    coordinator = factory.user(Role.COORDINATOR)
    institution = coordinator.institution
    browser = signed_in(app, coordinator)
    _committee_with_members(factory, institution, 0)
    with_1 = _list_statements(browser)

    for n in range(1, 5):
        _committee_with_members(factory, institution, n)
    with_5 = _list_statements(browser)

    page = browser.get("/committees").get_data(as_text=True)
    assert page.count('<a href="/committees/') == 5
    assert page.count('<td data-label="Members">4</td>') == 5
    print(f"Committee list: {with_1} statements with 1 committee, {with_5} with 5")
    assert with_1 == with_5, f"1 committee: {with_1} statements, 5 committees: {with_5}"
