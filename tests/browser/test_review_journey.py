"""Coordinator triage → assignment → two reviews → revision request → the investigator answers and resubmits
→ the reviewer sees what changed. Every step through the browser, as the demo's people."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from portal.demo.seed import DEMO_PASSWORD
from tests.browser.journeys import fill_and_submit_review, sign_in

pytestmark = [pytest.mark.browser]

TITLE = "Literature triage with machine learning for biosafety review offices"
COORDINATOR = ("coordinator@northbridge.example", "Maya Chen")
REVIEWER = ("reviewer@northbridge.example", "Prof Jonas Berg")
CHAIR = ("chair@northbridge.example", "Prof Helena Duarte")
INVESTIGATOR = ("investigator2@northbridge.example", "Dr Lin Wei")
ITEM = "Please describe how access to the shared tool will be limited to verified users."
ANSWER = "Access will be limited to verified staff of partner review offices, as the revised plan describes."


def sign_out(page: Page) -> None:
    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_role("heading", name="Sign in")).to_be_visible()


def open_proposal(page: Page) -> None:
    page.get_by_role("link", name=TITLE).first.click()
    expect(page.get_by_role("heading", level=1, name=TITLE)).to_be_visible()


def triage_and_assign(page: Page) -> None:
    sign_in(page, *COORDINATOR)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Triage").click()
    page.get_by_role("row").filter(has_text=TITLE).get_by_role("link", name="Triage", exact=True).click()
    expect(page.get_by_role("heading", name=f"Triage: {TITLE}")).to_be_visible()
    expect(page.get_by_label("Institutional Review Entity")).to_be_checked()  # proposed by the screening
    page.get_by_role("button", name="Confirm and send to review").click()
    expect(page.get_by_role("status").filter(has_text="Sent to Institutional Review Entity.")).to_be_visible()
    page.get_by_role("link", name="Dashboard").click()
    open_proposal(page)
    page.get_by_role("link", name="Assign reviewers").click()
    panel = page.get_by_role("region", name="Institutional Review Entity")
    for _email, name in (REVIEWER, CHAIR):
        panel.get_by_label(re.compile(re.escape(name))).check()
        panel.get_by_role("button", name="Assign").click()
        expect(page.get_by_role("status").filter(has_text=f"{name} will review")).to_be_visible()
    sign_out(page)


def write_review(page: Page, person: tuple[str, str], comment: str = "") -> None:
    sign_in(page, *person)
    page.get_by_role("region", name="My review assignments").get_by_role("link", name="Write your review").click()
    expect(page.get_by_role("heading", level=1, name="Your review")).to_be_visible()
    fill_and_submit_review(page, recommendation="Revisions required before a decision", comment=comment)
    expect(page.get_by_role("heading", level=1, name="Reviews")).to_be_visible()


def request_revisions(page: Page) -> None:
    """The chair sees both reviews, then writes, previews and confirms the request."""
    berg = page.get_by_role("heading", name=re.compile(r"Prof Jonas Berg · Institutional Review Entity"))
    expect(berg).to_be_visible()
    page.get_by_role("link", name="Request revisions").click()
    expect(page.get_by_label("Text the investigators will read").first).to_have_value(ITEM)
    page.get_by_role("button", name="Preview what the investigators will see").click()
    expect(page.get_by_role("heading", name="Preview the revision request")).to_be_visible()
    expect(page.get_by_role("listitem").filter(has_text=ITEM)).to_be_visible()
    page.get_by_role("button", name="Send to the investigators").click()
    expect(page.get_by_role("alert").filter(has_text="Confirm that the investigators may read")).to_be_visible()
    page.get_by_label("I have read these items and confirm").check()
    page.get_by_role("button", name="Send to the investigators").click()
    expect(page.get_by_role("status").filter(has_text="Revision request sent")).to_be_visible()
    sign_out(page)


def answer_and_resubmit(page: Page) -> None:
    sign_in(page, *INVESTIGATOR)
    open_proposal(page)
    requests = page.get_by_role("region", name="Revision requests")
    expect(requests).to_contain_text(ITEM)
    expect(requests).not_to_contain_text(REVIEWER[1])  # closed review: reviewers stay anonymous
    requests.get_by_label("Your answer to item 1").fill(ANSWER)
    requests.get_by_role("button", name="Save answers").click()
    expect(page.get_by_role("status").filter(has_text="Every item is answered")).to_be_visible()
    page.get_by_role("link", name="Edit", exact=True).click()
    sites = page.get_by_label("Sites where the work takes place")
    sites.fill("Northbridge University main campus; verified partner offices")
    page.get_by_role("button", name="Save", exact=True).click()
    page.get_by_role("link", name="Sign and submit changes").click()
    page.get_by_label("I make this attestation").check()
    page.get_by_label("Your full name, as your signature").fill(INVESTIGATOR[1])
    page.get_by_label("Your password, to confirm it is you").fill(DEMO_PASSWORD)
    page.get_by_role("button", name=re.compile(r"Sign and submit version \d+")).click()
    expect(page.get_by_role("status").filter(has_text="was signed and submitted")).to_be_visible()
    expect(page.get_by_text("In review").first).to_be_visible()
    sign_out(page)


def test_triage_review_revise_resubmit_and_read_the_diff(browser_page: Page) -> None:
    page = browser_page
    triage_and_assign(page)
    write_review(page, REVIEWER, comment=ITEM)
    sign_out(page)
    write_review(page, CHAIR)
    request_revisions(page)
    answer_and_resubmit(page)

    sign_in(page, *REVIEWER)
    page.get_by_role("region", name="My review assignments").get_by_role("link", name="Write your review").click()
    changes = page.get_by_role("region", name=re.compile("What changed since you reviewed version"))
    expect(changes).to_contain_text(ANSWER)
    changes.get_by_role("link", name=re.compile("Show the changes from version")).click()
    expect(page.locator("ins").filter(has_text="verified").first).to_be_visible()
