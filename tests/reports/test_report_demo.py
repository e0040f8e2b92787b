"""After `make demo`: the governance user and the coordinator read Northbridge's report; the consortium liaison reads
aggregates across two institutions with small cells suppressed and reaches no proposal."""

from __future__ import annotations

from portal.demo.seed import DEMO_PASSWORD
from tests.conftest import sign_in


def _client(app, email: str):  # noqa: ANN001, ANN202
    assert app.test_cli_runner().invoke(args=["demo", "seed"]).exit_code == 0
    client = app.test_client()
    sign_in(client, email, DEMO_PASSWORD)
    return client


def test_the_demo_governance_user_follows_the_reports_link(app):
    client = _client(app, "governance@northbridge.example")
    assert 'href="/reports"' in client.get("/dashboard").get_data(as_text=True)
    page = client.get("/reports").get_data(as_text=True)
    assert "Aggregates for your institution" in page and "NBU" in page


def test_the_demo_consortium_liaison_sees_suppressed_aggregates_and_no_proposal(app):
    client = _client(app, "consortium@northbridge.example")
    page = client.get("/reports").get_data(as_text=True)
    assert "Aggregates across 2 institutions" in page and "&lt;5" in page
    assert "Eastmoor Institute (fictional)" in page  # a filter choice
    assert client.get("/decisions").status_code == 404
    assert client.get("/proposals/1").status_code == 404
