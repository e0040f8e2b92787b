"""`make serve`'s gunicorn configuration (portal/serving.py), as an operator meets it: the worker count and the
address come from PORTAL_WORKERS and PORTAL_BIND, sync workers by default two per core, a request timeout above the
record-render limit, and a recycled worker lets the jobs it runs in-process finish."""

from __future__ import annotations

import importlib
import os
import threading
import time

import pytest

from portal import serving
from portal.config import DEFAULTS


@pytest.fixture(autouse=True)
def _reloaded_afterwards():  # noqa: ANN202 - leaves portal.serving as the environment makes it
    yield
    importlib.reload(serving)


def _configuration(monkeypatch: pytest.MonkeyPatch, **env: str):  # noqa: ANN202 - the reloaded module
    for name in ("PORTAL_WORKERS", "PORTAL_BIND", "PORTAL_ACCESS_LOG"):
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    return importlib.reload(serving)


def test_defaults_are_two_sync_workers_per_core_on_loopback(monkeypatch: pytest.MonkeyPatch) -> None:
    configuration = _configuration(monkeypatch)
    assert configuration.worker_class == "sync"
    assert configuration.workers == 2 * (os.cpu_count() or 1)
    assert configuration.bind == "127.0.0.1:8000"
    assert configuration.accesslog is None
    assert configuration.timeout > DEFAULTS["RECORDS_RENDER_TIMEOUT"], "a slow render must end as the portal's page"
    assert configuration.max_requests > 0 and configuration.max_requests_jitter > 0


def test_the_operator_sets_workers_address_and_access_log(monkeypatch: pytest.MonkeyPatch) -> None:
    configuration = _configuration(monkeypatch, PORTAL_WORKERS="3", PORTAL_BIND="0.0.0.0:9000", PORTAL_ACCESS_LOG="1")
    assert (configuration.workers, configuration.bind, configuration.accesslog) == (3, "0.0.0.0:9000", "-")


def test_a_leaving_worker_lets_its_in_process_job_finish(monkeypatch: pytest.MonkeyPatch) -> None:
    configuration = _configuration(monkeypatch)
    finished = threading.Event()

    def job() -> None:
        time.sleep(0.3)
        finished.set()

    threading.Thread(target=job, name=f"{configuration.JOB_THREAD_PREFIX}1", daemon=True).start()
    configuration.worker_exit(server=None, worker=None)
    assert finished.is_set()
