"""The server `make load` drives: the demo prepared as `make demo` prepares it (`flask db upgrade`, `flask demo seed`)
plus the institution's record-signing keys, served as `make serve` serves it (`gunicorn -c python:portal.serving`)
with production's configuration (no DEMO, no TESTING, a random SECRET_KEY) on a free loopback port.

Not tests/security/live.py's harness, though it does the same preparation: that one starts gunicorn with the slow
drills' own command-line settings, and the load must measure the configuration operators run. The throwaway
PostgreSQL databases come from the suite's helpers (tests/databases.py), dropped afterwards.
"""

from __future__ import annotations

import os
import re
import secrets
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from tests.databases import create_pg_database, drop_pg_database

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
LISTENING = re.compile(r"Listening at: (http://127\.0\.0\.1:\d+)")
START_SECONDS = 180  # workers boot slowly when the two cores are busy


@dataclass(frozen=True)
class LoadServer:
    url: str
    database_url: str
    log: Path


@contextmanager
def demo_server(backend: str, workdir: Path, *, workers: int) -> Iterator[LoadServer]:
    """A fresh demo database on `backend` ("postgresql" or "sqlite"), served by `workers` sync workers."""
    database_url, drop = fresh_database(backend, workdir)
    env = {key: value for key, value in os.environ.items() if not key.startswith("PORTAL_")}
    env.update({
        "PORTAL_DATABASE_URL": database_url,
        "PORTAL_INSTANCE_PATH": str(workdir / "instance"),
        "PORTAL_SECRET_KEY": secrets.token_hex(32),
        "PORTAL_WORKERS": str(workers),
        "PORTAL_BIND": "127.0.0.1:0",
        "PYTHONUNBUFFERED": "1",
    })
    try:
        for command in (["db", "upgrade"], ["demo", "seed"], ["records", "keygen"]):
            done = subprocess.run([str(BIN / "flask"), "--app", "app", *command], cwd=ROOT, env=env,  # noqa: S603
                                  capture_output=True, text=True, timeout=300, check=False)
            if done.returncode != 0:
                raise RuntimeError(f"flask {' '.join(command)} failed:\n{done.stdout}\n{done.stderr}")
        log = workdir / "gunicorn.log"
        with log.open("w") as log_file:
            process = subprocess.Popen(  # noqa: S603 - a fixed argv
                [str(BIN / "gunicorn"), "-c", "python:portal.serving", "app:app"], cwd=ROOT, env=env,
                stdout=log_file, stderr=subprocess.STDOUT,
                start_new_session=True,  # its own process group: stopping it ends exactly this server and its workers
            )
        try:
            yield LoadServer(wait_until_serving(process, log), database_url, log)
        finally:
            stop_server(process)
    finally:
        drop()


def fresh_database(backend: str, workdir: Path) -> tuple[str, object]:
    if backend == "postgresql":
        name = f"portal_load_{uuid.uuid4().hex[:10]}"
        return create_pg_database(name), lambda: drop_pg_database(name)
    return f"sqlite:///{workdir / 'portal.db'}", lambda: None


def wait_until_serving(process: subprocess.Popen, log: Path) -> str:
    """gunicorn prints the port it bound; then the sign-in page must answer."""
    deadline = time.monotonic() + START_SECONDS
    url = None
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"gunicorn exited with {process.returncode}:\n{log.read_text()}")
        url = url or next(iter(LISTENING.findall(log.read_text())), None)
        if url:
            try:
                with urllib.request.urlopen(f"{url}/sign-in", timeout=15) as answer:  # noqa: S310 - loopback http
                    if answer.status == 200:
                        return url
            except (urllib.error.URLError, TimeoutError, ConnectionError):  # workers still booting
                pass
        time.sleep(0.2)
    stop_server(process)
    raise RuntimeError(f"gunicorn did not answer within {START_SECONDS} s:\n{log.read_text()}")


def stop_server(process: subprocess.Popen) -> None:
    if process.poll() is not None:
        return
    os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=40)  # the graceful timeout (30 s) lets in-process jobs finish
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=15)
