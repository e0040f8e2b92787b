"""Test-only hooks of the worker-kill drill (security-test-plan.md check 28), served by gunicorn as
`tests.security.live_hooks:hooked_app()`.

They are not part of the portal: `create_app()` never registers them, the package ships without `tests/`, and this
factory refuses to build an app unless the configuration says TESTING and the environment PORTAL_TEST_HOOKS=1.
- `GET /_test/pid`: the pid of the worker that answered.
- Holding a decision: when the file `<instance>/hold-decision` exists, the next `POST /proposals/<id>/decision`
  claims it (removes it, so exactly one request is held), writes its worker's pid to `<instance>/held-decision.pid`
  and sleeps in the flush that inserted the decision row: inside its open transaction, until someone kills it."""

from __future__ import annotations

import os
import time
from pathlib import Path

from flask import Flask, current_app, has_request_context, request
from sqlalchemy import event
from sqlalchemy.orm import Session

from portal import create_app
from portal.decisions.models import Decision

HOOKS_ENV = "PORTAL_TEST_HOOKS"
HOLD_FILE = "hold-decision"
HELD_PID_FILE = "held-decision.pid"
HOLD_SECONDS = 90  # far longer than the drill needs to kill the worker; gunicorn's --timeout must exceed it


class HooksRefused(RuntimeError):
    """The hooks were asked for outside a test configuration."""


def hooked_app() -> Flask:
    app = create_app()
    install_test_hooks(app)
    return app


def install_test_hooks(app: Flask) -> None:
    if not (app.config["TESTING"] and os.environ.get(HOOKS_ENV) == "1"):
        raise HooksRefused(f"The test hooks need TESTING and {HOOKS_ENV}=1; this configuration has neither or one.")
    app.add_url_rule("/_test/pid", "test_hooks.pid", lambda: {"pid": os.getpid()})
    event.listen(Session, "after_flush", _hold_decision)


def _hold_decision(session: Session, _context: object) -> None:
    if not (has_request_context() and request.method == "POST" and request.endpoint == "decisions.decide"):
        return
    if not any(isinstance(row, Decision) for row in session.new):  # still the pre-flush view in after_flush
        return
    instance = Path(current_app.instance_path)
    try:
        (instance / HOLD_FILE).unlink()  # the claim: only one request gets past this
    except FileNotFoundError:
        return
    written = instance / f"{HELD_PID_FILE}.tmp"
    written.write_text(str(os.getpid()))
    written.replace(instance / HELD_PID_FILE)  # appears whole, never half-written
    time.sleep(HOLD_SECONDS)
