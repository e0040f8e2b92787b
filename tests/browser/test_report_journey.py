"""The governance report in the browser, as the demo's governance user: open Reports, filter, see the charts load
as images (no Content-Security-Policy complaint), download the CSV and the PDF of what is shown."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from tests.browser.journeys import sign_in

pytestmark = [pytest.mark.browser]

GOVERNANCE = ("governance@northbridge.example", "Robert Adeyemi")


def _download(page: Page, name: str, tmp_path: Path) -> Path:
    with page.expect_download() as download:
        page.locator("#downloads").get_by_role("link", name=name, exact=True).click()
    path = tmp_path / download.value.suggested_filename
    download.value.save_as(path)
    return path


def test_governance_user_filters_sees_a_chart_and_downloads_csv_and_pdf(browser_page: Page, tmp_path: Path) -> None:
    page = browser_page
    complaints: list[str] = []
    page.on("console", lambda message: complaints.append(message.text) if message.type == "error" else None)
    sign_in(page, *GOVERNANCE)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Reports").click()
    expect(page.get_by_role("heading", level=1, name="Governance report")).to_be_visible()

    page.get_by_label("Criteria set", exact=True).select_option(index=1)
    page.get_by_role("button", name="Show").click()
    expect(page.get_by_role("link", name="Clear the filters")).to_be_visible()
    assert "criteria_set=" in page.url

    alt = "Bar chart of the table above: Submissions per institution in the period, filtered"
    chart = page.get_by_role("img", name=alt)
    expect(chart).to_be_visible()
    assert "criteria_set=" in (chart.get_attribute("src") or "")
    chart.scroll_into_view_if_needed()
    page.wait_for_function("img => img.complete && img.naturalWidth > 0", arg=chart.element_handle())
    charts = page.locator("figure.report-chart img")
    assert charts.count() >= 1
    for index in range(charts.count()):
        image = charts.nth(index)
        image.scroll_into_view_if_needed()
        page.wait_for_function("img => img.complete && img.naturalWidth > 0", arg=image.element_handle())

    csv_file = _download(page, "CSV", tmp_path)
    assert csv_file.suffix == ".csv"
    assert csv_file.read_text(encoding="utf-8").startswith("Measure,Row,Column,Value")
    pdf_file = _download(page, "PDF", tmp_path)
    assert pdf_file.suffix == ".pdf" and pdf_file.read_bytes().startswith(b"%PDF-")
    assert not [c for c in complaints if "Content Security Policy" in c or "Refused" in c], complaints
