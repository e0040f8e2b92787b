"""A meeting vote, a decision with conditions signed by two members, the decision record downloaded, and
`flask records verify` on it: VALID. Through the browser, as the demo's chair and reviewer."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from portal.demo.seed import DEMO_PASSWORD
from tests.browser.journeys import fill_and_record_decision, open_next_meeting_with, record_votes_for, sign_in
from tests.browser.test_review_journey import REVIEWER, sign_out

pytestmark = [pytest.mark.browser]

TITLE = "Community clinic surveillance of seasonal respiratory illness (observational)"
CHAIR = ("chair@northbridge.example", "Prof Helena Duarte")
MEMBERS = ("Prof Helena Duarte", "Prof Jonas Berg", "Grace Whitfield (community member)")
CONDITION = "Confirm each year, in writing, who holds access to the study records."


def hold_the_meeting(page: Page) -> None:
    open_next_meeting_with(page, TITLE, MEMBERS)
    record_votes_for(page, MEMBERS)
    expect(page.get_by_text("for 3 · against 0 · abstain 0 · recused 0")).to_be_visible()
    page.get_by_role("button", name="End the meeting").click()


def record_the_decision(page: Page) -> None:
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Dashboard").click()
    page.get_by_role("link", name=TITLE).first.click()
    page.get_by_role("link", name="Record the committee's decision").click()
    fill_and_record_decision(page, CONDITION)


def sign(page: Page, name: str) -> None:
    page.get_by_label("Your full name, as your signature").fill(name)
    page.get_by_label("Your password, to confirm it is you").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Sign the decision").click()


def test_vote_decide_sign_twice_download_and_verify(browser_page: Page, tmp_path: Path) -> None:
    page = browser_page
    sign_in(page, *CHAIR)
    hold_the_meeting(page)
    record_the_decision(page)
    sign(page, CHAIR[1])
    expect(page.get_by_role("status").filter(has_text="One more signature makes it final")).to_be_visible()
    decision_url = page.url
    sign_out(page)

    sign_in(page, *REVIEWER)
    page.goto(decision_url)
    sign(page, REVIEWER[1])
    expect(page.get_by_role("status").filter(has_text="The decision is final")).to_be_visible()
    expect(page.get_by_role("region", name="Risk mitigation plan: conditions")).to_contain_text(CONDITION)
    with page.expect_download() as download:
        page.get_by_role("link", name="Download the decision record (PDF)").click()
    pdf = tmp_path / download.value.suggested_filename
    download.value.save_as(pdf)

    public_key = tmp_path / "instance" / "records" / "signing.pub"  # the live server's key
    env = {**os.environ, "PORTAL_DEMO": "1", "PORTAL_INSTANCE_PATH": str(tmp_path / "cli-instance")}
    flask = Path(sys.executable).with_name("flask")
    result = subprocess.run([str(flask), "--app", "app", "records", "verify", str(pdf), "--public-key",
                             str(public_key)], capture_output=True, text=True, env=env, check=False)
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.startswith("VALID NBU-D-")
