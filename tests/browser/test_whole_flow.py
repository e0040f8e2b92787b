"""One proposal through the whole flow, only through the UI, one test per role in the order the work happens:
the investigator drafts, screens, attaches and submits; the coordinator triages and assigns three reviewers; two
review and the third steps back for a conflict (and then cannot see the reviews); the chair asks for revisions and
the investigator answers and resubmits; the reviewers confirm the new version; the chair holds a quorate meeting
with votes; two members sign the decision; the record is downloaded and verified; a governance user exports the
report. The tests share one live server and run in file order: a step whose predecessor failed fails at once,
naming it. On failure each saves a screenshot and the page HTML (tests/browser/conftest.py)."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from portal.demo.seed import DEMO_PASSWORD
from tests.browser.conftest import CHROMIUM_ARGS, serving_the_demo, watched_page
from tests.browser.journeys import (
    answer_remaining_with_no,
    create_complete_draft,
    fill_and_record_decision,
    fill_and_submit_review,
    open_next_meeting_with,
    open_questionnaire,
    record_votes_for,
    save_answers,
    sign_and_submit,
    sign_in,
)
from tests.databases import TemplateDatabase

pytestmark = [pytest.mark.browser]

TITLE = "Public reporting practices of biosafety committees: a fictional comparative study"
INVESTIGATOR = ("investigator@northbridge.example", "Dr Amara Okafor")
COORDINATOR = ("coordinator@northbridge.example", "Maya Chen")
REVIEWER = ("reviewer@northbridge.example", "Prof Jonas Berg")
CHAIR = ("chair@northbridge.example", "Prof Helena Duarte")
CONFLICTED = ("reviewer2@northbridge.example", "Dr Tomasz Nowak")
GOVERNANCE = ("governance@northbridge.example", "Robert Adeyemi")
PRESENT = ("Prof Helena Duarte", "Prof Jonas Berg", "Grace Whitfield (community member)")
REFERRED = "Refer to the review entity as possible Category 1 research (DURC)"
ITEM = "Please say, at a high level, who will be able to read the collected committee records."
ANSWER = "Only the two named project staff; the records stay in the research office's archive."
CONDITION = "Report to the committee once a year on who holds access to the collected records."

# What each step leaves for the next: the proposal's address, the decision's, the steps done.
FLOW: dict[str, str] = {}
DONE: list[str] = []


@pytest.fixture(scope="module")
def flow_server(template_db: TemplateDatabase, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with serving_the_demo(template_db, tmp_path_factory.mktemp("whole-flow")) as base_url:
        FLOW["instance"] = str(Path(tmp_path_factory.getbasetemp()))
        yield base_url


@pytest.fixture(scope="module")
def flow_browser(chromium: Path) -> Iterator[Browser]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(chromium), headless=True, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


@pytest.fixture
def page(flow_browser: Browser, flow_server: str, request: pytest.FixtureRequest,
         monkeypatch: pytest.MonkeyPatch) -> Iterator[Page]:
    yield from watched_page(flow_browser, flow_server, request, monkeypatch)


def after(step: str) -> None:
    if step not in DONE:
        pytest.fail(f"the earlier step '{step}' did not finish, so this one cannot start")


def sign_out(page: Page) -> None:
    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_role("heading", name="Sign in")).to_be_visible()


def open_proposal(page: Page) -> None:
    page.goto(FLOW["proposal"])
    expect(page.get_by_role("heading", level=1, name=TITLE)).to_be_visible()


def open_my_review(page: Page, person: tuple[str, str]) -> None:
    sign_in(page, *person)
    mine = page.get_by_role("region", name="My review assignments").get_by_role("row").filter(has_text=TITLE)
    mine.get_by_role("link", name=re.compile("Write your review|Continue your draft")).click()
    expect(page.get_by_role("heading", level=1, name="Your review")).to_be_visible()


def write_review(page: Page, person: tuple[str, str], *, recommendation: str, comment: str = "") -> None:
    open_my_review(page, person)
    fill_and_submit_review(page, recommendation=recommendation, comment=comment)
    sign_out(page)


def sign_decision(page: Page, name: str) -> None:
    page.get_by_label("Your full name, as your signature").fill(name)
    page.get_by_label("Your password, to confirm it is you").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Sign the decision").click()


def test_investigator_drafts_screens_attaches_signs_and_submits(page: Page, tmp_path: Path) -> None:
    sign_in(page, *INVESTIGATOR)
    create_complete_draft(page, TITLE, tmp_path)  # every field, and a research plan attached as a PDF
    open_questionnaire(page)
    page.get_by_role("group", name="Will the work involve any biological agent or toxin").get_by_label(
        "Yes", exact=True).check()
    save_answers(page)
    page.get_by_role("group", name="To which of these regulatory groups").get_by_label(
        "Select Agents and Toxins (including toxins below the exempt amounts)").check()
    save_answers(page)
    page.get_by_role("group", name="Is the research reasonably anticipated to result").first.get_by_label(
        "Increase resistance to prophylactic or therapeutic interventions").check()
    page.get_by_role(
        "group", name="Does the research involve, or is it reasonably anticipated to result in, a pathogen"
    ).get_by_label("No", exact=True).check()
    save_answers(page)
    answer_remaining_with_no(page)
    expect(page.get_by_role("region", name="What the screening says so far")).to_contain_text(REFERRED)
    page.get_by_role("link", name=f"← {TITLE}").click()
    sign_and_submit(page, INVESTIGATOR[1])
    expect(page.get_by_role("region", name="Screening")).to_contain_text("Routed to: IRE")
    FLOW["proposal"] = page.url
    DONE.append("submit")


def test_coordinator_triages_and_assigns_three_reviewers(page: Page) -> None:
    after("submit")
    sign_in(page, *COORDINATOR)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Triage").click()
    page.get_by_role("row").filter(has_text=TITLE).get_by_role("link", name="Triage", exact=True).click()
    expect(page.get_by_role("heading", name=f"Triage: {TITLE}")).to_be_visible()
    expect(page.get_by_label("Institutional Review Entity")).to_be_checked()  # as the screening proposed
    page.get_by_role("button", name="Confirm and send to review").click()
    expect(page.get_by_role("status").filter(has_text="Sent to Institutional Review Entity.")).to_be_visible()
    open_proposal(page)
    page.get_by_role("link", name="Assign reviewers").click()
    panel = page.get_by_role("region", name="Institutional Review Entity")
    for _email, name in (REVIEWER, CHAIR, CONFLICTED):
        panel.get_by_label(re.compile(re.escape(name))).check()
        panel.get_by_role("button", name="Assign").click()
        expect(page.get_by_role("status").filter(has_text=f"{name} will review")).to_be_visible()
    DONE.append("triage")


def test_reviewers_review_and_a_conflicted_third_steps_back(page: Page) -> None:
    after("triage")
    open_my_review(page, CONFLICTED)
    page.get_by_text("I have a conflict of interest with this proposal").click()
    page.get_by_label("Why you have a conflict of interest").fill(
        "I co-wrote a policy report with the principal investigator last year (fictional).")
    page.get_by_role("button", name="Declare the conflict and step back from this review").click()
    expect(page.get_by_role("status").filter(has_text="You declared a conflict of interest")).to_be_visible()
    sign_out(page)

    write_review(page, REVIEWER, recommendation="Revisions required before a decision", comment=ITEM)
    write_review(page, CHAIR, recommendation="Revisions required before a decision")

    # The third member sits on the committee that reads these reviews, but is conflicted: nothing shows.
    sign_in(page, *CONFLICTED)
    expect(page.get_by_role("main")).not_to_contain_text(TITLE)
    page.goto(FLOW["proposal"] + "/reviews")
    expect(page.get_by_role("heading", level=1, name="Page not found")).to_be_visible()
    expect(page.get_by_role("main")).not_to_contain_text(REVIEWER[1])
    DONE.append("reviews")


def test_revision_round_the_chair_asks_the_investigator_answers_and_resubmits(page: Page) -> None:
    after("reviews")
    sign_in(page, *CHAIR)
    page.goto(FLOW["proposal"] + "/reviews")
    page.get_by_role("link", name="Request revisions").click()
    expect(page.get_by_label("Text the investigators will read").first).to_have_value(ITEM)
    page.get_by_role("button", name="Preview what the investigators will see").click()
    page.get_by_role("button", name="Send to the investigators").click()
    page.get_by_label("I have read these items and confirm").check()
    page.get_by_role("button", name="Send to the investigators").click()
    expect(page.get_by_role("status").filter(has_text="Revision request sent")).to_be_visible()
    sign_out(page)

    sign_in(page, *INVESTIGATOR)
    open_proposal(page)
    requests = page.get_by_role("region", name="Revision requests")
    expect(requests).not_to_contain_text(REVIEWER[1])  # closed review: reviewers stay anonymous
    requests.get_by_label("Your answer to item 1").fill(ANSWER)
    requests.get_by_role("button", name="Save answers").click()
    expect(page.get_by_role("status").filter(has_text="Every item is answered")).to_be_visible()
    page.get_by_role("link", name="Edit", exact=True).click()
    page.get_by_label("Sites where the work takes place").fill("Northbridge University research office archive")
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.get_by_role("status").filter(has_text="Saved.")).to_be_visible()
    page.get_by_role("link", name="Sign and submit changes").click()
    page.get_by_label("I make this attestation").check()
    page.get_by_label("Your full name, as your signature").fill(INVESTIGATOR[1])
    page.get_by_label("Your password, to confirm it is you").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Sign and submit version 2").click()
    expect(page.get_by_role("status").filter(has_text="Version 2 was signed and submitted.")).to_be_visible()
    sign_out(page)

    # The two reviewers confirm version 2; the coordinator closes the review for the committee's decision.
    write_review(page, REVIEWER, recommendation="Approve with conditions")
    write_review(page, CHAIR, recommendation="Approve with conditions")
    sign_in(page, *COORDINATOR)
    page.goto(FLOW["proposal"] + "/reviews")
    page.get_by_role("button", name="Complete the review").click()
    expect(page.get_by_role("status").filter(has_text="now awaits the committee's decision")).to_be_visible()
    DONE.append("revision")


def test_chair_holds_a_quorate_meeting_and_the_members_vote(page: Page) -> None:
    after("revision")
    sign_in(page, *CHAIR)
    open_next_meeting_with(page, TITLE, PRESENT)
    FLOW["meeting"] = page.url
    item = page.locator("li, section, article").filter(has_text=f"{TITLE} (version 2)").last
    expect(item).to_contain_text("Quorum holds")
    expect(item).to_contain_text(f"Recused: {CONFLICTED[1]}.")  # the declared conflict, at the meeting too
    record_votes_for(page, PRESENT)
    expect(page.get_by_text(re.compile(r"for 3 · against 0 · abstain 0"))).to_be_visible()
    page.get_by_role("button", name="End the meeting").click()
    DONE.append("meeting")


def test_two_members_sign_the_decision_and_the_record_verifies(page: Page, tmp_path: Path) -> None:
    after("meeting")
    sign_in(page, *CHAIR)
    open_proposal(page)
    page.get_by_role("link", name="Record the committee's decision").click()
    fill_and_record_decision(page, CONDITION)
    sign_decision(page, CHAIR[1])
    expect(page.get_by_role("status").filter(has_text="One more signature makes it final")).to_be_visible()
    FLOW["decision"] = page.url
    sign_out(page)

    sign_in(page, *REVIEWER)
    page.goto(FLOW["decision"])
    sign_decision(page, REVIEWER[1])
    expect(page.get_by_role("status").filter(has_text="The decision is final")).to_be_visible()
    with page.expect_download() as download:
        page.get_by_role("link", name="Download the decision record (PDF)").click()
    pdf = tmp_path / download.value.suggested_filename
    download.value.save_as(pdf)

    # Anyone can verify the file; here with the live server's public key, as a governance body would.
    public_key = next(Path(FLOW["instance"]).glob("whole-flow*/instance/records/signing.pub"))
    env = {**os.environ, "PORTAL_DEMO": "1", "PORTAL_INSTANCE_PATH": str(tmp_path / "cli-instance")}
    flask = Path(sys.executable).with_name("flask")
    result = subprocess.run([str(flask), "--app", "app", "records", "verify", str(pdf), "--public-key",
                             str(public_key)], capture_output=True, text=True, env=env, check=False)
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.startswith("VALID NBU-D-")
    assert TITLE in subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True,
                                   check=True).stdout.replace("\n", " ")
    DONE.append("decision")


def test_the_investigator_reads_the_decision_in_the_inbox_and_the_coordinator_previews_the_letters(
    page: Page,
) -> None:
    after("decision")
    sign_in(page, *INVESTIGATOR)
    page.get_by_role("navigation", name="Main").get_by_role("link", name=re.compile(r"^Inbox")).click()
    expect(page.get_by_role("heading", level=1, name="Inbox")).to_be_visible()
    news = page.locator(".inbox-item.unread").filter(has_text=f"Decision available: {TITLE}").first
    news.get_by_role("button", name="Open").click()
    expect(page).to_have_url(re.compile(re.escape(FLOW["decision"]) + r"$"))
    page.goto(FLOW["decision"].split("/decisions/")[0] + "/account/notifications")
    page.get_by_label("One daily digest of everything").check()
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("status").filter(has_text="Your e-mail preference is saved.")).to_be_visible()
    sign_out(page)

    sign_in(page, *COORDINATOR)
    page.goto(FLOW["meeting"])
    page.get_by_role("link", name="Decision letters").click()
    expect(page.get_by_role("heading", level=1, name=re.compile("^Decision letters of"))).to_be_visible()
    sign_out(page)


def test_governance_user_exports_the_report(page: Page, tmp_path: Path) -> None:
    after("decision")
    sign_in(page, *GOVERNANCE)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Reports").click()
    expect(page.get_by_role("heading", level=1, name="Governance report")).to_be_visible()
    with page.expect_download() as download:
        page.locator("#downloads").get_by_role("link", name="CSV", exact=True).click()
    csv_file = tmp_path / download.value.suggested_filename
    download.value.save_as(csv_file)
    text = csv_file.read_text(encoding="utf-8")
    assert text.startswith("Measure,Row,Column,Value")
    assert TITLE not in text  # aggregates only: a governance body never sees a proposal
