"""What the page benchmarks (B1, B2, B3, B10) share: a portal on a fresh SQLite file with the demo world, a
signed-in test client, a statement counter and per-request timing through the WSGI app.

There is no wrk on this machine, so the page benchmarks measure in process: the Werkzeug test client drives the
real WSGI app (routing, sessions, Flask-Login, CSRF, Jinja, SQLAlchemy), warm, and each figure is the median of
REPETITIONS timed rounds of REQUESTS requests, subject and anchor taking turns. What this leaves out (the HTTP
server, sockets, worker processes) is the same for subject and anchor, so the ratio is what the page itself costs.
"""

from __future__ import annotations

import gc
import logging
import re
import statistics
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from flask import Flask
from flask.testing import FlaskClient

REPETITIONS = 7
REQUESTS = 50
CSRF_META = re.compile(r'<meta name="csrf-token" content="([^"]+)"')


def bench_app(folder: str, **overrides: object) -> Flask:
    """A migrated portal on a SQLite file in `folder`, the cheapest password hashing (sign-in is not measured)."""
    from flask_migrate import upgrade

    from portal import create_app
    from portal.auth.passwords import use_cheapest_hashing_for_tests
    from portal.extensions import db

    use_cheapest_hashing_for_tests()
    instance = Path(folder)
    config: dict[str, object] = {
        "TESTING": True,
        "JOBS_RUN_INLINE": True,
        "DATABASE_URL": f"sqlite:///{instance / 'bench.db'}",
        "INSTANCE_PATH": str(instance),
        "ATTACHMENT_DIR": str(instance / "attachments"),
        "RATELIMIT_ENABLED": False,  # a benchmark signs in and posts far more often than a person
        "RATELIMIT_STORAGE_URI": "memory://",
    }
    config.update(overrides)
    app = create_app(config)
    logging.disable(logging.INFO)  # alembic logs every migration step
    try:
        with app.app_context():
            upgrade()
            db.engine.dispose()
    finally:
        logging.disable(logging.NOTSET)
    return app


def seed_demo_world(app: Flask) -> None:
    from portal.demo.seed import seed_demo
    from portal.extensions import db

    with app.app_context():
        seed_demo()
        db.session.commit()
        db.session.remove()


def signed_in_client(app: Flask, email: str, password: str) -> FlaskClient:
    client = app.test_client()
    token = csrf_token(client, "/sign-in")
    response = client.post("/sign-in", data={"csrf_token": token, "email": email, "password": password})
    assert response.status_code == 302, f"sign-in as {email} failed ({response.status_code})"
    return client


def csrf_token(client: FlaskClient, path: str) -> str:
    page = client.get(path)
    match = CSRF_META.search(page.get_data(as_text=True))
    assert match, f"no CSRF token on {path} ({page.status_code})"
    return match.group(1)


@contextmanager
def recorded_statements(app: Flask) -> Iterator[list[tuple[str, Any]]]:
    """Every (statement, parameters) the app's engine runs inside the block."""
    from sqlalchemy import event

    from portal.extensions import db

    with app.app_context():
        engine = db.engine
    statements: list[tuple[str, Any]] = []

    def note(_conn: object, _cursor: object, statement: str, parameters: Any, _context: object,
             _executemany: bool) -> None:
        statements.append((statement, parameters))

    event.listen(engine, "after_cursor_execute", note)
    try:
        yield statements
    finally:
        event.remove(engine, "after_cursor_execute", note)


def median_request_seconds(*runs: Callable[[], object], requests: int = REQUESTS) -> list[float]:
    """Per-request median: REPETITIONS rounds of `requests` calls of each run, the runs taking turns within each
    round so that a busy machine slows them alike, after a warm-up round each."""
    for run in runs:
        for _ in range(requests):
            run()
    rounds: list[list[float]] = [[] for _ in runs]
    for _ in range(REPETITIONS):
        for index, run in enumerate(runs):
            gc.collect()
            start = time.perf_counter()
            for _ in range(requests):
                run()
            rounds[index].append((time.perf_counter() - start) / requests)
    return [statistics.median(each) for each in rounds]


def bench_line(name: str, ratio: float, target: float, passed: bool, extra: str = "") -> str:
    """The one line `make bench` prints per benchmark."""
    middle = f" {extra}" if extra else ""
    return f"BENCH {name} ratio={ratio:.2f} target<={target}{middle} {'PASS' if passed else 'FAIL'}"
