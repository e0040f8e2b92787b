"""Keyboard alone: the sign-and-submit form, a review and a committee decision are filled and sent with
Tab, Shift+Tab, Space, Enter, arrow keys and typing; no click and no `fill` on them.

Every stop of the focus must be visible (an outline or a box shadow from `:focus-visible`), and sending a
form with something missing must show an error summary that is announced (role="alert") and whose items
link to fields that say they are invalid or point at their message. Getting to each form uses the shared
journey steps, which click like a mouse user; the forms themselves are the keyboard's.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from portal.demo.content import IN_REVIEW_TITLE, TRIAGED_TITLE
from portal.demo.seed import DEMO_PASSWORD
from tests.browser.journeys import INVESTIGATOR_NAME, sign_in
from tests.browser.test_decision_journey import CHAIR

pytestmark = [pytest.mark.browser]

COMMUNITY_REVIEWER = ("community@northbridge.example", "Grace Whitfield (community member)")  # not started
PREPARED_TITLE = "Maintenance audit of biosafety cabinets"  # the demo's draft, complete, that its PI has to sign
TAB_LIMIT = 120
FOCUSED = """() => {
  const e = document.activeElement, s = getComputedStyle(e);
  return {tag: e.tagName.toLowerCase(), id: e.id, name: e.name || "", type: e.type || "", value: e.value ?? "",
          checked: !!e.checked, text: (e.innerText || "").trim(), group: e.type === "radio"
            ? !!document.querySelector(`input[type=radio][name="${CSS.escape(e.name)}"]:checked`) : false,
          outline: s.outlineStyle === "none" ? "" : `${s.outlineStyle} ${s.outlineWidth}`,
          shadow: s.boxShadow === "none" ? "" : s.boxShadow};
}"""

Element = dict[str, Any]


def focused(page: Page) -> Element:
    element = page.evaluate(FOCUSED)
    assert element["tag"] != "body", "the focus was lost"
    assert (element["outline"] and not element["outline"].endswith(" 0px")) or element["shadow"], (
        f"the focus on {element['tag']}#{element['id'] or element['name']} is not visible: {element}"
    )
    return element


def tab_to(page: Page, wanted: Callable[[Element], bool], *, backwards: bool = False) -> Element:
    for _ in range(TAB_LIMIT):
        page.keyboard.press("Shift+Tab" if backwards else "Tab")
        element = focused(page)
        if wanted(element):
            return element
    raise AssertionError("the keyboard never reached the element looked for")


def by_id(field_id: str) -> Callable[[Element], bool]:
    return lambda element: element["id"] == field_id


def button(label: str) -> Callable[[Element], bool]:
    return lambda element: element["tag"] == "button" and element["text"] == label


def send(page: Page, label: str) -> None:
    """Back to the top, then Tab to the form's button and press Enter."""
    page.keyboard.press("Control+Home")
    page.evaluate("() => document.activeElement && document.activeElement.blur()")
    tab_to(page, button(label))
    page.keyboard.press("Enter")


def expect_linked_error_summary(page: Page) -> list[str]:
    """The summary is announced and each item links to a field marked invalid or described by its message."""
    summary = page.get_by_role("alert").filter(has=page.get_by_role("heading", name="There is a problem"))
    expect(summary).to_be_visible()
    links = summary.get_by_role("link")
    assert links.count() > 0
    targets = []
    for href in links.evaluate_all("links => links.map(link => link.getAttribute('href'))"):
        assert re.fullmatch(r"#[\w./:-]+", href), href
        target = page.locator(f"[id='{href[1:]}']")
        expect(target).to_have_count(1)
        invalid = target.get_attribute("aria-invalid") == "true"
        described = target.get_attribute("aria-describedby") or ""
        assert invalid or described, f"{href} is neither aria-invalid nor described by its message"
        for message_id in described.split():
            expect(page.locator(f"[id='{message_id}']")).to_have_count(1)
        targets.append(href[1:])
    return targets


def fill_form(page: Page, submit: str, text: str, radio: Callable[[Element], list[str]] | None = None,
              skip: str = "\0") -> None:
    """Tab through the form from the top: an empty text box gets `text`, an empty select its first choice,
    a radio group none of whose radios is checked the keys `radio` gives (Space: the first), an unchecked
    box a Space, each unless its id starts with `skip`; then Enter on the button labelled `submit`."""
    page.keyboard.press("Control+Home")
    page.evaluate("() => document.activeElement && document.activeElement.blur()")
    for _ in range(TAB_LIMIT * 2):
        page.keyboard.press("Tab")
        element = focused(page)
        tag, kind = element["tag"], element["type"]
        if tag == "button" and element["text"] == submit:
            page.keyboard.press("Enter")
            return
        if element["id"].startswith(skip):
            continue
        if tag == "textarea" or (tag == "input" and kind in ("text", "password")):
            if not element["value"]:
                page.keyboard.type(text)
        elif tag == "select" and not element["value"]:
            page.keyboard.press("ArrowDown")
        elif kind == "radio" and not element["group"]:
            for key in (radio(element) if radio else ["Space"]):
                page.keyboard.press(key)
        elif kind == "checkbox" and not element["checked"]:
            page.keyboard.press("Space")
    raise AssertionError(f"the keyboard never reached the button {submit!r}")


def test_sign_and_submit_by_keyboard(browser_page: Page) -> None:
    page = browser_page
    sign_in(page)
    page.get_by_role("link", name=PREPARED_TITLE).first.click()
    page.get_by_role("link", name="Sign and submit").click()
    expect(page.get_by_role("heading", level=1, name="Sign and submit")).to_be_visible()

    send(page, "Sign and submit version 1")
    targets = expect_linked_error_summary(page)
    assert {"printed_name", "password"} <= set(targets), targets

    tab_to(page, by_id("attest"))
    page.keyboard.press("Space")
    tab_to(page, by_id("printed_name"))
    page.keyboard.type(INVESTIGATOR_NAME)
    tab_to(page, by_id("password"))
    page.keyboard.type(DEMO_PASSWORD)
    tab_to(page, by_id("printed_name"), backwards=True)  # Shift+Tab goes back through the same stops
    page.keyboard.press("Tab")
    assert focused(page)["id"] == "password"
    tab_to(page, button("Sign and submit version 1"))
    page.keyboard.press("Enter")
    expect(page.get_by_role("status").filter(has_text="Version 1 was signed and submitted.")).to_be_visible()


def test_review_by_keyboard(browser_page: Page) -> None:
    page = browser_page
    sign_in(page, *COMMUNITY_REVIEWER)
    assignments = page.get_by_role("region", name="My review assignments")
    assignments.get_by_role("row").filter(has_text=IN_REVIEW_TITLE).get_by_role("link").last.click()
    expect(page.get_by_role("heading", level=1, name="Your review")).to_be_visible()

    send(page, "Submit review")  # nothing answered yet
    expect_linked_error_summary(page)

    fill_form(page, "Submit review", "A high-level note for the fictional committee.")
    expect(page.get_by_role("status").filter(has_text=re.compile("submitted", re.I))).to_be_visible()


def test_decision_by_keyboard(browser_page: Page) -> None:
    page = browser_page
    sign_in(page, *CHAIR)
    page.get_by_role("link", name=TRIAGED_TITLE).first.click()
    page.get_by_role("link", name="Record the committee's decision").click()
    expect(page.get_by_role("heading", level=1, name="Record the committee's decision")).to_be_visible()

    send(page, "Record the decision")
    targets = expect_linked_error_summary(page)
    assert "outcome" in targets and "rationale" in targets, targets

    def answer(element: Element) -> list[str]:
        # A human judgment: Space checks "Yes", the right arrow moves to "No" and checks it.
        return ["Space", "ArrowRight"] if element["name"].startswith("judgment-") else ["Space"]

    fill_form(page, "Record the decision", "Considered by the committee at its meeting.", radio=answer,
              skip="condition-")  # an approval without conditions
    expect(page.get_by_role("status").filter(has_text=re.compile("signature"))).to_be_visible()
