"""The investigator's journey through a real browser: sign in, draft, complete, sign, submit.

Only the UI is used, the way a person would, and elements are found by their labels and roles, so
the test also checks that the forms are labelled well enough for assistive technology.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from portal.demo.pdf import simple_pdf
from portal.demo.seed import DEMO_PASSWORD

pytestmark = [pytest.mark.browser]

INVESTIGATOR = "investigator@northbridge.example"
INVESTIGATOR_NAME = "Dr Amara Okafor"
TITLE = "Open data practices in institutional biosafety committees (fictional)"


def test_investigator_creates_completes_signs_and_submits_a_proposal(browser_page: Page, tmp_path: Path) -> None:
    page = browser_page
    page.goto("/")

    # Sign in.
    expect(page.get_by_role("heading", name="Sign in")).to_be_visible()
    page.get_by_label("E-mail address").fill(INVESTIGATOR)
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name=f"Welcome, {INVESTIGATOR_NAME}")).to_be_visible()

    # Start a draft.
    page.get_by_role("link", name="Start a new proposal").click()
    expect(page.get_by_role("heading", name="Start a new proposal")).to_be_visible()
    page.get_by_label("Title", exact=True).fill(TITLE)
    page.get_by_role("button", name="Create the draft").click()
    expect(page.get_by_role("status").filter(has_text="Draft created.")).to_be_visible()
    expect(page.get_by_role("heading", name="Edit the proposal")).to_be_visible()

    # Fill in every required field (and the optional award number), then save.
    expect(page.get_by_label("Title", exact=True)).to_have_value(TITLE)
    page.get_by_label("Lay summary").fill(
        "This fictional demonstration project looks at how review committees share summaries of their "
        "decisions with the public. It exists only to exercise the portal."
    )
    page.get_by_label("Aims", exact=True).fill(
        "1. Describe how committees publish their records. 2. Compare public policy guidance. "
        "3. Recommend clearer reporting."
    )
    page.get_by_label("Methods summary (high level)").fill(
        "A desk review of published policy documents and annual reports, with interviews of committee "
        "administrators. No laboratory work is involved."
    )
    page.get_by_label("Funding source").select_option(label="Non-federal funding")
    page.get_by_label("Funding agency or sponsor").fill("Civic Science Foundation (fictional)")
    page.get_by_label("Award or application number").fill("CSF-2026-0042")
    page.get_by_label("Sites where the work takes place").fill("Northbridge University research office")
    page.get_by_label("Countries involved").fill("Fictional Republic")
    page.get_by_label("Highest containment level").select_option(label="Not applicable (no laboratory work)")
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.get_by_role("status").filter(has_text="Saved.")).to_be_visible()
    expect(page.get_by_role("heading", level=1, name=TITLE)).to_be_visible()

    # Attach a PDF through the upload form.
    plan = tmp_path / "research-plan.pdf"
    plan.write_bytes(
        simple_pdf(
            [
                f"Research plan: {TITLE}",
                "Fictional demonstration document.",
                "High-level description only; no protocols.",
            ]
        )
    )
    upload = page.get_by_label("Attach a PDF")
    expect(upload).to_have_id("document")
    upload.set_input_files(plan)
    page.get_by_role("button", name="Upload").click()
    expect(page.get_by_role("status").filter(has_text="Attached research-plan.pdf")).to_be_visible()
    expect(page.get_by_role("link", name="research-plan.pdf")).to_be_visible()

    completeness = page.get_by_role("region", name="Completeness check")
    expect(completeness).to_contain_text("Complete: everything needed for submission is here.")
    expect(completeness.get_by_role("listitem")).to_have_count(0)

    # Sign and submit.
    page.get_by_role("link", name="Sign and submit").click()
    expect(page.get_by_role("heading", level=1, name="Sign and submit")).to_be_visible()
    page.get_by_label("I make this attestation").check()
    page.get_by_label("Your full name, as your signature").fill(INVESTIGATOR_NAME)
    page.get_by_label("Your password, to confirm it is you").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Sign and submit version 1").click()
    expect(page.get_by_role("status").filter(has_text="Version 1 was signed and submitted.")).to_be_visible()
    expect(page.get_by_role("link", name="Version 1", exact=True)).to_be_visible()

    # The dashboard lists it as submitted.
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Dashboard").click()
    my_proposals = page.get_by_role("region", name="My proposals")
    row = my_proposals.get_by_role("row").filter(has=page.get_by_role("link", name=TITLE, exact=True))
    expect(row).to_have_count(1)
    cells = row.get_by_role("cell")
    expect(cells.nth(1)).to_have_text("Submitted")
    expect(cells.nth(2)).to_have_text("1")
