"""Colour is never the only signal (WCAG 1.4.1): every state the portal paints in colour (the proposals' state
badges, the deadlines' status with its overdue mark, the audit chain's status) also says it in text."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.browser.journeys import sign_in
from tests.browser.test_decision_journey import CHAIR
from tests.browser.test_review_journey import COORDINATOR, sign_out

pytestmark = [pytest.mark.browser]

ADMIN = ("admin@northbridge.example", "Ines Moreau")
COLOURED = ".badge, .icon, [class*='state-'], [class*='status-'], [class*='severity-'], .ok-notice, .notice"
# Each coloured element with the text a screen reader or a person without colour vision gets from it: its own
# text without aria-hidden parts, or, for an icon (hidden itself), the text of the element holding it.
SPOKEN = """(elements) => elements.map(e => {
  const spoken = node => [...node.childNodes].map(child => child.nodeType === Node.TEXT_NODE ? child.textContent
    : (child.getAttribute("aria-hidden") === "true" ? "" : spoken(child))).join("");
  const holder = e.getAttribute("aria-hidden") === "true" ? e.parentElement : e;
  return {html: e.outerHTML.slice(0, 120), text: spoken(holder).trim()};
})"""


def assert_states_in_text(page: Page) -> int:
    shown = page.locator("main").locator(COLOURED).evaluate_all(SPOKEN)
    silent = [element["html"] for element in shown if not element["text"]]
    assert not silent, f"shown in colour only on {page.url}: {silent}"
    return len(shown)


def test_states_shown_in_colour_are_also_text(browser_page: Page) -> None:
    page = browser_page
    seen = 0
    for person in (COORDINATOR, CHAIR):
        sign_in(page, *person)
        seen += assert_states_in_text(page)
        sign_out(page)
    sign_in(page, *ADMIN)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Audit log").click()
    status = page.locator("#chain-status")
    expect(status).to_contain_text("The audit chain is intact")
    seen += assert_states_in_text(page)
    assert seen > 3
