"""The governance report over 10,000 proposals against hand-written GROUP BY SQL (performance-anchors.md B9).

Run from the repository root: `make bench` (or `.venv/bin/python -m bench.report`).

A fresh SQLite database (migrated, in a temporary folder) gets two institutions and 10,000 proposals spread over
them (tests/reports/portfolio.py, from a fixed seed): about 11,000 screened versions, 7,000 current decisions (some
corrected), their clocks and conditions. The subject is the report a cross-institution governance user sees:
portal.reports.report.build_report, every measure through portal.reports.queries, the small cells suppressed and
every figure turned into text. The anchor is the same measures written by hand as SQL `GROUP BY` statements
(sqlalchemy.text, SQLite's json_each and julianday), one per measure, fetched as tuples and not formatted. Both
must give the same numbers; the subject may take at most 3x as long, and must run no more statements than the
anchor (the statement count does not grow with the rows). Median of 5 after a warm-up, taking turns.

Output: `BENCH B9_governance_report ratio=... target<=3.0 statements=N anchor_statements=M PASS|FAIL` and
bench/results.json
{"report": {...}}. Exit status 1 on FAIL or on any mismatch.
"""

from __future__ import annotations

import random
import sys
import tempfile
from datetime import timedelta
from typing import Any

from bench.results import write_results
from bench.screening import median_seconds

PROPOSALS = 10_000
TARGET = 3.0
SEED = 20260701
SCREENS = [("refer_ire_cat1", "high"), ("refer_ire_cat2", "high"), ("out_of_scope_pi_attested", "none"),
           ("coordinator_check", "low")]
RULINGS = [("approved", "not_in_scope"), ("approved_with_conditions", "category_1"), ("not_approved", "category_2"),
           ("approved", "category_1"), ("revisions_required", "not_in_scope")]

# Made once in the bench database: the current final decisions, for the anchor's statements to group.
CURRENT_VIEW = """CREATE VIEW cur AS SELECT d.id, d.outcome, d.version_id, d.determinations, p.institution_id
  FROM decisions d JOIN proposals p ON p.id = d.proposal_id WHERE d.state = 'final'
    AND NOT EXISTS (SELECT 1 FROM decisions l WHERE l.supersedes_id = d.id AND l.state = 'final')"""
PASSWORD = "bench passphrase 2026 long"  # noqa: S105 - a throwaway database
ANCHOR = {
    "submissions": """SELECT i.short_name, SUM(CASE WHEN v.number = 1 THEN 1 ELSE 0 END), COUNT(v.id)
      FROM proposal_versions v JOIN proposals p ON p.id = v.proposal_id JOIN institutions i ON i.id = p.institution_id
      WHERE p.institution_id IN (:a, :b) GROUP BY i.id, i.short_name ORDER BY i.short_name""",
    "screenings": """SELECT s.set_id, s.outcome_id, MAX(s.severity), COUNT(s.id)
      FROM screenings s JOIN proposals p ON p.id = s.proposal_id WHERE p.institution_id IN (:a, :b)
      GROUP BY s.set_id, s.outcome_id ORDER BY s.set_id, COUNT(s.id) DESC, s.outcome_id""",
    "outcomes": """SELECT outcome, COUNT(*) FROM cur WHERE institution_id IN (:a, :b)
      GROUP BY outcome ORDER BY COUNT(*) DESC, outcome""",
    "determinations": """SELECT json_extract(j.value, '$.set_id') AS s,
      json_extract(j.value, '$.determination_id') AS d, MAX(json_extract(j.value, '$.title')),
      MAX(json_extract(j.value, '$.dual_use')), COUNT(*) FROM cur, json_each(cur.determinations) j
      WHERE cur.institution_id IN (:a, :b) GROUP BY s, d ORDER BY s, d""",
    "time": """WITH t AS (SELECT (julianday(d.finalized_at) - julianday(p.submitted_at)) * 86400.0 AS secs
      FROM decisions d JOIN proposals p ON p.id = d.proposal_id WHERE p.institution_id IN (:a, :b)
        AND d.state = 'final' AND d.kind IN ('committee', 'administrative')),
      r AS (SELECT secs, ROW_NUMBER() OVER (ORDER BY secs) AS rn, COUNT(*) OVER () AS n FROM t)
      SELECT COALESCE(MAX(n), 0), AVG(CASE WHEN rn IN ((n + 1) / 2, (n + 2) / 2) THEN secs END),
        MAX(CASE WHEN rn = (90 * n + 99) / 100 THEN secs END) FROM r""",
    "concordance": """SELECT json_extract(j.value, '$.set_id') AS s,
      MAX(json_extract(j.value, '$.set_title')), COUNT(*),
      SUM(CASE WHEN (CASE WHEN sc.severity IN ('high', 'prohibited') THEN 1 ELSE 0 END)
        = json_extract(j.value, '$.dual_use') THEN 1 ELSE 0 END)
      FROM cur JOIN json_each(cur.determinations) j
      JOIN screenings sc ON sc.version_id = cur.version_id AND sc.set_id = json_extract(j.value, '$.set_id')
      WHERE cur.institution_id IN (:a, :b) GROUP BY s ORDER BY s""",
    "clocks": """SELECT c.kind, MIN(c.title), COUNT(c.id),
      SUM(CASE WHEN c.due_on >= :today AND c.due_on <= :soon THEN 1 ELSE 0 END),
      SUM(CASE WHEN c.due_on < :today THEN 1 ELSE 0 END) FROM clocks c
      WHERE c.completed_at IS NULL AND c.superseded_at IS NULL
        AND c.decision_id IN (SELECT id FROM cur WHERE institution_id IN (:a, :b))
      GROUP BY c.kind ORDER BY c.kind""",
    "conditions": """SELECT c.owner,
      SUM(CASE WHEN c.status = 'open' AND c.due_on >= :today THEN 1 ELSE 0 END),
      SUM(CASE WHEN c.status = 'open' AND c.due_on < :today THEN 1 ELSE 0 END),
      SUM(CASE WHEN c.status = 'evidence_submitted' THEN 1 ELSE 0 END) FROM decision_conditions c
      WHERE c.status != 'verified' AND c.decision_id IN (SELECT id FROM cur WHERE institution_id IN (:a, :b))
      GROUP BY c.owner ORDER BY c.owner""",
}


def generate_cases(a: int, b: int) -> list:
    from tests.reports.portfolio import Case, Ruling

    rng = random.Random(SEED)
    cases = []
    for n in range(PROPOSALS):
        screens = tuple(rng.choice(SCREENS) for _ in range(2 if rng.random() < 0.1 else 1))
        ruling = correction = None
        if rng.random() < 0.7:
            outcome, determination = rng.choice(RULINGS)
            ruling = Ruling(outcome, determination, rng.randint(5, 120))
            if rng.random() < 0.05:
                outcome, determination = rng.choice(RULINGS)
                correction = Ruling(outcome, determination, ruling.after_days + 10, kind="correction")
        clocks = tuple((kind, rng.randint(-60, 365), rng.choice(("open", "open", "done")))
                       for kind in ("notify_funding_agency", "submit_draft_rmp")) if ruling else ()
        conditions = ((rng.choice(("investigator", "coordinator")), rng.randint(-30, 90),
                       rng.choice(("open", "evidence_submitted", "verified"))),) if ruling else ()
        cases.append(Case(a if n % 3 else b, f"Fictional proposal {n}", rng.randint(130, 900), screens, ruling,
                          correction, clocks, conditions))
    return cases


def _subject_numbers(user: Any, scope: Any, today: Any) -> dict[str, list]:
    from portal.reports import queries
    from portal.reports.rules import ReportFilters

    everything = ReportFilters()
    time_ = queries.time_to_decision(scope, everything)
    return {
        "submissions": queries.submissions(scope, everything),
        "screenings": queries.screening_outcomes(scope, everything),
        "outcomes": queries.decisions_by_outcome(scope, everything),
        "determinations": queries.decisions_by_determination(scope, everything),
        "time": [(time_.count, time_.median_seconds, time_.p90_seconds)],
        "concordance": queries.concordance(scope, everything),
        "clocks": queries.clocks_due(scope, everything, today),
        "conditions": queries.open_conditions(scope, everything, today),
    }


def _same(mine: list, theirs: list) -> bool:
    def norm(rows: list) -> list:
        return [tuple(round(v, 3) if isinstance(v, float) else (int(v) if isinstance(v, bool) else v) for v in row)
                for row in rows]

    return norm(mine) == norm(theirs)


def run(folder: str) -> dict[str, Any]:
    from flask_migrate import upgrade
    from sqlalchemy import event, text

    from portal import create_app
    from portal.auth import operations as accounts
    from portal.auth.roles import Role
    from portal.clock import utcnow
    from portal.extensions import db
    from portal.institutions.operations import create_institution
    from portal.reports.operations import set_governance_scope
    from portal.reports.permissions import report_scope
    from portal.reports.report import build_report
    from portal.reports.rules import DUE_SOON_DAYS, ReportFilters
    from tests.reports.portfolio import build_portfolio

    app = create_app({"TESTING": True, "DATABASE_URL": f"sqlite:///{folder}/bench.db", "INSTANCE_PATH": folder})
    with app.app_context():
        upgrade()
        a = create_institution("Bench University (fictional)", "BU", "Fictional Republic", actor=None)
        b = create_institution("Bench Institute (fictional)", "BI", "Fictional Republic", actor=None)
        reader = accounts.create_user(email="reader@example.org", name="Bench Reader", institution=a, department=None,
                                      roles=[Role.GOVERNANCE], password=PASSWORD, actor=None)
        pi = accounts.create_user(email="pi@example.org", name="Bench PI", institution=a, department=None,
                                  roles=[Role.INVESTIGATOR], password=PASSWORD, actor=None)
        set_governance_scope(reader, [a, b], actor=None)
        build_portfolio(generate_cases(a.id, b.id), pi_id=pi.id, coordinator_id=pi.id)
        db.session.execute(text(CURRENT_VIEW))
        db.session.commit()
        scope, today = report_scope(reader), utcnow().date()
        params = {"a": a.id, "b": b.id, "today": today.isoformat(),
                  "soon": (today + timedelta(days=DUE_SOON_DAYS)).isoformat()}
        statements: list[str] = []
        event.listen(db.engine, "before_cursor_execute", lambda *args: statements.append(args[2]))

        def subject() -> object:
            return build_report(reader, scope, ReportFilters(), today, 5)

        def anchor() -> dict[str, list]:
            return {name: db.session.execute(text(sql), params).all() for name, sql in ANCHOR.items()}

        statements.clear()
        subject()
        subject_statements = len(statements)
        statements.clear()
        anchor_numbers = anchor()
        anchor_statements = len(statements)
        mine = _subject_numbers(reader, scope, today)
        mismatches = [name for name in ANCHOR if not _same(mine[name], anchor_numbers[name])]
        for name in mismatches:
            print(f"MISMATCH {name}: report {mine[name][:3]} … anchor {anchor_numbers[name][:3]} …", file=sys.stderr)
        subject_seconds, anchor_seconds = median_seconds(subject, anchor)
        decisions = sum(n for _outcome, n in mine["outcomes"])
        db.session.remove()
        db.engine.dispose()
    ratio = subject_seconds / anchor_seconds
    return {"proposals": PROPOSALS, "current_decisions": decisions, "subject_ms": round(subject_seconds * 1000, 1),
            "anchor_ms": round(anchor_seconds * 1000, 1), "ratio": round(ratio, 2), "target": TARGET,
            "statements": subject_statements, "anchor_statements": anchor_statements, "mismatches": mismatches,
            "passed": ratio <= TARGET and subject_statements <= anchor_statements and not mismatches}




def main() -> int:
    with tempfile.TemporaryDirectory() as folder:
        figures = run(folder)
    verdict = "PASS" if figures["passed"] else "FAIL"
    print(f"BENCH B9_governance_report ratio={figures['ratio']:.2f} target<={TARGET} "
          f"statements={figures['statements']} "
          f"anchor_statements={figures['anchor_statements']} {verdict}")
    print(f"  {figures['proposals']:,} proposals, {figures['current_decisions']:,} current decisions: report "
          f"{figures['subject_ms']} ms, hand-written GROUP BY {figures['anchor_ms']} ms")
    write_results("report", figures)
    return 0 if figures["passed"] else 1


if __name__ == "__main__":
    sys.exit(main())
