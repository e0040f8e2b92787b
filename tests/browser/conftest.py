"""Browser fixtures: the portal served on a real port with the demo data, and a Chromium page.

Debian's Chromium drives the tests through Playwright; nothing is downloaded. Without Chromium the
tests skip locally and fail in CI, so a CI image that lost its browser cannot pass silently. When a
test fails, a screenshot and the page HTML land in test-artifacts/ at the repository root.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

import pytest
from werkzeug.serving import make_server

from portal import create_app
from portal.extensions import db, limiter
from tests.browser.accessibility import AxeWatch, Violation
from tests.databases import IN_CI, TemplateDatabase

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]
BROWSER_DIR = Path(__file__).resolve().parent
ARTIFACTS = BROWSER_DIR.parents[1] / "test-artifacts"
TIMEOUT_MS = 10_000

PHASE_REPORTS = pytest.StashKey[dict[str, pytest.TestReport]]()
AXE_WATCH = pytest.StashKey[AxeWatch]()
MINOR_VIOLATIONS: list[Violation] = []
AXE_PAGES: list[int] = []


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Every test under tests/browser carries the browser marker (-m "not browser" skips them)."""
    for item in items:
        if BROWSER_DIR in item.path.resolve().parents:
            item.add_marker(pytest.mark.browser)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Iterator[None]:
    """Keep each phase's report on the item, so fixture teardown can tell whether the test failed."""
    outcome = yield
    report = outcome.get_result()
    item.stash.setdefault(PHASE_REPORTS, {})[report.when] = report


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item: pytest.Item) -> Iterator[None]:
    """After a browser test's own steps, axe checks the page it ends on; a serious or critical violation
    on any page it visited fails the test, listing each (rule, impact, page, targets)."""
    result = yield
    watch = item.stash.get(AXE_WATCH, None)
    if watch is not None:
        watch.check()  # the page it ends on
        MINOR_VIOLATIONS.extend(watch.others())
        AXE_PAGES.append(len(watch.checked))
        if serious := watch.serious():
            lines = "\n".join(f"  {violation}" for violation in serious)
            raise AssertionError(f"axe found {len(serious)} serious or critical WCAG 2.1 AA violations:\n{lines}")
    return result


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    """Moderate and minor axe findings do not fail a test; they are listed so they are not forgotten."""
    if AXE_PAGES:
        terminalreporter.write_line(f"axe checked {sum(AXE_PAGES)} pages in {len(AXE_PAGES)} browser tests")
    if MINOR_VIOLATIONS:
        terminalreporter.section("axe: moderate and minor violations")
        for line in sorted({f"{v.rule} ({v.impact}) on {urlsplit(v.url).path}: {', '.join(v.targets)}"
                            for v in MINOR_VIOLATIONS}):
            terminalreporter.write_line(line)


@contextmanager
def serving_the_demo(template_db: TemplateDatabase, tmp_path: Path) -> Iterator[str]:
    """A fresh copy of the migrated database, seeded with the demo, served over HTTP; yields the base URL."""
    url = template_db.copy_url(tmp_path)
    instance = tmp_path / "instance"
    app = create_app(
        {
            "TESTING": True,
            "DATABASE_URL": url,
            "INSTANCE_PATH": str(instance),
            "ATTACHMENT_DIR": str(instance / "attachments"),
            "RATELIMIT_STORAGE_URI": "memory://",
            "CONSISTENCY_MATCHER": "lexical",  # as in every test but test_semantic.py: no model load per seed
        }
    )
    limiter.reset()
    with app.app_context():
        from portal.demo.seed import seed_demo

        seed_demo()
        db.session.commit()
        db.session.remove()

    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, name="portal-live-server", daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)
        with app.app_context():
            db.session.remove()
            db.engine.dispose()
        template_db.release(url)


@pytest.fixture
def live_server(template_db: TemplateDatabase, tmp_path: Path) -> Iterator[str]:
    with serving_the_demo(template_db, tmp_path) as base_url:
        yield base_url


@pytest.fixture(scope="session")
def chromium() -> Path:
    """Debian's Chromium: a visible skip without it, a failure in CI."""
    if not CHROMIUM.exists():
        reason = f"Chromium is not installed at {CHROMIUM} (apt-get install chromium)"
        if IN_CI:
            pytest.fail(f"CI must run the browser tests: {reason}")
        pytest.skip(reason)
    return CHROMIUM


@pytest.fixture
def browser_page(
    chromium: Path, live_server: str, request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch
) -> Iterator[Page]:
    """A Playwright page in headless Chromium whose relative URLs go to the live server."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(chromium), headless=True, args=CHROMIUM_ARGS)
        try:
            yield from watched_page(browser, live_server, request, monkeypatch)
        finally:
            browser.close()


def watched_page(
    browser: Browser, base_url: str, request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch
) -> Iterator[Page]:
    """A page in a new context (no cookies) of the browser, axe watching; artifacts saved if the test fails."""
    context = browser.new_context(base_url=base_url, accept_downloads=True)
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    watch = AxeWatch(page)
    watch.start(monkeypatch)
    request.node.stash[AXE_WATCH] = watch
    yield page
    _save_artifacts_if_failed(request.node, page)
    context.close()


def _save_artifacts_if_failed(item: pytest.Item, page: Page) -> None:
    reports = item.stash.get(PHASE_REPORTS, {})
    if not any(report.failed for report in reports.values()):
        return
    ARTIFACTS.mkdir(exist_ok=True)
    stem = re.sub(r"[^A-Za-z0-9_.-]+", "_", item.name)
    try:
        page.screenshot(path=str(ARTIFACTS / f"{stem}.png"), full_page=True)
        (ARTIFACTS / f"{stem}.html").write_text(page.content(), encoding="utf-8")
    except Exception as error:  # noqa: BLE001 - the test's own failure matters more than the artifacts
        print(f"could not save browser artifacts for {item.name}: {error}")
