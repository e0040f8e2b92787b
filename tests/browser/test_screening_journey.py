"""Answering the screening so that the proposal is referred under the 2024 US policy, submitting it,
and reading the provisional outcome with its explanation, all through the browser."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from tests.browser.journeys import (
    answer_remaining_with_no,
    create_complete_draft,
    open_questionnaire,
    save_answers,
    sign_and_submit,
    sign_in,
)

pytestmark = [pytest.mark.browser]

TITLE = "Oversight records of a regional reference laboratory network (fictional)"
REFERRED = "Refer to the review entity as possible Category 1 research (DURC)"


def test_answers_that_refer_under_the_2024_policy_are_explained(browser_page: Page, tmp_path: Path) -> None:
    page = browser_page
    sign_in(page)
    create_complete_draft(page, TITLE, tmp_path)
    open_questionnaire(page)

    # The gate question leads; its follow-ups appear only after it is answered.
    gate = page.get_by_role("group", name="Will the work involve any biological agent or toxin")
    expect(page.get_by_role("group", name="To which of these regulatory groups")).to_have_count(0)
    gate.get_by_label("Yes", exact=True).check()
    save_answers(page)

    groups = page.get_by_role("group", name="To which of these regulatory groups")
    groups.get_by_label("Select Agents and Toxins (including toxins below the exempt amounts)").check()
    save_answers(page)

    outcomes = page.get_by_role("group", name="Is the research reasonably anticipated to result").first
    outcomes.get_by_label("Increase resistance to prophylactic or therapeutic interventions").check()
    page.get_by_role(
        "group", name="Does the research involve, or is it reasonably anticipated to result in, a pathogen"
    ).get_by_label("No", exact=True).check()
    save_answers(page)
    answer_remaining_with_no(page)

    # The investigator sees the explanation before submitting.
    preview = page.get_by_role("region", name="What the screening says so far")
    expect(preview).to_contain_text(REFERRED)
    expect(preview).to_contain_text("Based on current understanding, does the research constitute dual use research")

    page.get_by_role("link", name=f"← {TITLE}").click()
    sign_and_submit(page)

    # The stored screening of version 1 says the same, criterion by criterion.
    screening = page.get_by_role("region", name="Screening")
    expect(screening).to_contain_text("Screening of version 1")
    result = screening.locator("article", has_text="USG Policy for Oversight of DURC and PEPP (May 2024)")
    expect(result).to_contain_text(REFERRED)
    expect(result).to_contain_text("Human judgments required")
    expect(result).to_contain_text("Routed to: IRE")
    result.get_by_text("Criterion by criterion").click()
    expect(result).to_contain_text("An agent or toxin in a Category 1 group (section 4.1.1)")
    expect(result).to_contain_text("A Category 1 experimental outcome is reasonably anticipated (section 4.1.2)")
