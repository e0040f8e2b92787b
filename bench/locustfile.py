"""Locust people for `make load` (bench/load.py): the demo's people doing their everyday work against gunicorn.

- Investigators read their dashboard and proposals, and now and then start a proposal and save its first sections.
- Reviewers read their assignments and save their review drafts (one Locust person per reviewer with a draft open,
  as two people saving one review would rightly get the "changed since you opened it" page).
- Coordinators, chairs and governance read the dashboard, the triage list, the decisions list, proposal and
  decision pages, and download a decision record as PDF now and then (a render in a sandboxed process).

Every answer must have its expected status; anything else is a Locust failure and one JSON line in the file named by
LOAD_PROBLEMS_FILE (with the status, so bench/load.py counts the 5xx). Ids in URLs become <id> in the stats, so the
percentiles are per page kind.

Self-contained on purpose: Locust monkeypatches the process with gevent, so this file imports nothing of the portal.
"""

from __future__ import annotations

import itertools
import json
import os
import random
import re
from html.parser import HTMLParser

from locust import HttpUser, between, task

PASSWORD = "northbridge-demo-2026"  # noqa: S105 - the demo's printed password (portal.demo.content.DEMO_PASSWORD)
INVESTIGATORS = itertools.cycle(("investigator@northbridge.example", "investigator2@northbridge.example",
                                 "preparer@northbridge.example"))
REVIEWERS = itertools.cycle(("reviewer@northbridge.example", "community@northbridge.example"))
# The lists each office person's navigation offers them (the others are 404 to them, by the access policy).
OFFICE_LISTS = {
    "coordinator@northbridge.example": ("/triage", "/decisions", "/meetings", "/committees", "/reports"),
    "chair@northbridge.example": ("/decisions", "/meetings"),
    "governance@northbridge.example": ("/decisions", "/reports"),
}
OFFICE = itertools.cycle(OFFICE_LISTS)
PROBLEMS_FILE = os.environ.get("LOAD_PROBLEMS_FILE")
CSRF_META = re.compile(r'<meta name="csrf-token" content="([^"]+)"')
PROPOSAL = re.compile(r'href="(/proposals/\d+)"')
DECISION = re.compile(r'href="(/decisions/\d+)"')
ASSIGNMENT = re.compile(r'href="(/assignments/\d+/review)"')
RECORD_PDF = re.compile(r'href="(/decisions/\d+/record\.pdf)"')
DRAFT_EDIT = re.compile(r"/proposals/\d+/edit$")


class FormValues(HTMLParser):
    """What a browser would post from the page's main form (the one without an action: the page's own form):
    hidden and text inputs, checked radios and boxes, textareas, selected options. Buttons are left to the caller."""

    def __init__(self) -> None:
        super().__init__()
        self.values: dict[str, str] = {}
        self._in_main = False
        self._textarea: str | None = None
        self._select: str | None = None

    def handle_starttag(self, tag: str, attrs: list) -> None:
        a = dict(attrs)
        if tag == "form":
            self._in_main = "action" not in a
        elif not self._in_main:
            return
        elif tag == "option" and self._select:
            if "selected" in a or self._select not in self.values:  # a browser posts the first option by default
                self.values[self._select] = a.get("value") or ""
        elif not a.get("name"):
            return
        elif tag == "input" and a.get("type") not in ("submit", "button", "file", "radio", "checkbox"):
            self.values[a["name"]] = a.get("value") or ""
        elif tag == "input" and a.get("type") in ("radio", "checkbox") and "checked" in a:
            self.values[a["name"]] = a.get("value") or "on"
        elif tag == "textarea":
            self._textarea, self.values[a["name"]] = a["name"], ""
        elif tag == "select":
            self._select = a["name"]

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self._in_main = False
        elif tag == "textarea":
            self._textarea = None
        elif tag == "select":
            self._select = None

    def handle_data(self, data: str) -> None:
        if self._textarea:
            self.values[self._textarea] += data


def form_values(html: str) -> dict[str, str]:
    parser = FormValues()
    parser.feed(html)
    return parser.values


class DemoPerson(HttpUser):
    abstract = True
    wait_time = between(0.5, 2.0)  # reading a page, then clicking: a person, not a crawler
    people: itertools.cycle

    def on_start(self) -> None:
        self.client.cookies.clear()
        self.email = next(self.people)
        token = CSRF_META.search(self.get("/sign-in").text).group(1)
        self.send("post", "/sign-in", expect=302, data={"csrf_token": token, "email": self.email, "password": PASSWORD})
        self.dashboard_page = self.get("/dashboard")
        self.token = CSRF_META.search(self.dashboard_page.text).group(1)
        self.proposals = sorted(set(PROPOSAL.findall(self.dashboard_page.text))) or ["/dashboard"]

    @task(4)
    def dashboard(self) -> None:
        self.get("/dashboard")

    @task(4)
    def proposal_page(self) -> None:
        self.get(random.choice(self.proposals))

    def get(self, path: str, *, pdf: bool = False):  # noqa: ANN201 - a requests response
        return self.send("get", path, expect=200, pdf=pdf)

    def send(self, method: str, path: str, *, expect: int, data: dict | None = None,  # noqa: ANN201
             pdf: bool = False):
        # The server runs production's configuration: its session cookie is Secure, which loopback http must still
        # return, as the TLS-terminating proxy in front of gunicorn would.
        for cookie in self.client.cookies:
            cookie.secure = False
        name = re.sub(r"/\d+", "/<id>", path) + (" [POST]" if method == "post" else "")
        with self.client.request(method, path, name=name, data=data, allow_redirects=False,
                                 catch_response=True) as response:
            problem = None
            if response.status_code != expect:
                problem = f"HTTP {response.status_code} where {expect} was expected (as {self.email})"
            elif pdf and not response.content.startswith(b"%PDF-"):
                problem = f"a record download that is not a PDF (as {self.email})"
            if problem is None:
                response.success()
            else:
                response.failure(problem)
                _record(self.email, method, path, response.status_code, problem)
            return response


class Investigator(DemoPerson):
    weight = 4
    people = INVESTIGATORS

    @task(1)
    def start_a_proposal_and_save_it(self) -> None:
        """The submission path as far as a draft goes: create, then save the first sections through the form."""
        created = self.send("post", "/proposals/new", expect=302,
                            data={"csrf_token": self.token, "title": "Load run: a fictional survey study"})
        location = created.headers.get("Location", "")
        if not DRAFT_EDIT.search(location):
            return
        edit_path = location[location.index("/proposals/"):]
        values = form_values(self.get(edit_path).text)
        values.update(lay_summary="A fictional survey of attitudes to laboratory oversight.",
                      aims="To describe how oversight is perceived.", then="continue")
        self.send("post", edit_path, expect=302, data=values)


class Reviewer(DemoPerson):
    fixed_count = 2  # one per reviewer with a draft open in the demo (see the module's docstring)
    people = REVIEWERS

    def on_start(self) -> None:
        super().on_start()
        self.assignments = sorted(set(ASSIGNMENT.findall(self.dashboard_page.text)))

    @task(3)
    def save_review_draft(self) -> None:
        for path in random.sample(self.assignments, len(self.assignments)):
            form = self.get(path)
            if 'name="action" value="save"' in form.text:  # a submitted review has no draft to save
                values = form_values(form.text)
                values.update(committee_comment=f"Draft note {random.randint(1, 10**6)}.", action="save")
                self.send("post", path, expect=302, data=values)
                return


class Office(DemoPerson):
    weight = 3
    people = OFFICE

    def on_start(self) -> None:
        super().on_start()
        decisions = self.get("/decisions")
        self.decisions = sorted(set(DECISION.findall(decisions.text))) or ["/decisions"]
        self.records = sorted({r for d in self.decisions[:3] for r in RECORD_PDF.findall(self.get(d).text)})

    @task(3)
    def lists(self) -> None:
        self.get(random.choice(OFFICE_LISTS[self.email]))

    @task(2)
    def decision_page(self) -> None:
        self.get(random.choice(self.decisions))

    @task(1)
    def download_a_record(self) -> None:
        if self.records:
            self.get(random.choice(self.records), pdf=True)


def _record(email: str, method: str, path: str, status: int, problem: str) -> None:
    if PROBLEMS_FILE:
        with open(PROBLEMS_FILE, "a") as out:
            out.write(json.dumps({"who": email, "request": f"{method.upper()} {path}", "status": status,
                                  "problem": problem}) + "\n")
