"""axe-core on every page a browser test visits (WCAG 2.0/2.1, levels A and AA).

axe-core's JavaScript comes from the axe-playwright-python package (PyPI; it ships axe.min.js), so no CDN
and no npm. It goes into the page with `page.evaluate`, which the portal's CSP (no inline script) does
not govern: a `<script>` tag added to the page would be refused.

Each page is checked by the test's own thread just before the test acts on it (a click, a key press, a
fill, a `goto`...), and the page the test ends on at its end: every page a journey reaches is one it acts on
or ends on, and no navigation can swap the page under axe. (A `load` handler cannot do this: it runs beside
the test, which may already have navigated away.) Each distinct URL path is checked once per test.
"""

from __future__ import annotations

import functools
import weakref
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

import pytest
from axe_playwright_python.base import AXE_FILE_PATH
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import Keyboard, Locator, Page

AXE_SOURCE = AXE_FILE_PATH.read_text(encoding="utf-8")
WCAG_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
FAILING_IMPACTS = frozenset({"serious", "critical"})
RUN = """options => axe.run(document, options).then(results => results.violations.map(v => ({
    id: v.id, impact: v.impact, help: v.help,
    targets: v.nodes.map(n => n.target.join(" ")),
})))"""


@dataclass
class Violation:
    url: str
    rule: str
    impact: str
    help: str
    targets: list[str]

    def __str__(self) -> str:
        return f"{self.rule} ({self.impact}) on {self.url}: {self.help}; at {', '.join(self.targets)}"


ACTIONS = {
    Locator: ("check", "click", "dblclick", "fill", "press", "press_sequentially", "select_option", "set_checked",
              "set_input_files", "tap", "type", "uncheck"),
    Page: ("check", "click", "fill", "go_back", "goto", "press", "reload", "select_option", "type"),
    Keyboard: ("down", "insert_text", "press", "type"),
}
WATCHES: weakref.WeakKeyDictionary[Page, AxeWatch] = weakref.WeakKeyDictionary()


@dataclass(eq=False)
class AxeWatch:
    """Checks each distinct path the page shows once; keeps every violation found."""

    page: Page
    checked: set[str] = field(default_factory=set)
    violations: list[Violation] = field(default_factory=list)

    def start(self, monkeypatch: pytest.MonkeyPatch) -> None:
        """Every action of the test on this page first has axe check the page, if its path is new."""
        WATCHES[self.page] = self
        WATCHES[self.page.keyboard] = self
        for cls, names in ACTIONS.items():
            for name in names:
                if not getattr(getattr(cls, name), "_axe_wrapped", False):
                    monkeypatch.setattr(cls, name, _checked_first(getattr(cls, name)))

    def check(self) -> None:
        url = self.page.url
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or parts.path in self.checked:
            return
        self.checked.add(parts.path)
        try:
            self.page.wait_for_load_state("load")
            if not self.page.evaluate("() => typeof window.axe === 'object'"):
                self.page.evaluate(AXE_SOURCE)
            found = self.page.evaluate(RUN, {"runOnly": {"type": "tag", "values": WCAG_AA}})
        except PlaywrightError as error:  # say so rather than pass silently
            self.violations.append(Violation(url, "axe-did-not-run", "serious", str(error).splitlines()[0], []))
            return
        self.violations.extend(Violation(url, v["id"], v["impact"] or "", v["help"], v["targets"]) for v in found)

    def serious(self) -> list[Violation]:
        return [v for v in self.violations if v.impact in FAILING_IMPACTS]

    def others(self) -> list[Violation]:
        return [v for v in self.violations if v.impact not in FAILING_IMPACTS]


def _checked_first(action: Callable[..., Any]) -> Callable[..., Any]:
    @functools.wraps(action)
    def wrapper(self: Any, *args: Any, **kwargs: Any) -> Any:
        owner = self.page if isinstance(self, Locator) else self
        watch = WATCHES.get(owner)
        if watch is not None:
            watch.check()
        return action(self, *args, **kwargs)

    wrapper._axe_wrapped = True  # type: ignore[attr-defined]
    return wrapper
