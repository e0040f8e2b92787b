"""A render that runs too long or grows too big is stopped with a clear error; the caller carries on.
A disk that fills up while a PDF is written leaves no partial file. (security-test-plan.md checks 10, 27.)"""

from __future__ import annotations

import errno
import multiprocessing
import os
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from portal.records import files
from portal.records.files import DiskFullError
from portal.records.render import render_pdf, write_pdf
from portal.records.sandbox import MB, Limits, RenderFailed, RenderTimeout, RenderUnavailable, run_limited
from portal.records.signing import sign_record
from tests.records.sample_record import sample_record

ROOT = Path(__file__).resolve().parents[2]


def test_a_render_over_its_time_limit_is_stopped_and_the_next_one_works(renderer, envelope, private_key):
    record = sample_record()
    record["conditions"] = [
        {"description": f"Condition {n}: keep the plan current.", "owner": "Dr. Amara Okafor", "due_on": "2027-01-01"}
        for n in range(3000)
    ]
    started = time.monotonic()
    with pytest.raises(RenderTimeout, match="longer than 1.5 seconds and was stopped"):
        render_pdf(sign_record(record, private_key), limits=Limits(seconds=1.5))
    assert time.monotonic() - started < 10
    assert render_pdf(envelope).startswith(b"%PDF-")
    assert multiprocessing.active_children() == []


def test_a_hung_job_is_killed_at_the_limit():
    started = time.monotonic()
    with pytest.raises(RenderTimeout):
        run_limited("tests.records.jobs:sleep", (30,), Limits(seconds=0.5))
    assert time.monotonic() - started < 5
    assert run_limited("tests.records.jobs:sleep", (0,), Limits(seconds=30)).value == "woke"


def test_a_render_over_its_memory_limit_fails_clearly_and_the_next_one_works(renderer, envelope):
    with pytest.raises(RenderFailed, match="memory limit of 64 MB"):
        render_pdf(envelope, limits=Limits(memory_bytes=64 * MB))
    with pytest.raises(RenderFailed, match="memory limit of 512 MB"):
        run_limited("tests.records.jobs:allocate", (2048,), Limits(memory_bytes=512 * MB))
    assert render_pdf(envelope).startswith(b"%PDF-")


def test_a_failing_or_unavailable_renderer_says_so():
    with pytest.raises(RenderUnavailable, match="PDF rendering is unavailable"):
        run_limited("tests.records.jobs:unavailable", (), Limits())
    with pytest.raises(RenderFailed, match="ValueError: a template bug"):
        run_limited("tests.records.jobs:broken", (), Limits())


def _listing(directory: Path) -> list[str]:
    return sorted(p.name for p in directory.iterdir())


def test_disk_full_while_writing_leaves_no_partial_file(tmp_path, monkeypatch):
    target = tmp_path / "records" / "NBU-D-000042.pdf"
    target.parent.mkdir()
    target.write_bytes(b"%PDF- the earlier file")
    real_write = os.write

    def fills_up(descriptor: int, data: bytes) -> int:
        if len(data) > 10:
            real_write(descriptor, bytes(data[:10]))
            raise OSError(errno.ENOSPC, "No space left on device")
        return real_write(descriptor, data)

    monkeypatch.setattr(files.os, "write", fills_up)
    with pytest.raises(DiskFullError, match="Not enough disk space to write NBU-D-000042.pdf; nothing was written"):
        write_pdf(target, b"%PDF-" + b"x" * 5000)
    assert _listing(target.parent) == ["NBU-D-000042.pdf"]
    assert target.read_bytes() == b"%PDF- the earlier file"


def test_the_file_size_limit_while_writing_leaves_no_partial_file(tmp_path):
    """RLIMIT_FSIZE in a child process (SIGXFSZ ignored, so write() fails with EFBIG)."""
    target = tmp_path / "out" / "record.pdf"
    code = textwrap.dedent(
        f"""
        import resource, signal
        from portal.records.files import DiskFullError
        from portal.records.render import write_pdf
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (4096, 4096))
        try:
            write_pdf({str(target)!r}, b"%PDF-" + b"x" * 100_000)
        except DiskFullError as error:
            print("REFUSED", error)
        """
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("REFUSED Not enough disk space to write record.pdf")
    assert _listing(target.parent) == []


def test_a_written_pdf_is_complete_and_private_to_the_portal(tmp_path):
    target = write_pdf(tmp_path / "a" / "record.pdf", b"%PDF-1.7 whole")
    assert target.read_bytes() == b"%PDF-1.7 whole"
    assert oct(target.stat().st_mode & 0o777) == oct(0o640)
    assert _listing(target.parent) == ["record.pdf"]


HOSTILE = {  # document text a proposal could carry into a record; only public-policy words
    "a font size of 1e9px": '<p style="font-size: 1e9px">Policy text</p>',
    "boxes 99999999999px wide, repeated": "".join(
        '<div style="width: 99999999999px; height: 99999999999px">Policy text</div>' for _ in range(200)
    ),
    "an image and an attachment from /dev/urandom": (
        '<img src="file:///dev/urandom"><link rel="attachment" href="file:///dev/urandom">'
    ),
}
HOSTILE_LIMITS = Limits(seconds=10, memory_bytes=512 * MB)


def _render_hostile(html: str) -> tuple[bytes, list[str]] | None:
    """The PDF and the refused URLs, or None when the render was stopped with a RenderError."""
    try:
        return run_limited("portal.records.engine:html_to_pdf", (html, b"{}", "2026-01-01T00:00:00Z"),
                           HOSTILE_LIMITS).value
    except (RenderTimeout, RenderFailed):
        return None


@pytest.mark.parametrize("html", HOSTILE.values(), ids=list(HOSTILE))
def test_a_hostile_document_ends_within_its_limits(renderer, html):
    started = time.monotonic()
    outcome = _render_hostile(html)
    assert time.monotonic() - started < HOSTILE_LIMITS.seconds + 5
    if outcome is not None:
        pdf, refused = outcome
        assert pdf.startswith(b"%PDF-")
        assert ("/dev/urandom" in html) == ("file:///dev/urandom" in refused), "the file was read, not refused"
    assert multiprocessing.active_children() == []


@pytest.mark.slow
def test_a_table_of_two_hundred_thousand_rows_is_killed_at_the_time_limit(renderer):
    html = "<table>" + "".join(f"<tr><td>Row {n}</td><td>Policy text</td></tr>" for n in range(200_000)) + "</table>"
    started = time.monotonic()
    with pytest.raises(RenderTimeout, match="longer than 5 seconds and was stopped. Nothing was written; try again"):
        run_limited("portal.records.engine:html_to_pdf", (html, b"{}", "2026-01-01T00:00:00Z"),
                    Limits(seconds=5, memory_bytes=512 * MB))
    assert time.monotonic() - started < 10
    assert multiprocessing.active_children() == []
