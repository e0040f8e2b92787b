"""The report as CSV: one row per figure (measure, row, column, value), exactly what the page shows this reader
(small cells suppressed the same way), every cell neutralised so a spreadsheet never runs it as a formula."""

from __future__ import annotations

import csv
import io

from portal.reports.report import Report
from portal.reports.rules import neutral_csv_cell

CSV_HEADINGS = ("Measure", "Row", "Column", "Value")
DISCORDANT = "Cases where the screen and the committee disagree"


def report_csv(report: Report) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(CSV_HEADINGS)
    for table in report.tables:
        for row in table.rows:
            for heading, cell in zip(table.headings[1:], row[1:], strict=True):
                writer.writerow([neutral_csv_cell(v) for v in (table.caption, row[0], heading, cell)])
    for proposal_id, title, set_title, provisional, determination in report.discordant or ():
        label = f"{title} (proposal {proposal_id})"
        for heading, value in (("Criteria set", set_title), ("Screen", provisional), ("Determination", determination)):
            writer.writerow([neutral_csv_cell(v) for v in (DISCORDANT, label, heading, value)])
    return out.getvalue()
