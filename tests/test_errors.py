"""Error pages: clear, with no traceback; refusals explain themselves; headers everywhere."""

from __future__ import annotations

import pytest
from flask import Flask

from portal.errors import InvalidTransitionError


@pytest.fixture
def failing_app(app: Flask) -> Flask:
    @app.route("/_test/refuse")
    def _refuse():  # noqa: ANN202
        raise InvalidTransitionError("A proposal that is withdrawn cannot be asked to submit.")

    @app.route("/_test/crash")
    def _crash():  # noqa: ANN202
        raise RuntimeError("secret internal detail")

    return app


def test_uncaught_refusal_is_a_409_page_with_its_message(failing_app, client):
    response = client.get("/_test/refuse")
    assert response.status_code == 409
    assert "cannot be asked to submit" in response.get_data(as_text=True)


def test_unexpected_error_shows_an_incident_reference_and_no_traceback(failing_app, client):
    response = client.get("/_test/crash")
    body = response.get_data(as_text=True)
    assert response.status_code == 500
    assert "reference" in body and "secret internal detail" not in body and "Traceback" not in body


def test_unknown_page_is_a_404_page(client):
    response = client.get("/no/such/page")
    assert response.status_code == 404
    assert "Page not found" in response.get_data(as_text=True)


@pytest.mark.parametrize("path", ["/sign-in", "/no/such/page", "/request-account"])
def test_security_headers_on_every_response(client, path):
    headers = client.get(path).headers
    assert "object-src 'none'" in headers["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in headers["Content-Security-Policy"]
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] == "same-origin"


def test_get_on_a_mutating_route_is_405(client):
    assert client.get("/sign-out").status_code == 405
