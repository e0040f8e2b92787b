"""PDF guardrails (performance-anchors.md B5): a hello-world render, and the record stylesheet parsed once.

Run from the repository root: `make bench` (or `.venv/bin/python -m bench.pdf_guardrails`).

(a) A hello-world HTML document to PDF in this warm process, with the process's FontConfiguration as every portal
render has it (portal.records.engine._shared), median of 5 after a warm-up: it must take under
25 ms, which it only does when WeasyPrint subsets fonts with HarfBuzz (libharfbuzz-subset); the fontTools
fallback takes ~47 ms (§1). An absolute check, no anchor.
(b) The decision-record stylesheet (portal/records/assets/record.css) passed as a CSS string on every render,
against the render child's way (portal.records.engine._shared): the CSS object and FontConfiguration built once
per process. The anchors' target, cached at most 0.2x of uncached, is for stylesheets over 50 KB; the record's
is smaller, so there the gate is only that the cached render is not slower than the uncached one (ratio <= 1.0),
and the line says which gate applied.

Output: `BENCH B5a_pdf_hello_world ratio=... target<=1.0 ms=... PASS|FAIL` (ratio: milliseconds over the 25 ms
budget), `BENCH B5b_pdf_cached_css ratio=... target<=... PASS|FAIL`, bench/results.json {"pdf_guardrails": ...}.
"""

from __future__ import annotations

import ctypes.util
import os
import sys
from pathlib import Path
from typing import Any

from bench.pages import bench_line
from bench.results import write_results
from bench.screening import median_seconds

HELLO_BUDGET_MS = 25.0
LARGE_CSS_BYTES = 50 * 1024
LARGE_CSS_TARGET = 0.2
SMALL_CSS_TARGET = 1.0
STYLESHEET = Path(__file__).resolve().parent.parent / "portal" / "records" / "assets" / "record.css"
BODY = ("<h1>Decision record</h1><h2>Summary</h2>" + "<p>A fictional paragraph of the record, long enough to wrap "
        "over a few lines of the page so that the layout does some work.</p>" * 12)


def run() -> dict[str, Any]:
    import weasyprint
    from weasyprint.text.fonts import FontConfiguration

    from portal.records import engine

    fetcher, fonts, stylesheet = engine._shared()

    def hello() -> bytes:
        # With the process's FontConfiguration, as every portal render: a fresh one costs ~10 ms of fontconfig
        # set-up per document, which would hide what this check is for (font subsetting).
        return weasyprint.HTML(string="<p>Hello, world</p>").write_pdf(font_config=fonts)

    (hello_seconds,) = median_seconds(hello)
    css_text = STYLESHEET.read_text()

    def uncached() -> bytes:
        fresh_fonts = FontConfiguration()
        css = weasyprint.CSS(string=css_text, url_fetcher=fetcher, font_config=fresh_fonts)
        return weasyprint.HTML(string=BODY, url_fetcher=fetcher).write_pdf(stylesheets=[css], font_config=fresh_fonts)

    def cached() -> bytes:
        return weasyprint.HTML(string=BODY, url_fetcher=fetcher).write_pdf(stylesheets=[stylesheet], font_config=fonts)

    uncached_seconds, cached_seconds = median_seconds(uncached, cached)
    large = len(css_text.encode()) > LARGE_CSS_BYTES
    css_target = LARGE_CSS_TARGET if large else SMALL_CSS_TARGET
    css_ratio = cached_seconds / uncached_seconds
    hello_ms = hello_seconds * 1000
    return {
        "hello_ms": round(hello_ms, 1), "hello_budget_ms": HELLO_BUDGET_MS,
        "hello_ratio": round(hello_ms / HELLO_BUDGET_MS, 2), "hello_passed": hello_ms < HELLO_BUDGET_MS,
        "css_bytes": len(css_text.encode()), "css_target": css_target,
        "uncached_ms": round(uncached_seconds * 1000, 1), "cached_ms": round(cached_seconds * 1000, 1),
        "css_ratio": round(css_ratio, 2), "css_passed": css_ratio <= css_target,
        "load_average": round(os.getloadavg()[0], 2),
        "weasyprint": weasyprint.__version__,
        "harfbuzz_subset": ctypes.util.find_library("harfbuzz-subset") is not None,
    }


def main() -> int:
    figures = run()
    print(bench_line("B5a_pdf_hello_world", figures["hello_ratio"], 1.0, figures["hello_passed"],
                     f"ms={figures['hello_ms']} budget_ms={HELLO_BUDGET_MS}"))
    print(bench_line("B5b_pdf_cached_css", figures["css_ratio"], figures["css_target"], figures["css_passed"],
                     f"css_kb={figures['css_bytes'] / 1024:.1f}"))
    print(f"  hello-world {figures['hello_ms']} ms (libharfbuzz-subset "
          f"{'present' if figures['harfbuzz_subset'] else 'MISSING'}; load average {figures['load_average']}); "
          f"record stylesheet "
          f"{figures['css_bytes'] / 1024:.1f} KB as a string each time {figures['uncached_ms']} ms, built once "
          f"{figures['cached_ms']} ms (the 0.2x gate is for stylesheets over 50 KB)")
    write_results("pdf_guardrails", figures)
    return 0 if figures["hello_passed"] and figures["css_passed"] else 1


if __name__ == "__main__":
    sys.exit(main())
