"""Locust users for check 30 (security-test-plan.md §6), run headless by tests/security/test_live_load.py against the
live server. Each user signs in as one of the demo's people, collects the pages their dashboard and navigation link
to, and browses them. Every response is held to the hygiene rules; a breach is a Locust failure (so the fail ratio
and the exit code report it) and is also written, one JSON line each, to the file named by LIVE_PROBLEMS_FILE.

Self-contained on purpose: Locust monkeypatches the process with gevent, so this file imports nothing of the portal.
"""

from __future__ import annotations

import itertools
import json
import os
import random
import re

from locust import HttpUser, between, task

PASSWORD = "northbridge-demo-2026"  # the demo's printed password (portal.demo.content.DEMO_PASSWORD)
PEOPLE = itertools.cycle((
    "investigator@northbridge.example", "chair@northbridge.example", "coordinator@northbridge.example",
    "reviewer@northbridge.example", "governance@northbridge.example", "admin@northbridge.example",
))
CSRF_META = re.compile(r'<meta name="csrf-token" content="([^"]+)"')
LINK = re.compile(r'href="(/[A-Za-z0-9_\-/]*)"')
# Not browsed: "/" and the sign-in page only redirect a signed-in person; signing out ends the session; PDF, ZIP,
# JSON and export links are renders and jobs, not pages.
NOT_BROWSED = re.compile(r"^/$|sign-in|sign-out|\.pdf|\.json|download|export|/static/")
EXPECT_HSTS = os.environ.get("LIVE_EXPECT_HSTS") == "1"
PROBLEMS_FILE = os.environ.get("LIVE_PROBLEMS_FILE")
TIMINGS_FILE = os.environ.get("LIVE_TIMINGS_FILE")  # milliseconds of each page browsed, sign-in excluded
TRACEBACK = re.compile(r"Traceback \(most recent call last\)|File \"/[^\"]+\.py\", line \d+")


def hygiene_problems(response) -> list[str]:  # noqa: ANN001 - a requests response
    """What is wrong with one response by the hygiene rules (security headers #34, no version, no traceback)."""
    headers, problems = response.headers, []
    csp = headers.get("Content-Security-Policy", "")
    if "default-src 'self'" not in csp or "frame-ancestors 'none'" not in csp:
        problems.append(f"Content-Security-Policy missing or weak: {csp!r}")
    if headers.get("X-Content-Type-Options") != "nosniff":
        problems.append("no X-Content-Type-Options: nosniff")
    if headers.get("Referrer-Policy") not in ("same-origin", "no-referrer", "strict-origin-when-cross-origin"):
        problems.append(f"Referrer-Policy {headers.get('Referrer-Policy')!r}")
    if EXPECT_HSTS and not headers.get("Strict-Transport-Security", "").startswith("max-age="):
        problems.append("no Strict-Transport-Security")
    if re.search(r"\d", headers.get("Server", "")):
        problems.append(f"the Server header tells a version: {headers['Server']!r}")
    if "no-store" not in headers.get("Cache-Control", ""):
        problems.append(f"a signed-in page without Cache-Control: no-store ({headers.get('Cache-Control')!r})")
    if TRACEBACK.search(response.text):
        problems.append("traceback text in the body")
    if response.status_code >= 500:
        problems.append(f"server error {response.status_code}")
    return problems


class SignedInPerson(HttpUser):
    wait_time = between(0.2, 1.0)

    def on_start(self) -> None:
        self.client.cookies.clear()
        self.email = next(PEOPLE)
        page = self._get("/sign-in", name="/sign-in")
        token = CSRF_META.search(page.text).group(1)
        self._send("post", "/sign-in", name="/sign-in [POST]", expect=302,
                   data={"csrf_token": token, "email": self.email, "password": PASSWORD})
        dashboard = self._get("/dashboard", name="/dashboard")
        self.pages = sorted({link for link in LINK.findall(dashboard.text) if not NOT_BROWSED.search(link)})

    @task
    def browse(self) -> None:
        path = random.choice(self.pages)
        # Ids become <id> in the stats, so percentiles are per page kind, not per object.
        page = self._get(path, name=re.sub(r"/\d+", "/<id>", path))
        if TIMINGS_FILE:
            with open(TIMINGS_FILE, "a") as out:
                out.write(f"{page.elapsed.total_seconds() * 1000:.1f}\n")

    def _get(self, path: str, *, name: str):  # noqa: ANN202
        return self._send("get", path, name=name, expect=200)

    def _send(self, method: str, path: str, *, name: str, expect: int, data: dict | None = None):  # noqa: ANN202
        # The live server's session cookie is Secure (production's); loopback http must still return it.
        for cookie in self.client.cookies:
            cookie.secure = False
        with self.client.request(method, path, name=name, data=data, allow_redirects=False,
                                 catch_response=True) as response:
            problems = hygiene_problems(response)
            if response.status_code != expect:
                problems.append(f"{response.status_code} where {expect} was expected (as {self.email})")
            if problems:
                response.failure("; ".join(problems))
                _record(self.email, method, path, problems)
            else:
                response.success()
            return response


def _record(email: str, method: str, path: str, problems: list[str]) -> None:
    if PROBLEMS_FILE:
        with open(PROBLEMS_FILE, "a") as out:
            out.write(json.dumps({"who": email, "request": f"{method.upper()} {path}", "problems": problems}) + "\n")
