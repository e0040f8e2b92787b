"""Security headers on every response (security-test-plan #34, #43, check 30), like `curl -I` on one URL of every
page type: every GET rule of app.url_map, with real ids from the seeded demo, fetched signed in, in the production
configuration (Secure cookie, https), plus the anonymous pages, the error pages and a static file."""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask, url_for
from flask.testing import FlaskClient
from sqlalchemy import select
from werkzeug.wrappers import Response

from portal.auth.operations import find_user_by_email
from portal.demo.seed import DEMO_PASSWORD, DEMO_USERS
from portal.extensions import db
from portal.jobs.models import Job
from portal.security import CONTENT_SECURITY_POLICY
from tests.api.conftest import bearer, token_for
from tests.conftest import CSRF_META
from tests.leaks.test_canary_crawl import FIXED_VALUES, ID_SOURCES, _ids

HTTPS = "https://portal.example"
STRONG_KEY = "5d7f9b1c3e5a7c9e1b3d5f7a9c1e3b5d7f9a1c3e5b7d9f1a3c5e7b9d1f3a5c7e"
# GET rules that no demo user can open with a 2xx or 3xx, and why; every other rule must be reached at least once,
# so the headers are seen on the real page, file or export and not only on its 404.
UNREACHABLE = {
    "/invitations/<token>": "tokens are shown once and stored hashed: only the invalid-link page can be fetched",
    "/reset-password/<token>": "the same, for password-reset links",
}
REQUIRED = {
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "X-Frame-Options": "DENY",
    "Strict-Transport-Security": "max-age=31536000; includeSubDomains",
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
}


@pytest.fixture
def app_config() -> dict[str, object]:
    return {"TESTING": False, "SECRET_KEY": STRONG_KEY}


@pytest.fixture
def seeded(app: Flask) -> Flask:
    """The demo's data and, as production needs, the institution's record-signing keys."""
    runner = app.test_cli_runner()
    for command in (["demo", "seed"], ["records", "keygen"]):
        result = runner.invoke(args=command)
        assert result.exit_code == 0, result.output
    # A bulk export, so the job page and the ZIP download are real too (jobs run inline in the tests).
    governance = https_client(app, "governance@northbridge.example")
    token = CSRF_META.search(governance.get("/decisions", base_url=HTTPS).get_data(as_text=True)).group(1)
    export = governance.post(
        "/decisions/export",
        data={"csrf_token": token, "decision_id": [str(i) for i in _ids("decisions")]},
        headers={"Referer": f"{HTTPS}/decisions"},
        base_url=HTTPS,
    )
    assert export.status_code == 302, export.get_data(as_text=True)
    return app


def assert_headers(response: Response, where: str, *, cached_ok: bool = False) -> None:
    headers = response.headers
    for name, value in REQUIRED.items():
        assert headers.get(name) == value, f"{where} ({response.status_code}): {name} is {headers.get(name)!r}"
    policy = headers["Content-Security-Policy"]
    for directive in ("default-src 'self'", "script-src 'self'", "object-src 'none'", "base-uri 'none'",
                      "frame-ancestors 'none'", "form-action 'self'", "style-src 'self'"):
        assert directive in policy, f"{where}: CSP lacks {directive}"
    assert "unsafe-inline" not in policy and "unsafe-eval" not in policy
    assert "camera=()" in headers.get("Permissions-Policy", ""), where
    assert not any(c.isdigit() for c in headers.get("Server", "")), f"{where}: Server {headers.get('Server')!r}"
    if not cached_ok:
        cache = headers.get("Cache-Control")
        assert cache == "no-store", f"{where} ({response.status_code}): Cache-Control {cache!r}"


def https_client(app: Flask, email: str | None = None) -> FlaskClient:
    client = app.test_client()
    if email is not None:
        page = client.get("/sign-in", base_url=HTTPS)
        token = CSRF_META.search(page.get_data(as_text=True)).group(1)
        response = client.post(
            "/sign-in",
            data={"csrf_token": token, "email": email, "password": DEMO_PASSWORD},
            headers={"Referer": f"{HTTPS}/sign-in"},
            base_url=HTTPS,
        )
        assert response.status_code == 302, email
    return client


def urls_of(app: Flask, rule) -> Iterator[str]:  # noqa: ANN001
    arguments = sorted(rule.arguments)
    choices = [FIXED_VALUES.get(a) or _ids(ID_SOURCES[a]) or [1] for a in arguments]
    for values in itertools.islice(itertools.product(*choices), 60):
        with app.test_request_context():
            yield url_for(rule.endpoint, **dict(zip(arguments, values, strict=True)))


def test_every_page_type_carries_the_security_headers(seeded):
    app = seeded
    browsers = [(https_client(app, u.email), bearer(token_for(find_user_by_email(u.email)))) for u in DEMO_USERS]
    reached, checked = set(), 0
    for rule in app.url_map.iter_rules():
        if "GET" not in rule.methods or rule.endpoint == "static":
            continue
        for url, (browser, api_headers) in itertools.product(urls_of(app, rule), browsers):
            # The JSON API is called with the person's token: it reads no session.
            response = browser.get(url, base_url=HTTPS, headers=api_headers if url.startswith("/api/") else None)
            response.close()
            assert_headers(response, url)
            checked += 1
            if response.status_code < 400:
                reached.add(rule.rule)
                break
        assert rule.rule in reached or rule.rule in UNREACHABLE, f"no demo user could open {rule.rule}"
    assert checked > 40


def test_files_exports_and_json_carry_them_too(seeded):
    """Downloads the sweep reaches, named: a record's JSON, its PDF and the bulk export's ZIP."""
    governance = https_client(seeded, "governance@northbridge.example")
    decision = _ids("decisions")[0]
    job = db.session.scalar(select(Job.id).where(Job.kind == "record_export").order_by(Job.id))
    for url, kind in ((f"/decisions/{decision}/record.json", "application/json"),
                      (f"/decisions/{decision}/record.pdf", "application/pdf"),
                      (f"/jobs/{job}/download", "application/zip")):
        response = governance.get(url, base_url=HTTPS)
        response.close()
        assert response.status_code == 200, url
        assert response.mimetype == kind
        assert_headers(response, url)


def test_anonymous_pages_error_pages_and_static_files(app, monkeypatch):
    anonymous = https_client(app)
    for url in ("/", "/sign-in", "/request-account", "/forgot-password", "/sign-in/code", "/no-such-page",
                "/invitations/not-a-token", "/dashboard"):
        assert_headers(anonymous.get(url, base_url=HTTPS), url)
    assert_headers(anonymous.get("/sign-out", base_url=HTTPS), "GET /sign-out (405)")
    refused = anonymous.post("/sign-in", data={"email": "x@example.org"}, base_url=HTTPS)
    assert refused.status_code == 400
    assert_headers(refused, "POST without a CSRF token (400)")

    def broken() -> str:
        raise RuntimeError("a fault injected by the test")

    monkeypatch.setitem(app.view_functions, "auth.forgot_password", broken)
    failed = anonymous.get("/forgot-password", base_url=HTTPS)
    assert failed.status_code == 500
    assert "Traceback" not in failed.get_data(as_text=True)
    assert_headers(failed, "the 500 page")

    css = anonymous.get("/static/portal.css", base_url=HTTPS)
    assert css.status_code == 200
    assert_headers(css, "/static/portal.css", cached_ok=True)  # public, identical for everyone: may be cached
    css.close()


def test_no_template_uses_inline_script_or_style():
    """What lets the policy go without 'unsafe-inline': no <script> blocks, on*= handlers or style attributes."""
    inline = re.compile(r"<script(?![^>]*\bsrc=)|\son[a-z]+\s*=|\sstyle\s*=|<style", re.IGNORECASE)
    root = Path(__file__).resolve().parent.parent / "templates"
    offenders = [f"{p.relative_to(root)}:{n}" for p in root.rglob("*.html")
                 for n, line in enumerate(p.read_text().splitlines(), 1) if inline.search(line)]
    assert offenders == []
