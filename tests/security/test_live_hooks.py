"""The worker-kill drill's hooks (tests/security/live_hooks.py) never reach a real portal: the production app has no
`/_test/pid`, nor does the suite's testing app, and the hooks refuse to install without both TESTING and
PORTAL_TEST_HOOKS=1. When they do install, `/_test/pid` answers with the worker's pid."""

from __future__ import annotations

import os

import pytest
from sqlalchemy import event
from sqlalchemy.orm import Session

from portal import create_app
from tests.security import live_hooks
from tests.security.live_hooks import HOOKS_ENV, HooksRefused, install_test_hooks

STRONG_KEY = "5d7f9b1c3e5a7c9e1b3d5f7a9c1e3b5d7f9a1c3e5b7d9f1a3c5e7b9d1f3a5c7e"


def _rules(app) -> set[str]:  # noqa: ANN001
    return {rule.rule for rule in app.url_map.iter_rules()}


def _production_app(tmp_path, **extra: object):  # noqa: ANN001, ANN202
    return create_app({"SECRET_KEY": STRONG_KEY, "DATABASE_URL": f"sqlite:///{tmp_path / 'portal.db'}",
                       "INSTANCE_PATH": str(tmp_path / "instance"), **extra})


def test_no_portal_app_has_the_test_routes(app, tmp_path, monkeypatch) -> None:
    monkeypatch.setenv(HOOKS_ENV, "1")  # asking is not enough: create_app() does not know the hooks
    production = _production_app(tmp_path)
    assert not production.config["TESTING"]
    assert "/_test/pid" not in _rules(production)
    assert not [rule for rule in _rules(app) if rule.startswith("/_test")], "the suite's app has test routes"


@pytest.mark.parametrize(("testing", "asked"), [(False, True), (True, False), (False, False)])
def test_the_hooks_refuse_to_install_outside_a_test_configuration(tmp_path, monkeypatch, testing: bool,
                                                                   asked: bool) -> None:
    if asked:
        monkeypatch.setenv(HOOKS_ENV, "1")
    else:
        monkeypatch.delenv(HOOKS_ENV, raising=False)
    candidate = _production_app(tmp_path, TESTING=testing)
    with pytest.raises(HooksRefused, match="TESTING and PORTAL_TEST_HOOKS=1"):
        install_test_hooks(candidate)
    assert "/_test/pid" not in _rules(candidate)


def test_installed_hooks_tell_the_worker_pid(tmp_path, monkeypatch) -> None:
    monkeypatch.setenv(HOOKS_ENV, "1")
    hooked = _production_app(tmp_path, TESTING=True)
    try:
        install_test_hooks(hooked)
        assert hooked.test_client().get("/_test/pid").get_json() == {"pid": os.getpid()}
    finally:
        event.remove(Session, "after_flush", live_hooks._hold_decision)  # the listener is process-wide
