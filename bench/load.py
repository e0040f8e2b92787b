"""`make load`: the demo under gunicorn with 3 sync workers, driven by Locust on loopback; one back end per run.

Run from the repository root: `.venv/bin/python -m bench.load postgresql` (or `sqlite`); `make load` runs both.

A fresh demo database (bench/load_server.py), `portal.serving`'s gunicorn configuration with PORTAL_WORKERS=3, and
Locust headless for LOAD_SECONDS (default 60) with LOAD_USERS signed-in demo people (default 12) doing their usual
work: dashboards, lists, proposal pages, starting and saving a proposal, saving review drafts, downloading a
decision record (bench/locustfile.py). On SQLite the writes of three workers meet at SQLite's single write lock:
this is where a "database is locked" would surface as a 500 (or a busy 503).

Output: one line `LOAD <backend> workers=3 users=… seconds=… requests=… rps=… p50=…ms p95=…ms p99=…ms errors=…
5xx=… PASS|FAIL`, after the per-kind table. Exit status 1 on any error (any answer other than the expected one, 5xx
included), or if the load never ran.
"""

from __future__ import annotations

import csv
import json
import os
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

from bench.load_server import BIN, ROOT, demo_server

WORKERS = 3
LOCUSTFILE = Path(__file__).with_name("locustfile.py")
BACKENDS = ("postgresql", "sqlite")


@dataclass(frozen=True)
class Figures:
    requests: int
    failures: int
    rps: float
    p50: float
    p95: float
    p99: float


def locust(url: str, folder: Path, *, users: int, seconds: int) -> tuple[int, str]:
    """Locust, headless, for `seconds`; its exit code and output (the CSVs land in `folder`)."""
    env = {**os.environ, "LOAD_PROBLEMS_FILE": str(folder / "problems.jsonl")}
    done = subprocess.run(  # noqa: S603 - a fixed argv
        [str(BIN / "locust"), "-f", str(LOCUSTFILE), "--headless", "-u", str(users), "-r", str(max(1, users // 4)),
         "-t", f"{seconds}s", "--stop-timeout", "10", "--host", url, "--csv", str(folder / "load"), "--only-summary"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=seconds + 300, check=False,
    )
    return done.returncode, done.stdout + done.stderr


def read_stats(folder: Path) -> tuple[Figures, list[dict[str, str]]]:
    """The aggregated figures and the per-kind rows of Locust's `load_stats.csv`."""
    with open(folder / "load_stats.csv", newline="") as stats:
        rows = list(csv.DictReader(stats))
    total = next(row for row in rows if row["Name"] == "Aggregated")
    figures = Figures(int(total["Request Count"]), int(total["Failure Count"]), float(total["Requests/s"]),
                      float(total["50%"]), float(total["95%"]), float(total["99%"]))
    return figures, [row for row in rows if row["Name"] != "Aggregated"]


def problems(folder: Path) -> list[dict]:
    path = folder / "problems.jsonl"
    return [json.loads(line) for line in path.read_text().splitlines()] if path.exists() else []


def run(backend: str, *, users: int, seconds: int) -> bool:
    with tempfile.TemporaryDirectory(prefix=f"portal-load-{backend}-") as tmp:
        folder = Path(tmp)
        print(f"=== make load on {backend}: preparing the demo, starting {WORKERS} gunicorn workers ===", flush=True)
        with demo_server(backend, folder, workers=WORKERS) as server:
            print(f"serving on {server.url}; Locust: {users} people for {seconds} s", flush=True)
            exit_code, output = locust(server.url, folder, users=users, seconds=seconds)
            server_errors = [line for line in server.log.read_text().splitlines() if "[ERROR]" in line]
        figures, kinds = read_stats(folder)
        seen = problems(folder)
    print(f"{'request':<40} {'count':>7} {'fail':>5} {'p50 ms':>7} {'p95 ms':>7} {'p99 ms':>7}")
    for row in sorted(kinds, key=lambda r: -int(r["Request Count"])):
        print(f"{row['Name'][:40]:<40} {row['Request Count']:>7} {row['Failure Count']:>5} {row['50%']:>7} "
              f"{row['95%']:>7} {row['99%']:>7}")
    server_5xx = sum(1 for problem in seen if problem["status"] >= 500)
    passed = figures.failures == 0 and not seen and exit_code == 0 and figures.requests >= seconds
    print(f"LOAD {backend} workers={WORKERS} users={users} seconds={seconds} requests={figures.requests} "
          f"rps={figures.rps:.1f} p50={figures.p50:.0f}ms p95={figures.p95:.0f}ms p99={figures.p99:.0f}ms "
          f"errors={figures.failures} 5xx={server_5xx} "
          f"{'PASS' if passed else 'FAIL'}", flush=True)
    for problem in seen[:20]:
        print(f"  {problem['request']} as {problem['who']}: {problem['problem']}")
    for line in server_errors[:20]:
        print(f"  gunicorn: {line}")
    if not passed and not seen:
        print(output[-3000:])
    return passed


def main(argv: list[str]) -> int:
    backends = argv or list(BACKENDS)
    unknown = set(backends) - set(BACKENDS)
    if unknown:
        print(f"unknown back end {', '.join(sorted(unknown))}: choose from {', '.join(BACKENDS)}", file=sys.stderr)
        return 2
    users = int(os.environ.get("LOAD_USERS", "12"))
    seconds = int(os.environ.get("LOAD_SECONDS", "60"))
    results = [run(backend, users=users, seconds=seconds) for backend in backends]
    return 0 if all(results) else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
