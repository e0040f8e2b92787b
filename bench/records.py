"""Decision-record PDFs: one record against plain WeasyPrint, and bulk export on two processes against one.

Run from the repository root: `make bench` (or `.venv/bin/python -m bench.records`).

B4 (performance-anchors.md §6): a 3-page decision record rendered the way every render child renders it
(record template, print stylesheet, PDF/A-3b, record.json attached), warm, in this process; against
WeasyPrint rendering plain <p> paragraphs to the same page count with no author CSS and no options.
Median of 5 after a warm-up, the two taking turns (bench.screening.median_seconds). Target: at most 2x.

B6: 200 records exported to a ZIP through portal.records.bulk with 1 worker, then with 2 (each render in
its own limited child process). Target: 2 workers at least 1.7x as fast, and no render process above
150 MB peak RSS.

Output: `BENCH B4_record_pdf ratio=... target<=2.0 PASS|FAIL`, `BENCH B6_bulk_export ratio=... target<=0.59
speedup=... peak_rss_mb=... PASS|FAIL` and bench/results.json {"records": {...}}. Exit status 1 on FAIL.
"""

from __future__ import annotations

import ctypes.util
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from bench.results import write_results

PAGES = 3
RECORD_TARGET = 2.0
BULK_RECORDS = 200
SPEEDUP_TARGET = 1.7
RSS_LIMIT_MB = 150


# -- B4 ---------------------------------------------------------------------------------------------
def three_page_envelope() -> dict[str, Any]:
    """The sample record, trimmed until it fills exactly PAGES pages."""
    from portal.records import engine
    from portal.records.document import record_html
    from portal.records.signing import new_private_key, sign_record
    from tests.records.sample_record import sample_record

    fetcher, fonts, stylesheet = engine._shared()
    trims: list[Callable[[dict[str, Any]], None]] = [
        lambda r: None,
        lambda r: r.update(judgments=r["judgments"][:1]),
        lambda r: r.update(judgments=[]),
        lambda r: r["proposal"].update(collaborators=[]),
    ]
    record = sample_record()
    key = new_private_key()
    for trim in trims:
        trim(record)
        envelope = sign_record(record, key)
        html = record_html(envelope)
        pages = len(engine.weasyprint.HTML(string=html, url_fetcher=fetcher).render(
            stylesheets=[stylesheet], font_config=fonts).pages)
        if pages == PAGES:
            return envelope
    raise SystemExit(f"could not make a {PAGES}-page record (last try: {pages} pages)")


def plain_html(pages: int) -> str:
    """Plain paragraphs, no author CSS, filling exactly `pages` pages."""
    import weasyprint

    def html(count: int) -> str:
        paragraph = "A plain paragraph of text for the anchor of the decision-record benchmark. " * 6
        return "<html><body>" + "".join(f"<p>{paragraph}</p>" for _ in range(count)) + "</body></html>"

    low, high = 1, 400
    while low < high:  # the fewest paragraphs that fill `pages` pages
        middle = (low + high) // 2
        if len(weasyprint.HTML(string=html(middle)).render().pages) >= pages:
            high = middle
        else:
            low = middle + 1
    assert len(weasyprint.HTML(string=html(low)).render().pages) == pages
    return html(low)


def bench_record_pdf() -> dict[str, Any]:
    import weasyprint

    from bench.screening import median_seconds  # here, not at the top: render children re-run this module
    from portal.records import engine
    from portal.records.document import record_html
    from portal.records.render import envelope_json
    from portal.records.sandbox import Limits

    envelope = three_page_envelope()
    html, attachment = record_html(envelope), envelope_json(envelope)
    anchor_html = plain_html(PAGES)

    def subject() -> bytes:
        return engine.html_to_pdf(html, attachment, envelope["record"]["generated_at"])[0]

    def anchor() -> bytes:
        return weasyprint.HTML(string=anchor_html).write_pdf()

    subject_seconds, anchor_seconds = median_seconds(subject, anchor)
    from portal.records.render import render_measured

    (sandboxed_seconds,) = median_seconds(lambda: render_measured(envelope, limits=Limits()))
    ratio = subject_seconds / anchor_seconds
    return {
        "pages": PAGES,
        "record_ms": round(subject_seconds * 1000, 1),
        "anchor_ms": round(anchor_seconds * 1000, 1),
        "sandboxed_render_ms": round(sandboxed_seconds * 1000, 1),
        "ratio": round(ratio, 2),
        "target": RECORD_TARGET,
        "passed": ratio <= RECORD_TARGET,
        "weasyprint": weasyprint.__version__,
        "harfbuzz_subset": ctypes.util.find_library("harfbuzz-subset") is not None,
    }


# -- B6 ---------------------------------------------------------------------------------------------
def bench_bulk_export() -> dict[str, Any]:
    from portal.records.bulk import ExportProgress, export_zip
    from portal.records.signing import new_private_key
    from tests.records.sample_record import sample_record

    items = [(record["record_id"], record) for record in (sample_record(n) for n in range(1, BULK_RECORDS + 1))]
    key = new_private_key()
    results = {}
    with tempfile.TemporaryDirectory() as folder:
        export_zip(items[:4], Path(folder) / "warm.zip", private_key=key, workers=2)  # warm the forkserver
        for workers in (1, 2):
            peaks: list[int] = []

            def note(progress: ExportProgress, peaks: list[int] = peaks) -> None:
                peaks.append(progress.peak_rss_kb)

            start = time.perf_counter()
            export_zip(items, Path(folder) / f"export-{workers}.zip", private_key=key, workers=workers, progress=note)
            seconds = time.perf_counter() - start
            results[workers] = {
                "seconds": round(seconds, 2),
                "docs_per_second": round(BULK_RECORDS / seconds, 1),
                "peak_rss_mb": round(max(peaks) / 1024, 1),
                "mean_rss_mb_first_100": round(statistics.mean(peaks[:100]) / 1024, 1),
                "mean_rss_mb_last_100": round(statistics.mean(peaks[-100:]) / 1024, 1),
            }
    speedup = results[1]["seconds"] / results[2]["seconds"]
    peak = max(results[1]["peak_rss_mb"], results[2]["peak_rss_mb"])
    return {
        "records": BULK_RECORDS,
        "one_worker": results[1],
        "two_workers": results[2],
        "speedup": round(speedup, 2),
        "target": SPEEDUP_TARGET,
        "peak_rss_mb_per_worker": peak,
        "rss_limit_mb": RSS_LIMIT_MB,
        "passed": speedup >= SPEEDUP_TARGET and peak <= RSS_LIMIT_MB,
    }




def main() -> int:
    from portal.records.render import rendering_unavailable_reason

    reason = rendering_unavailable_reason()
    if reason:
        print(f"BENCH B4_record_pdf FAIL: {reason}")
        return 1
    record = bench_record_pdf()
    verdict = "PASS" if record["passed"] else "FAIL"
    print(f"BENCH B4_record_pdf ratio={record['ratio']:.2f} target<={RECORD_TARGET} {verdict}")
    print(
        f"  {PAGES}-page record {record['record_ms']} ms, plain paragraphs {record['anchor_ms']} ms, "
        f"through the limited child {record['sandboxed_render_ms']} ms; WeasyPrint {record['weasyprint']}, "
        f"libharfbuzz-subset {'present' if record['harfbuzz_subset'] else 'MISSING (fontTools fallback, slow)'}"
    )
    bulk = bench_bulk_export()
    verdict = "PASS" if bulk["passed"] else "FAIL"
    # The common form of `make bench`: 2-worker time over 1-worker time, at most 1/1.7 (a speed-up of at least 1.7).
    print(f"BENCH B6_bulk_export ratio={1 / bulk['speedup']:.2f} target<={1 / SPEEDUP_TARGET:.2f} "
          f"speedup={bulk['speedup']:.2f} peak_rss_mb={bulk['peak_rss_mb_per_worker']} {verdict}")
    print(
        f"  {BULK_RECORDS} records: 1 worker {bulk['one_worker']['seconds']} s "
        f"({bulk['one_worker']['docs_per_second']} docs/s), 2 workers {bulk['two_workers']['seconds']} s "
        f"({bulk['two_workers']['docs_per_second']} docs/s); peak RSS per worker {bulk['peak_rss_mb_per_worker']} MB "
        f"(limit {RSS_LIMIT_MB} MB; mean first/last 100: {bulk['two_workers']['mean_rss_mb_first_100']}/"
        f"{bulk['two_workers']['mean_rss_mb_last_100']} MB)"
    )
    write_results("records", {"record_pdf": record, "bulk_export": bulk, "python": sys.version.split()[0]})
    return 0 if record["passed"] and bulk["passed"] else 1


if __name__ == "__main__":
    sys.exit(main())
