"""The portal starts, and pages work, without loading WeasyPrint: only render processes load it."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_the_app_serves_pages_without_importing_weasyprint(tmp_path):
    code = textwrap.dedent(
        f"""
        import sys
        from portal import create_app
        app = create_app({{"TESTING": True, "INSTANCE_PATH": {str(tmp_path)!r}}})
        assert app.test_client().get("/sign-in").status_code == 200
        import portal.records.service, portal.records.views, portal.records.bulk  # noqa: F401
        print("weasyprint" in sys.modules)
        """
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "False"
