"""The report's measures as SVG bar charts (pygal), drawn from the very tables the page shows this reader.

A chart reads a Table's cells, not the queries, so it shows exactly the page's figures: a suppressed cell ("<5")
is not drawn (no bar, no value), and a share or a duration is not charted at all. pygal's output is then made
safe for the portal's Content-Security-Policy: its <script> and <style> elements, its style attributes and its
tooltip layer (which needs the script) are removed, and the looks are given as presentation attributes instead.
"""

from __future__ import annotations

import re
import sys
from xml.etree import ElementTree as ET  # noqa: N817 - builds our own tree, never parses input

import pygal

from portal.i18n.languages import translated
from portal.i18n.marks import N_
from portal.reports.report import Report, Table

# pygal puts a legacy import hook for its optional map plugins (pygal.maps.*, unused here) on sys.meta_path; it has
# no find_spec, so every later import that reaches it warns (an error under the test settings). Take it off again.
sys.meta_path[:] = [finder for finder in sys.meta_path if type(finder).__module__ != "pygal"]

# The measures that have a chart: every column of theirs that holds counts is a series.
CHART_MEASURES = ("submissions", "outcomes", "concordance", "clocks", "conditions")
COUNT = re.compile(r"\d+")
SUPPRESSED = re.compile(r"<\d+")
PALETTE = ("#1f5f99", "#c2571a", "#2e7d32", "#6a1b9a")
REMOVED_TAGS = {"script", "style"}
NO_DATA = N_("Nothing to draw")
FONT = "DejaVu Sans, Arial, Noto Sans CJK SC, sans-serif"  # Chinese labels: Simplified forms, as record.css


def chart_table(report: Report, measure: str) -> Table | None:
    return next((t for t in report.tables if t.key == measure), None) if measure in CHART_MEASURES else None


def chart_series(table: Table) -> tuple[list[str], list[tuple[str, list[int | None]]]]:
    """(row labels, [(column heading, values)]) for every column of counts; a suppressed count is None."""
    labels = [row[0] for row in table.rows]
    series = []
    for index, heading in enumerate(table.headings[1:], start=1):
        cells = [row[index] for row in table.rows]
        if cells and all(COUNT.fullmatch(c) or SUPPRESSED.fullmatch(c) for c in cells):
            series.append((heading, [int(c) if COUNT.fullmatch(c) else None for c in cells]))
    return labels, series


def chart_svg(table: Table) -> str:
    """The table as a bar chart in the reader's language: SVG with no script, no style element and no style
    attribute."""
    table = table.in_language(translated)
    labels, series = chart_series(table)
    chart = pygal.Bar(js=[], css=[], width=800, height=400, print_values=True, show_legend=len(series) > 1,
                      legend_at_bottom=True, disable_xml_declaration=True, no_data_text=translated(NO_DATA),
                      x_label_rotation=0, truncate_label=40, show_y_guides=True)
    chart.title = table.caption
    chart.x_labels = labels
    for heading, values in series:
        chart.add(heading, values)
    root = chart.render_tree()
    _make_safe(root)
    root.set("width", "800")
    root.set("height", "400")
    root.set("role", "img")
    return ET.tostring(root, encoding="unicode")


def _make_safe(root: ET.Element) -> None:
    for parent in list(root.iter()):
        for child in list(parent):
            if not isinstance(child.tag, str) or child.tag in REMOVED_TAGS or "tooltip-overlay" in _classes(child):
                parent.remove(child)
    root.set("id", "chart")
    for element in root.iter():
        element.attrib.pop("style", None)
        _dress(element)


def _classes(element: ET.Element) -> set[str]:
    return set((element.get("class") or "").split())


def _dress(element: ET.Element) -> None:
    """Presentation attributes for what pygal's stylesheet would have set."""
    classes, tag = _classes(element), element.tag
    if tag == "text":
        element.set("font-family", FONT)
        element.set("font-size", "16" if "title" in classes else "12")
        element.set("fill", "#1a1a1a")
        if classes & {"title", "value"}:
            element.set("text-anchor", "middle")
    elif tag == "path":
        element.set("fill", "none")
        element.set("stroke", "#bbbbbb" if "guide" in classes else "#333333")
    elif tag == "rect" and "background" in classes:
        element.set("fill", "#ffffff")
    if tag == "g" and "axis" in classes:
        for text in element.iter("text"):
            text.set("text-anchor", "middle" if "x" in classes else "end")
    for name in classes:
        if name.startswith("color-"):
            colour = PALETTE[int(name.removeprefix("color-")) % len(PALETTE)]
            for inner in element.iter("rect"):
                inner.set("fill", colour)
