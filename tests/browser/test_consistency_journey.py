"""The coordinator meets a possible inconsistency: the triage queue counts it, the link leads to the passage on the
proposal page, and "Check again" runs the check anew in the background. As the demo's coordinator."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from tests.browser.journeys import sign_in

pytestmark = [pytest.mark.browser]

TITLE = "Wastewater monitoring of antimicrobial resistance trends"
COORDINATOR = ("coordinator@northbridge.example", "Maya Chen")


def test_the_coordinator_follows_a_possible_inconsistency_and_checks_again(browser_page: Page) -> None:
    page = browser_page
    sign_in(page, *COORDINATOR)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Triage").click()
    row = page.get_by_role("row").filter(has_text=TITLE)
    row.get_by_role("link", name=re.compile(r"^\d+ possible inconsistenc")).click()
    panel = page.get_by_role("region", name="Possible inconsistencies")
    expect(panel).to_be_visible()
    expect(panel.get_by_role("cell").filter(has_text="regulated agent or toxin").first).to_be_visible()
    expect(panel).to_contain_text("the investigators do not see it")

    panel.get_by_role("button", name="Check again").click()
    expect(page.get_by_role("status").filter(has_text="being checked again")).to_be_visible()
    # The job runs in a thread of the server: the page shows it running, then its result.
    for _ in range(50):
        if "Checking the text" not in page.get_by_role("region", name="Possible inconsistencies").inner_text():
            break
        page.wait_for_timeout(200)
        page.reload()
    expect(page.get_by_role("region", name="Possible inconsistencies")).to_contain_text("by word overlap")
