"""The README's "Using the API" examples, run as written against a live server on the demo world (issue 8,
acceptance 4): the shell example with curl, the Python one with the interpreter; only the address changes, from
the demo's port to the test server's."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from werkzeug.serving import make_server

from portal.extensions import db
from tests.conftest import _make_app
from tests.databases import IN_CI, TemplateDatabase

README = Path(__file__).resolve().parents[2] / "README.md"
DEMO_ADDRESS = "http://127.0.0.1:5000"


def readme_examples() -> dict[str, str]:
    """The code blocks of the README's API section, by language."""
    text = README.read_text(encoding="utf-8")
    section = text.split("## Using the API", 1)[1].split("\n## ", 1)[0]
    return dict(re.findall(r"```(sh|python)\n(.*?)```", section, re.S))


@pytest.fixture(scope="module")
def live_demo(template_db: TemplateDatabase, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The demo world served over HTTP on a free port of the loopback interface; yields its address."""
    from portal.demo.seed import seed_demo

    tmp = tmp_path_factory.mktemp("readme")
    url = template_db.copy_url(tmp)
    app = _make_app(url, tmp / "instance")
    with app.app_context():
        seed_demo()
        db.session.commit()
        db.session.remove()
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(timeout=10)
    with app.app_context():
        db.engine.dispose()
    template_db.release(url)


def _run(command: list[str], code: str, address: str) -> str:
    result = subprocess.run([*command, code.replace(DEMO_ADDRESS, address)], capture_output=True, text=True,
                            timeout=60, check=False)
    assert result.returncode == 0, result.stderr
    return result.stdout


def test_the_readme_has_both_examples() -> None:
    examples = readme_examples()
    assert set(examples) == {"sh", "python"}
    assert all(DEMO_ADDRESS in code for code in examples.values()), "an example no longer calls the demo"


def test_the_curl_example_lists_the_proposal_awaiting_decision(live_demo: str) -> None:
    if shutil.which("curl") is None:
        reason = "curl is not installed"
        pytest.fail(reason) if IN_CI else pytest.skip(reason)
    output = _run(["bash", "-euo", "pipefail", "-c"], readme_examples()["sh"], live_demo)
    assert '"state":"awaiting_decision"' in output
    assert "Community clinic surveillance of seasonal respiratory illness" in output


def test_the_python_example_prints_each_final_decision_and_its_fingerprint(live_demo: str) -> None:
    output = _run([sys.executable, "-c"], readme_examples()["python"], live_demo)
    lines = output.strip().splitlines()
    assert len(lines) >= 2, output
    assert all(re.search(r"\| sha256:[0-9a-f]{64}$", line) for line in lines), output
    assert any("Approved with conditions" in line for line in lines), output
