"""Errors the portal raises for people, and the pages that show them."""

from __future__ import annotations

import json
import logging
import secrets

from flask import Flask, Response, g, make_response, render_template, request
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm.exc import StaleDataError
from werkzeug.exceptions import HTTPException

from portal.i18n.marks import N_, Refusal, use_gettext

log = logging.getLogger("portal")
security_log = logging.getLogger("portal.security")


class PortalError(Refusal, Exception):
    """A refusal whose message is written for the person who caused it.

    `PortalError(N_("... %(name)s ..."), name=...)`: `message` is the msgid, `params` its values; str() is the
    English text (the API's problem detail), `translated()` the reader's language (pages and flashes)."""

    def __init__(self, message: str = "", /, **params: object) -> None:
        super().__init__(message, **params)


class InvalidTransitionError(PortalError):
    """The lifecycle table does not allow this step from the current state."""


CONCURRENT_CHANGE = N_("Someone changed this at the same moment. Nothing of yours was saved; please try again.")


class ConcurrentChangeError(PortalError):
    """PostgreSQL refused the unit of work for a concurrent change on every attempt (portal/transactions.py)."""

    def __init__(self, message: str = CONCURRENT_CHANGE) -> None:
        super().__init__(message)


ERROR_TITLES = {
    400: N_("The request could not be understood"),
    403: N_("You do not have access to this page"),
    404: N_("Page not found"),
    405: N_("That action is not available here"),
    409: N_("That change conflicts with the current state"),
    413: N_("The upload is too large"),
    429: N_("Too many attempts"),
    500: N_("Something went wrong on our side"),
    503: N_("The portal is busy"),
}
ERROR_TITLES.update({401: "Authentication required", 415: "Unsupported media type", 422: "The request is not valid"})
# What an API client needs to hear where a page would say nothing more than its title.
_API_DETAILS = {
    404: "No such resource, or it is not yours to see.",
    405: "This resource does not take that method; the Allow header lists the ones it takes.",
}


def register_error_pages(app: Flask) -> None:
    from flask_babel import gettext

    use_gettext(gettext)  # refusals' translated(): the reader's language (portal/i18n/marks.py stays pure)

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):  # noqa: ANN202
        code = error.code or 500
        description = error.description if code in (400, 409, 413, 429) else None
        if code == 413:
            limit_mb = app.config["MAX_CONTENT_LENGTH"] // (1024 * 1024)
            description = f"Files up to {limit_mb} MB can be uploaded. Nothing was saved."
        if code == 400 and "CSRF" in (error.description or ""):
            description = N_(
                "Your form expired or was sent from another page. Reload the page and try again; nothing was saved."
            )
            _log_csrf_refusal(error.description)
        response = _page(code, description)
        # The headers that belong to the status (Allow on 405, WWW-Authenticate on 401, Retry-After on 429).
        headers = dict(error.get_headers())
        for name in ("Allow", "WWW-Authenticate", "Retry-After"):
            if name in headers:
                response.headers[name] = headers[name]
        return response

    @app.errorhandler(PortalError)
    def refused(error: PortalError) -> Response:
        """A refusal no view caught (an illegal transition, say): say why, change nothing."""
        from portal.extensions import db

        db.session.rollback()
        return _refusal_page(409, error)

    @app.errorhandler(StaleDataError)
    def changed_meanwhile(_error: StaleDataError) -> Response:
        from portal.extensions import db

        db.session.rollback()
        return _page(
            409,
            N_(
                "Someone else changed this record at the same moment. Reload the page and try again; "
                "nothing of yours was saved."
            ),
        )

    @app.errorhandler(ConcurrentChangeError)
    def concurrent_change(error: ConcurrentChangeError) -> Response:
        from portal.extensions import db

        db.session.rollback()
        g.unit_of_work_failed = True  # the session cookie keeps nothing of this request either
        return _refusal_page(409, error)

    @app.errorhandler(OperationalError)
    def database_busy(error: OperationalError):  # noqa: ANN202
        from portal.extensions import db
        from portal.transactions import is_concurrent_change

        db.session.rollback()
        g.unit_of_work_failed = True  # the session cookie keeps nothing of this request either
        if is_concurrent_change(error):  # PostgreSQL 40001/40P01 met outside run_in_txn: the same 409
            return concurrent_change(ConcurrentChangeError())
        if "locked" in str(error.orig).lower():
            response = _page(503, N_("Another change is being saved. Please try again in a moment; nothing was lost."))
            response.headers["Retry-After"] = "2"
            return response
        return unexpected(error)

    @app.errorhandler(Exception)
    def unexpected(error: Exception):  # noqa: ANN202
        from portal.extensions import db

        db.session.rollback()
        g.unit_of_work_failed = True  # the session cookie keeps nothing of this request either
        incident = secrets.token_hex(6)
        log.exception("incident %s on %s %s", incident, request.method, request.path)
        return _page(500, None, incident=incident)


def _log_csrf_refusal(reason: str | None) -> None:
    """A refused form is a possible attack: say which check failed, where and for whom, never the token itself."""
    from flask_login import current_user

    security_log.warning(
        "CSRF refusal: %s %r (user %s): %s",
        request.method, request.path, getattr(current_user, "id", None), reason,
    )


API_PREFIX = "/api/"
PROBLEM_MEDIA_TYPE = "application/problem+json"


def problem_body(code: int, detail: str | None, incident: str | None = None, **extra: object) -> dict[str, object]:
    """An RFC 9457 problem: its `type` names the section of the API documentation that explains it."""
    body: dict[str, object] = {
        "type": f"{API_PREFIX}v1/docs#problem-{code}",
        "title": "Not found" if code == 404 else ERROR_TITLES.get(code, "Error"),
        "status": code,
    }
    if detail:
        body["detail"] = detail
    if incident:
        body["incident"] = incident
    body.update({key: value for key, value in extra.items() if value is not None})
    return body


def problem_response(code: int, detail: str | None, incident: str | None = None, **extra: object) -> Response:
    response = make_response(json.dumps(problem_body(code, detail, incident, **extra)), code)
    response.mimetype = PROBLEM_MEDIA_TYPE
    return response


def _refusal_page(code: int, error: PortalError) -> Response:
    """A refusal's page: English for the JSON API, the reader's language on a page."""
    if request.path.startswith(API_PREFIX):
        return problem_response(code, str(error))
    return _page(code, error.translated(), translated=True)


def _page(code: int, description: str | None, incident: str | None = None, *, translated: bool = False) -> Response:
    """The error page, or for the JSON API the same error as a problem document: one place decides both."""
    if request.path.startswith(API_PREFIX):
        return problem_response(code, description or _API_DETAILS.get(code), incident)
    from flask_babel import gettext

    # Pages speak the reader's language: the marked titles and descriptions are in the catalogue; any other
    # description (a refusal's own message) is looked up too and stays as it is when the catalogue lacks it.
    body = render_template(
        "errors/error.html",
        code=code,
        title=gettext(ERROR_TITLES.get(code, N_("Error"))),
        description=gettext(description) if description and not translated else description,
        incident=incident,
    )
    return make_response(body, code)
