"""Steps a person takes in the browser, shared by the journey tests. Only the UI is used."""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path

from playwright.sync_api import Page, expect

from portal.clock import utcnow
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


def fill_and_submit_review(page: Page, *, recommendation: str, comment: str = "") -> None:
    """On the review form: agree with the screen on every criterion, advise "unsure" where a judgment is asked,
    recommend, optionally write to the investigator, submit."""
    form = page.locator("form").filter(has=page.get_by_role("button", name="Submit review"))
    for radio in form.locator("input[value=agree]:visible").all():
        radio.check()
    for box in form.locator("textarea[name^=rationale-]:visible").all():
        box.fill("Consistent with the proposal as described in the fictional plan.")
    for radio in form.locator("input[value=unsure]:visible").all():
        radio.check()
    for box in form.locator("textarea[name^=advice-rationale-]:visible").all():
        box.fill("The committee should weigh this at its meeting.")
    page.get_by_label(recommendation).check()
    if comment:
        page.get_by_label("Comments addressed to the investigator").fill(comment)
    page.get_by_role("button", name="Submit review").click()
    expect(page.get_by_role("status").filter(has_text="Your review was submitted")).to_be_visible()


def fill_and_record_decision(page: Page, condition: str) -> None:
    """On the decision form: Category 1 under the 2024 policy, the first choice under every other set, the 2024
    policy's judgments yes and the others no, approved with one condition due in 60 days; recorded."""
    for select in page.locator("select[name^=determination-]").all():
        if select.get_attribute("name") == "determination-usg-durc-pepp-2024":
            select.select_option("category_1")
        else:
            select.select_option(index=1)  # each set lists "not in scope" (or "recorded") first
    for box in page.locator("textarea[name^=determination-rationale-]").all():
        box.fill("Considered by the committee at its meeting.")
    for radio in page.locator("input[name^='judgment-usg-durc-pepp-2024/'][value=yes]").all():
        radio.check()
    for radio in page.locator("input[name^=judgment-]:not([name^='judgment-usg-durc-pepp-2024/'])[value=no]").all():
        radio.check()
    for box in page.locator("textarea[name^=judgment-rationale-]").all():
        box.fill("The committee's judgment, as the minutes record it.")
    page.get_by_label("Approved with conditions (a risk mitigation plan)").check()
    page.get_by_label("Rationale for the decision").fill("Approved under the revised plan, with one condition.")
    page.get_by_label("What must be done").first.fill(condition)
    page.locator("#condition-due-0").fill((utcnow().date() + timedelta(days=60)).isoformat())
    page.get_by_role("button", name="Record the decision").click()
    expect(page.get_by_role("status").filter(has_text="needs the signatures of two people")).to_be_visible()


def open_next_meeting_with(page: Page, title: str, present: tuple[str, ...]) -> None:
    """As the chair: put the proposal on the next meeting's agenda, record who is present, start the meeting."""
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Meetings").click()
    page.get_by_role("link", name="Review Entity: next monthly meeting").click()
    candidates = page.get_by_label("Proposal awaiting the committee's decision")
    candidates.select_option(candidates.locator("option", has_text=title).get_attribute("value"))
    page.get_by_role("button", name="Add to the agenda").first.click()
    for name in present:
        # Chromium names a visually hidden span's text apart: "Present : name".
        page.get_by_role("button", name=re.compile(rf"^Present\s*:\s*{re.escape(name)}$")).click()
    page.get_by_role("button", name="Start the meeting").click()


def record_votes_for(page: Page, members: tuple[str, ...]) -> None:
    """The chair records a vote "for" of each member."""
    for name in members:
        page.get_by_label(f"Vote of {name}").select_option("for")
        page.get_by_role("button", name=re.compile(rf"^Record\s+the vote of {re.escape(name)}$")).click()
