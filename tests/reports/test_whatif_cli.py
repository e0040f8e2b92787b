"""`flask criteria whatif FILE [--since DATE]`: the same summary as the page, printed; nothing stored."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from portal.clock import utcnow
from portal.extensions import db
from portal.reports.whatif import Prior, Tally
from portal.reports.whatif_source import load_set_text
from portal.screenings.commands import criteria_cli
from portal.screenings.models import Screening
from portal.screenings.registry import all_sets
from tests.criteria.shipped import CRITERIA_DIR
from tests.reports.whatif_world import NOTHING, VOLUNTARY_FEDERAL, VOLUNTARY_NOT_FEDERAL, edited_copy, make_whatif_world
from tests.screenings.helpers import DURC_2024


def _run(app, *args: str):  # noqa: ANN001, ANN202
    db.session.commit()  # outside a request the test's own transaction holds SQLite's write lock
    return app.test_cli_runner().invoke(criteria_cli, list(args))


@pytest.fixture
def edited_file(tmp_path):  # noqa: ANN001, ANN201
    path = tmp_path / "durc-edited.yaml"
    path.write_text(edited_copy(), encoding="utf-8")
    return path


def test_the_command_prints_counts_per_change_and_the_digest(app, factory, edited_file):
    make_whatif_world(factory)
    stored = db.session.scalar(select(func.count(Screening.id)))
    digest = load_set_text(CRITERIA_DIR, "x", edited_copy())[0].digest
    result = _run(app, "whatif", str(edited_file))
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0] == f"What-if: {DURC_2024} version 3, digest {digest}"
    assert lines[1] == ("5 version(s) re-screened: 3 unchanged, 1 would change, 1 never screened under this set id.")
    assert lines[2].split() == ["1", "voluntary_review", "->", "out_of_scope_pi_attested", "(Out", "of", "scope", "of",
                                "both", "categories,", "as", "attested", "by", "the", "principal", "investigator)"]
    assert lines[3].split() == ["1", "(not", "screened", "before)", "->", "out_of_scope_pi_attested"]
    assert db.session.scalar(select(func.count(Screening.id))) == stored

    tomorrow = (utcnow() + timedelta(days=1)).date().isoformat()
    later = _run(app, "whatif", str(edited_file), "--since", tomorrow)
    assert later.exit_code == 0 and "0 version(s) re-screened" in later.output


def test_a_broken_file_exits_2_with_the_loaders_message(app, tmp_path):
    broken = tmp_path / "broken.yaml"
    broken.write_text(edited_copy().replace("\nversion: 3\n", "\nversion: three\n"), encoding="utf-8")
    result = _run(app, "whatif", str(broken))
    assert result.exit_code == 2
    assert f"{broken}:" in result.output and "version: 'three' is not of type 'integer'" in result.output
    missing = _run(app, "whatif", str(tmp_path / "nowhere.yaml"))
    assert missing.exit_code == 2 and "cannot be read" in missing.output
    bad_date = _run(app, "whatif", str(broken), "--since", "yesterday")
    assert bad_date.exit_code == 2 and "Invalid value for '--since'" in bad_date.output


def _snapshot(answers: dict) -> str:
    return json.dumps({"title": "A fictional study", "screening_answers": answers})


def test_the_tally_compares_outcomes_only_under_the_same_set_id(app):
    shipped = all_sets()[DURC_2024]
    edited = load_set_text(CRITERIA_DIR, "x", edited_copy())[0]
    rows = [Prior(1, 10, _snapshot(VOLUNTARY_NOT_FEDERAL), "voluntary_review"),
            Prior(2, 11, _snapshot(VOLUNTARY_FEDERAL), "voluntary_review"),
            Prior(3, 12, _snapshot(NOTHING), "out_of_scope_pi_attested"), Prior(4, 13, _snapshot(NOTHING), None)]
    for criteria_set, changed in ((shipped, []), (edited, [(1, "voluntary_review", "out_of_scope_pi_attested")])):
        tally = Tally.for_set(criteria_set)
        tally.add(criteria_set, rows[:2])
        tally.add(criteria_set, rows[2:])  # batches add up
        summary = tally.summary()
        assert [(c["version_id"], c["from"], c["to"]) for c in summary["changes"] if c["from"]] == changed
        assert summary["newly_screened"] == 1 and summary["screened"] == 4
        assert summary["unchanged"] == 3 - len(changed)
