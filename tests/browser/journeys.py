"""Steps a person takes in the browser, shared by the journey tests. Only the UI is used."""

from __future__ import annotations

import re
from pathlib import Path

from playwright.sync_api import Page, expect

from portal.demo.pdf import simple_pdf
from portal.demo.seed import DEMO_PASSWORD

INVESTIGATOR = "investigator@northbridge.example"
INVESTIGATOR_NAME = "Dr Amara Okafor"
DECLINING = re.compile(r"^\s*(No|None of these)\b")


def sign_in(page: Page, email: str = INVESTIGATOR, name: str = INVESTIGATOR_NAME) -> None:
    page.goto("/")
    expect(page.get_by_role("heading", name="Sign in")).to_be_visible()
    page.get_by_label("E-mail address").fill(email)
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name=f"Welcome, {name}")).to_be_visible()


def create_complete_draft(page: Page, title: str, tmp_path: Path) -> None:
    """Start a draft, fill every field, attach a PDF; ends on the proposal page."""
    page.get_by_role("link", name="Start a new proposal").click()
    expect(page.get_by_role("heading", name="Start a new proposal")).to_be_visible()
    page.get_by_label("Title", exact=True).fill(title)
    page.get_by_role("button", name="Create the draft").click()
    expect(page.get_by_role("status").filter(has_text="Draft created.")).to_be_visible()
    expect(page.get_by_role("heading", name="Edit the proposal")).to_be_visible()

    expect(page.get_by_label("Title", exact=True)).to_have_value(title)
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
    expect(page.get_by_role("heading", level=1, name=title)).to_be_visible()

    plan = tmp_path / "research-plan.pdf"
    plan.write_bytes(simple_pdf([f"Research plan: {title}", "Fictional demonstration document."]))
    upload = page.get_by_label("Attach a PDF")
    expect(upload).to_have_id("document")
    upload.set_input_files(plan)
    page.get_by_role("button", name="Upload").click()
    expect(page.get_by_role("status").filter(has_text="Attached research-plan.pdf")).to_be_visible()
    expect(page.get_by_role("link", name="research-plan.pdf")).to_be_visible()


def open_questionnaire(page: Page) -> None:
    page.get_by_role("link", name=re.compile("Answer the screening questions|Review your answers")).click()
    expect(page.get_by_role("heading", level=1, name="Screening questions")).to_be_visible()


def save_answers(page: Page) -> None:
    page.get_by_role("button", name="Save answers").click()
    expect(page.get_by_role("status").filter(has_text="Answers saved.")).to_be_visible()


def answer_remaining_with_no(page: Page, rounds: int = 8) -> None:
    """Answer every question still open the way a person to whom nothing applies would, saving
    after each round so that follow-up questions can appear."""
    for _ in range(rounds):
        if page.get_by_text("Every question that applies is answered.").count():
            return
        form = page.locator("form#questions")
        for group in form.locator("fieldset").all():
            if group.locator("input:checked").count() == 0:
                declining = group.locator("label").filter(has_text=DECLINING)
                (declining if declining.count() else group.locator("label")).first.locator("input").check()
        for box in form.locator("div.question > label.check input[type=checkbox]").all():
            box.check()
        for area in form.locator("textarea").all():
            if not area.input_value():
                area.fill("A short reflection written for the fictional test.")
        save_answers(page)
    expect(page.get_by_text("Every question that applies is answered.")).to_be_visible()


def sign_and_submit(page: Page, name: str = INVESTIGATOR_NAME) -> None:
    page.get_by_role("link", name="Sign and submit").click()
    expect(page.get_by_role("heading", level=1, name="Sign and submit")).to_be_visible()
    page.get_by_label("I make this attestation").check()
    page.get_by_label("Your full name, as your signature").fill(name)
    page.get_by_label("Your password, to confirm it is you").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Sign and submit version 1").click()
    expect(page.get_by_role("status").filter(has_text="Version 1 was signed and submitted.")).to_be_visible()
    expect(page.get_by_role("link", name="Version 1", exact=True)).to_be_visible()
