"""The investigator's journey through a real browser: sign in, draft, complete, answer the screening
questions, sign, submit, and find the proposal on the dashboard.

Only the UI is used, the way a person would, and elements are found by their labels and roles, so
the test also checks that the forms are labelled well enough for assistive technology.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from tests.browser.journeys import (
    answer_remaining_with_no,
    create_complete_draft,
    open_questionnaire,
    sign_and_submit,
    sign_in,
)

pytestmark = [pytest.mark.browser]

TITLE = "Open data practices in institutional biosafety committees (fictional)"


def test_investigator_creates_completes_signs_and_submits_a_proposal(browser_page: Page, tmp_path: Path) -> None:
    page = browser_page
    sign_in(page)
    create_complete_draft(page, TITLE, tmp_path)

    completeness = page.get_by_role("region", name="Completeness check")
    expect(completeness).to_contain_text("screening question")  # the only thing left

    open_questionnaire(page)
    answer_remaining_with_no(page)
    page.get_by_role("link", name=f"← {TITLE}").click()
    expect(completeness).to_contain_text("Complete: everything needed for submission is here.")
    expect(completeness.get_by_role("listitem")).to_have_count(0)

    sign_and_submit(page)

    # The dashboard lists it as submitted (and already screened, with version 1).
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Dashboard").click()
    my_proposals = page.get_by_role("region", name="My proposals")
    row = my_proposals.get_by_role("row").filter(has=page.get_by_role("link", name=TITLE, exact=True))
    expect(row).to_have_count(1)
    cells = row.get_by_role("cell")
    expect(cells.nth(1)).to_have_text("Screened")
    expect(cells.nth(2)).to_have_text("1")
