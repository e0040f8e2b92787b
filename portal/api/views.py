"""The JSON API, version 1: its OpenAPI document, the documentation page made from it, and the problem handler.
The operations themselves live in the `*_views.py` modules beside this one, each declared with `spec.operation`."""

from __future__ import annotations

from functools import cache
from typing import Any

from flask import Flask, jsonify, render_template, url_for
from werkzeug.wrappers import Response

from portal.api import (  # noqa: F401 - each registers its operations
    audit_views,
    criteria_views,
    decision_views,
    proposal_views,
    report_views,
    version_views,
)
from portal.api import docs as docs_content
from portal.api.problems import ApiProblem
from portal.api.spec import PROBLEM_DESCRIPTIONS, bp, openapi_document
from portal.auth.api_tokens import SCOPE_LABELS
from portal.errors import ERROR_TITLES

INFO = {
    "title": "Dual-Use Review Portal API",
    "version": "1",
    "description": (
        "Read proposals, their versions, diffs and screenings, the criteria sets, decisions and their verifiable "
        "records, clocks, the governance report and the audit chain's status; create, edit and submit drafts. "
        "Every call sends a personal API token (`Authorization: Bearer <token>`, made under Account › API tokens) "
        "and sees exactly what its person sees on the pages. Errors are `application/problem+json` (RFC 9457)."
    ),
}


@bp.errorhandler(ApiProblem)
def problem(error: ApiProblem) -> Response:
    return error.response()


@cache
def _document() -> dict[str, Any]:
    return openapi_document(INFO)


@bp.route("/openapi.json")
def openapi() -> Response:
    """The OpenAPI 3.1 document; public, like the documentation page (it describes, it holds no data)."""
    return jsonify(_document())


@bp.route("/docs")
def docs() -> str:
    return render_template(
        "api/docs.html",
        document=_document(),
        operations=docs_content.operations(_document()),
        schemas=docs_content.schemas(_document()),
        scopes=SCOPE_LABELS,
        problems=[(code, ERROR_TITLES.get(code, ""), text) for code, text in sorted(PROBLEM_DESCRIPTIONS.items())],
        spec_url=url_for("api.openapi"),
    )


def init_api(app: Flask) -> None:
    """Register the API: token-only (no session cookie is read), so CSRF protection does not apply to it."""
    from portal.extensions import csrf

    csrf.exempt(bp)
    app.register_blueprint(bp)
