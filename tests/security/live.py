"""The `live` harness of the slow drills (security-test-plan.md §6, checks 25, 26, 28, 30): the portal served by real
gunicorn sync workers on a free loopback port, over a database prepared as `make demo` prepares one (`flask db
upgrade`, `flask demo seed`) plus the institution's record-signing keys, as production needs them.

Configuration is production's: no TESTING, no DEMO, a random strong SECRET_KEY, so the session cookie is Secure and
named `__Host-portal-session`, and HSTS is sent. The one concession to plain http on loopback is on the client side:
`LoopbackBrowser` returns that Secure cookie over http, as a TLS-terminating proxy in front of gunicorn would.
A drill that needs the test hooks (check 28) asks for TESTING itself, and keeps the Secure cookie.

SQLite gets a file in the drill's temporary folder; PostgreSQL a fresh database, dropped afterwards. The server
runs in its own process group, which teardown ends by its own pid (SIGTERM, then SIGKILL)."""

from __future__ import annotations

import os
import re
import secrets
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from queue import SimpleQueue

import pytest
import requests
from flask import Flask
from sqlalchemy import create_engine, func, select
from sqlalchemy.engine import Connection

from bench.load_server import fresh_database, stop_server, wait_until_serving
from portal import create_app
from portal.backup.manifest import build_manifest
from portal.demo.seed import DEMO_PASSWORD
from portal.extensions import db
from tests.databases import BACKEND

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
CSRF_META = re.compile(r'<meta name="csrf-token" content="([^"]+)"')
BUSY_RETRIES = 5
DRAFT_CREATED = re.compile(r"/proposals/\d+/edit$")  # where a successful POST /proposals/new sends the browser


class LoopbackBrowser(requests.Session):
    """Returns the portal's Secure session cookie over the loopback's plain http, as a browser behind the
    TLS-terminating proxy of production would. (A cookie policy cannot do it: requests copies the jar into a
    default-policy one for every request.) Redirects are not followed by the drills, so this one hook suffices."""

    def prepare_request(self, request: requests.Request) -> requests.PreparedRequest:
        for cookie in self.cookies:
            cookie.secure = False
        return super().prepare_request(request)


def browser() -> requests.Session:
    return LoopbackBrowser()


def csrf_of(page: requests.Response) -> str:
    match = CSRF_META.search(page.text)
    assert match, f"no CSRF token on {page.url} ({page.status_code})"
    return match.group(1)


@dataclass(frozen=True)
class Answer:
    status: int
    location: str
    retry_after: str | None


@dataclass
class LiveServer:
    url: str
    database_url: str
    instance: Path
    env: dict[str, str]
    process: subprocess.Popen
    log: Path

    def flask(self, *args: str, timeout: float = 300) -> subprocess.CompletedProcess:
        """`flask --app app …` against the server's database and configuration, as an operator would run it."""
        return subprocess.run([str(BIN / "flask"), "--app", "app", *args], cwd=ROOT, env=self.env,
                              capture_output=True, text=True, timeout=timeout, check=False)

    def signed_in(self, email: str) -> tuple[requests.Session, str]:
        """A browser signed in as a demo user, with the CSRF token of its session."""
        client = browser()
        token = csrf_of(client.get(f"{self.url}/sign-in", timeout=30))
        for _attempt in range(BUSY_RETRIES):
            answer = client.post(f"{self.url}/sign-in", data={"csrf_token": token, "email": email,
                                                              "password": DEMO_PASSWORD},
                                 allow_redirects=False, timeout=60)
            if answer.status_code != 503:
                break
            time.sleep(int(answer.headers["Retry-After"]))  # busy: do as the page says, try again shortly
        assert answer.status_code == 302, f"{email} could not sign in: {answer.status_code} {answer.text[:300]}"
        return client, csrf_of(client.get(f"{self.url}/dashboard", timeout=30))

    def post_in_parallel(self, path: str, form: Callable[[int], dict], *, emails: Sequence[str], threads: int,
                         count: int) -> list[Answer]:
        """`count` form posts to `path` from `threads` browsers at once, each signed in beforehand (one after the
        other, taking `emails` in turn): the drill is about the writes, not about sign-ins queueing."""
        idle: SimpleQueue = SimpleQueue()
        for n in range(threads):
            idle.put(self.signed_in(emails[n % len(emails)]))
        mine = threading.local()

        def post(n: int) -> Answer:
            if not hasattr(mine, "client"):
                mine.client, mine.token = idle.get_nowait()
            answer = mine.client.post(f"{self.url}{path}", data={"csrf_token": mine.token, **form(n)},
                                      allow_redirects=False, timeout=120)
            return Answer(answer.status_code, answer.headers.get("Location", ""), answer.headers.get("Retry-After"))

        with ThreadPoolExecutor(max_workers=threads) as pool:
            return list(pool.map(post, range(count)))

    def worker_pids(self) -> set[int]:
        """The gunicorn master's children: its live workers."""
        children = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children").read_text().split()
        return {int(pid) for pid in children}

    def manifest(self) -> dict:
        with self.connection() as connection:
            return build_manifest(connection)["tables"]

    def count(self, table: object, *where: object) -> int:
        with self.connection() as connection:
            return connection.scalar(select(func.count()).select_from(table).where(*where))

    @contextmanager
    def connection(self) -> Iterator[Connection]:
        """A plain connection to the server's database, outside any request (read only, by convention)."""
        engine = create_engine(self.database_url)
        try:
            with engine.connect() as connection:
                yield connection
        finally:
            engine.dispose()

    @contextmanager
    def app_context(self) -> Iterator[Flask]:
        """The portal in this process, on the server's database: to read with the portal's own queries."""
        app = create_app({"TESTING": True, "DATABASE_URL": self.database_url,
                          "SECRET_KEY": self.env["PORTAL_SECRET_KEY"], "INSTANCE_PATH": str(self.instance)})
        with app.app_context():
            try:
                yield app
            finally:
                db.session.rollback()
                db.session.remove()
                db.engine.dispose()


@contextmanager
def live_server(workdir: Path, *, workers: int = 2, wsgi: str = "app:app", timeout: int = 30,
                env: dict[str, str] | None = None) -> Iterator[LiveServer]:
    """Prepare a demo database, serve it with `gunicorn -w <workers> -k sync`, stop it afterwards."""
    database_url, drop = fresh_database(BACKEND, workdir)
    instance = workdir / "instance"
    server_env = {key: value for key, value in os.environ.items() if not key.startswith("PORTAL_")}
    server_env.update({
        "PORTAL_DATABASE_URL": database_url,
        "PORTAL_INSTANCE_PATH": str(instance),
        "PORTAL_SECRET_KEY": secrets.token_hex(32),
        "PYTHONUNBUFFERED": "1",
        **(env or {}),
    })
    try:
        for command in (["db", "upgrade"], ["demo", "seed"], ["records", "keygen"]):
            done = subprocess.run([str(BIN / "flask"), "--app", "app", *command], cwd=ROOT, env=server_env,
                                  capture_output=True, text=True, timeout=300, check=False)
            assert done.returncode == 0, f"flask {' '.join(command)} failed:\n{done.stdout}\n{done.stderr}"
        log = workdir / "gunicorn.log"
        with log.open("w") as log_file:
            process = subprocess.Popen(
                [str(BIN / "gunicorn"), "-w", str(workers), "-k", "sync", "-b", "127.0.0.1:0",
                 "--timeout", str(timeout), "--graceful-timeout", "5", "--no-control-socket", wsgi],
                cwd=ROOT, env=server_env, stdout=log_file, stderr=subprocess.STDOUT,
                start_new_session=True,  # its own process group: teardown ends exactly this server and its workers
            )
        try:
            server = LiveServer(wait_until_serving(process, log), database_url, instance, server_env, process, log)
            yield server
        finally:
            stop_server(process)
    finally:
        drop()


def module_live_server(**options: object) -> Callable:
    """A module-scoped `live` fixture: one server (and database) for the module's tests."""

    @pytest.fixture(scope="module")
    def live(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
        with live_server(tmp_path_factory.mktemp("live"), **options) as server:
            yield server

    return live
