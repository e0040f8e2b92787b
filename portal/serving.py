"""gunicorn's configuration for `make serve` and `make load`: `gunicorn -c python:portal.serving app:app`.

Sync workers, two per core by default (performance-anchors.md §2 and §7: on CPU-bound pages threads and greenlets add
no throughput; a buffering proxy in front absorbs slow clients, which a sync worker must not wait on). The operator
sets the count and the address with PORTAL_WORKERS and PORTAL_BIND; everything the workers share (sessions in signed
cookies, rate limits and jobs in Redis when PORTAL_REDIS_URL is set, the database) lives outside them, so any worker
may answer any request.

Not a `gunicorn.conf.py` at the root on purpose: gunicorn reads that file from its working directory unasked, and
the slow drills start their own gunicorn there with settings of their own (tests/security/live.py).
"""

from __future__ import annotations

import os
import threading
import time
from typing import Any

bind = os.environ.get("PORTAL_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("PORTAL_WORKERS") or 2 * (os.cpu_count() or 1))
worker_class = "sync"
# Above the decision-record render limit (RECORDS_RENDER_TIMEOUT, 60 s), so a slow render ends as the portal's own
# "try again" page, never as a worker killed mid-request.
timeout = 90
graceful_timeout = 30
# Recycling bounds what a slow leak could grow to; the jitter keeps the workers from restarting all at once.
max_requests = 2000
max_requests_jitter = 200
# Access lines go to the proxy's log in production; PORTAL_ACCESS_LOG=1 prints them here too. Errors on stderr.
accesslog = "-" if os.environ.get("PORTAL_ACCESS_LOG") == "1" else None
errorlog = "-"
control_socket_disable = True  # gunicorn >= 25 opens a control socket by default; nothing here uses it

JOB_THREAD_PREFIX = "job-"  # portal/jobs/runner.py names its in-process job threads so


def post_worker_init(worker: Any) -> None:
    """Start the worker's record-render forkserver now, so WeasyPrint is imported and warmed (fonts, stylesheet)
    before the first download rather than during it (performance-anchors.md §7: about a second cold)."""
    from portal.records.sandbox import start_render_processes

    start_render_processes()


def worker_exit(server: Any, worker: Any) -> None:
    """A worker leaving (recycled after max_requests, or the server stopping) first lets the jobs it runs in-process
    finish, for up to the graceful timeout: their threads are daemons, which the exit would otherwise cut short.
    With PORTAL_REDIS_URL set the jobs run in their own worker processes and there is nothing to wait for."""
    deadline = time.monotonic() + graceful_timeout
    for thread in threading.enumerate():
        if thread.name.startswith(JOB_THREAD_PREFIX):
            thread.join(max(0.0, deadline - time.monotonic()))
