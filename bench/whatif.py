"""What-if re-screening end to end: 10,000 past versions loaded, screened under an edited set and summarised.

Run from the repository root: `make bench` (or `.venv/bin/python -m bench.whatif`).

A temporary SQLite database gets one fictional institution and 10,000 submitted versions, their answers generated
as in bench/screening.py (fixed seed), 90% of them screened under the shipped usg-durc-pepp-2024 and stored. The
edited copy of the set (one gate changed, as in tests/reports/whatif_world.py) is loaded through the portal's
loader. Subject: portal.reports.whatif_job.rescreen, as the job runs it (batched Core selects of the needed
columns, the engine, the tally and its summary). Anchor, same run: one Core select of the same columns, then a
hand loop of json.loads + the engine + a dict of (stored, new) counts. Both must give the same counts. Median of 5
after a warm-up, taking turns (bench.screening.median_seconds). Target: the subject at most 2x the anchor.

Output: `BENCH B8_whatif_rescreen ratio=... target<=2.0 PASS|FAIL`, a throughput line and bench/results.json
{"whatif": {...}}.
Exit status 1 on FAIL or on any difference in the counts.
"""

from __future__ import annotations

import json
import secrets
import sys
import tempfile
from collections import Counter
from datetime import datetime
from typing import Any

from sqlalchemy import and_, insert, select

from bench.results import write_results
from bench.screening import CRITERIA_DIR, PROPOSALS, REPETITIONS, SEED, all_questions, generate_answers, median_seconds

TARGET = 2.0
SET_ID = "usg-durc-pepp-2024"
SCREENED_SHARE = 10  # one version in SCREENED_SHARE was never screened under the set id
SHIPPED_GATE = "    severity: low\n    when: {criterion: x_voluntary}\n"
EDITED_GATE = "    severity: low\n    when: {all: [{criterion: x_voluntary}, {criterion: x_federal}]}\n"


def edited_set() -> Any:
    from portal.reports.whatif_source import load_set_text

    text = (CRITERIA_DIR / f"{SET_ID}.yaml").read_text(encoding="utf-8")
    criteria_set, problems = load_set_text(CRITERIA_DIR, "edited.yaml", text.replace(SHIPPED_GATE, EDITED_GATE))
    if criteria_set is None:
        raise SystemExit(f"the edited copy does not load: {problems}")
    return criteria_set


def fill(shipped: Any, answers: list[dict[str, Any]]) -> int:
    """The fictional institution, its PI and 10,000 submitted versions with their stored screenings (Core bulk
    inserts: the subject is re-screening, not seeding). Returns the institution's id."""
    from portal.auth.models import User
    from portal.criteria.engine import screen
    from portal.extensions import db
    from portal.institutions.models import Institution
    from portal.proposals.models import Proposal, ProposalVersion
    from portal.screenings.models import Screening
    from portal.signatures.models import Signature

    now = datetime(2026, 1, 15)
    institution_id = db.session.execute(insert(Institution).returning(Institution.id), [
        {"name": "Benchmark University (fictional)", "short_name": "BU", "country": "Fictional Republic"}]).scalar()
    pi_id = db.session.execute(insert(User).returning(User.id), [
        {"email": "pi@bench.example", "name": "Dr Bench (fictional)", "institution_id": institution_id,
         "password_hash": "not-a-login"}]).scalar()
    signature_id = db.session.execute(insert(Signature).returning(Signature.id), [
        {"signer_id": pi_id, "printed_name": "Dr Bench", "meaning": "Submitted", "content_sha256": "0" * 64}]).scalar()
    ids = range(1, len(answers) + 1)
    db.session.execute(insert(Proposal), [
        {"id": i, "institution_id": institution_id, "pi_id": pi_id, "created_by_id": pi_id, "state": "screened",
         "title": f"Fictional desk study {i}", "version_count": 1, "submitted_at": now} for i in ids])
    db.session.execute(insert(ProposalVersion), [
        {"id": i, "proposal_id": i, "number": 1, "step": "submit", "content_sha256": "0" * 64,
         "signature_id": signature_id, "created_by_id": pi_id, "created_at": now,
         "snapshot": json.dumps({"title": f"Fictional desk study {i}", "screening_answers": a}, sort_keys=True)}
        for i, a in zip(ids, answers, strict=True)])
    db.session.execute(insert(Screening), [
        {"proposal_id": i, "version_id": i, "set_id": SET_ID, "set_version": shipped.version,
         "set_digest": shipped.digest, "engine_version": "1", "outcome_id": screen(shipped, a).outcome_id,
         "severity": "low", "via_unsure": False, "score": 0, "result": "{}"}
        for i, a in zip(ids, answers, strict=True) if i % SCREENED_SHARE])
    db.session.commit()
    return institution_id


def anchor(criteria_set: Any, institution_id: int) -> Counter:
    """One Core select of the needed columns, then the engine in a plain loop: (stored, new) -> count."""
    from portal.criteria.engine import screen
    from portal.extensions import db
    from portal.proposals.models import Proposal, ProposalVersion
    from portal.screenings.models import Screening

    rows = db.session.execute(
        select(ProposalVersion.id, ProposalVersion.snapshot, Screening.outcome_id)
        .join(Proposal, Proposal.id == ProposalVersion.proposal_id)
        .outerjoin(Screening, and_(Screening.version_id == ProposalVersion.id, Screening.set_id == criteria_set.id))
        .where(Proposal.institution_id == institution_id)
    ).all()
    db.session.commit()
    counts: Counter = Counter()
    for _version_id, snapshot, stored in rows:
        counts[(stored, screen(criteria_set, json.loads(snapshot)["screening_answers"]).outcome_id)] += 1
    return counts


def subject_counts(summary: dict[str, Any]) -> Counter:
    counts: Counter = Counter()
    for change in summary["changes"]:
        counts[(change["from"], change["to"])] += 1
    return counts


def main() -> int:
    from portal import create_app
    from portal.criteria.loader import load_criteria
    from portal.extensions import db
    from portal.reports.whatif_job import rescreen
    from portal.reports.whatif_queries import Scope

    sets = load_criteria(CRITERIA_DIR)
    answers = generate_answers(all_questions(sets), PROPOSALS, SEED)
    edited = edited_set()
    with tempfile.TemporaryDirectory(prefix="bench-whatif-") as folder:
        app = create_app({"SECRET_KEY": secrets.token_hex(32), "INSTANCE_PATH": folder,
                          "DATABASE_URL": f"sqlite:///{folder}/bench.db"})
        with app.app_context():
            db.create_all()
            institution_id = fill(sets[SET_ID], answers)
            scope = Scope((institution_id,))
            summary = rescreen(edited, scope)
            expected = anchor(edited, institution_id)
            changed = Counter({pair: n for pair, n in expected.items() if pair[0] != pair[1]})
            agree = subject_counts(summary) == changed and summary["screened"] == sum(expected.values())
            subject_seconds, anchor_seconds = median_seconds(lambda: rescreen(edited, scope),
                                                             lambda: anchor(edited, institution_id))
            db.session.remove()
            db.engine.dispose()
    ratio = subject_seconds / anchor_seconds
    passed = ratio <= TARGET and agree
    print(f"BENCH B8_whatif_rescreen ratio={ratio:.2f} target<={TARGET} {'PASS' if passed else 'FAIL'}")
    print(f"  {PROPOSALS:,} versions re-screened in {subject_seconds:.3f} s ({PROPOSALS / subject_seconds:,.0f}/s); "
          f"Core select + engine loop {anchor_seconds:.3f} s; {summary['changed']} would change, "
          f"{summary['newly_screened']} never screened")
    if not agree:
        print(f"MISMATCH between the what-if and the hand loop: {subject_counts(summary)} != {changed}",
              file=sys.stderr)
    write_results("whatif", {"versions": PROPOSALS, "repetitions": REPETITIONS, "seed": SEED, "set": SET_ID,
                   "edited_digest": edited.digest, "subject_seconds": round(subject_seconds, 4),
                   "anchor_seconds": round(anchor_seconds, 4), "ratio": round(ratio, 2), "target": TARGET,
                   "passed": passed, "counts_agree": agree, "changed": summary["changed"],
                   "newly_screened": summary["newly_screened"], "python": sys.version.split()[0]})
    return 0 if passed else 1




if __name__ == "__main__":
    sys.exit(main())
