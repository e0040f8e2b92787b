"""`flask criteria check|list|show`: the plugin command that checks the shipped sets, and notices a set
whose content changed after screenings used it while its version stayed the same."""

from __future__ import annotations

import re
import shutil
from importlib.metadata import entry_points
from pathlib import Path

from flask.cli import FlaskGroup
from flask.testing import FlaskCliRunner

from portal.auth.roles import Role
from portal.extensions import db
from portal.proposals.models import ProposalVersion
from portal.screenings.commands import criteria_cli
from portal.screenings.models import Screening
from portal.screenings.registry import all_sets
from tests.criteria.shipped import CRITERIA_DIR
from tests.criteria.tiny_tree import line_of
from tests.screenings.helpers import DURC_2024

LIST_LINE = re.compile(r"^(\S+)\s+v(\d+)\s+(\S+)\s+([0-9a-f]{64})$")


def _run(app, *args: str, env: dict[str, str] | None = None):  # noqa: ANN202
    """Invoke the group as `flask criteria ...` would; the runner's ScriptInfo loads this test's app."""
    runner: FlaskCliRunner = app.test_cli_runner()
    return runner.invoke(criteria_cli, list(args), env=env)


def _copy_of_shipped(tmp_path: Path) -> Path:
    folder = tmp_path / "review_criteria"
    shutil.copytree(CRITERIA_DIR, folder)
    return folder


def test_criteria_is_a_flask_plugin_command(app):
    (entry,) = [e for e in entry_points(group="flask.commands") if e.name == "criteria"]
    assert entry.value == "portal.screenings.commands:criteria_cli"
    result = FlaskCliRunner(app).invoke(FlaskGroup(create_app=lambda: app), ["criteria", "check"])
    assert result.exit_code == 0, result.output
    assert "9 criteria set(s) valid" in result.output


def test_check_passes_on_the_shipped_folder_and_names_the_nine_sets(app):
    result = _run(app, "check")
    assert result.exit_code == 0, result.output
    assert result.output.startswith("9 criteria set(s) valid: ")
    for set_id in all_sets():
        assert set_id in result.output


def test_list_prints_id_version_status_and_digest_of_each_set(app):
    result = _run(app, "list")
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert len(lines) == 9
    sets = all_sets()
    seen = set()
    for line in lines:
        match = LIST_LINE.match(line)
        assert match, line
        set_id, version, status, digest = match.groups()
        assert (int(version), status, digest) == (sets[set_id].version, sets[set_id].policy_status, sets[set_id].digest)
        seen.add(set_id)
    assert seen == set(sets)


def test_show_summarises_one_set(app):
    result = _run(app, "show", DURC_2024)
    assert result.exit_code == 0, result.output
    out = result.output
    s = all_sets()[DURC_2024]
    assert out.startswith("USG Policy for Oversight of DURC and PEPP (May 2024)\n")
    assert f"id {DURC_2024}, version {s.version}, source policy superseded" in out
    assert f"digest {s.digest}" in out
    assert "Questions:" in out and "Criteria:" in out and "Outcomes, most cautious first:" in out
    assert out.index("Questions:") < out.index("Criteria:") < out.index("Outcomes, most cautious first:")
    assert "  - [yes_no_unsure] agents.works_with_agents: Will the work involve any biological agent" in out
    assert "  - [multiple_choice] agents.groups:" in out and "(shown only if applicable)" in out
    assert "  - c1_judgment (weight 15): Whether the research constitutes DURC (section 4.1.3)" in out
    assert "-> human judgment by ire, funding_agency" in out
    assert "  - refer_ire_cat1 [high] Refer to the review entity as possible Category 1 research (DURC) -> ire" in out
    assert "  - coordinator_check [low] The review coordinator checks the screening -> no committee" in out
    assert "      clock: Notify the funding agency of the determination, 30 days, owner coordinator" in out
    assert out.index("Outcomes, most cautious first:") < out.index("Determinations a committee may make:")
    determinations = out[out.index("Determinations a committee may make:") :]
    assert "  - not_in_scope [not dual use] Not in scope of Category 1 or Category 2\n" in determinations
    assert (
        "  - category_1 [dual use, two signers] Category 1 research (dual use research of concern)\n" in determinations
    )
    assert (
        "      clock: Annual progress report (Category 1), 365 days, then every 365 days, owner investigator\n"
        in determinations
    )


def test_show_lists_the_outcomes_a_determination_forbids(app):
    result = _run(app, "show", "mirror-life")
    assert result.exit_code == 0, result.output
    assert result.output.endswith(
        "  - prohibited [dual use, two signers] Prohibited - the work could create a mirror-image organism\n"
        "      forbids: approved, approved_with_conditions, revisions_required\n"
    )


def test_show_of_an_unknown_set_is_a_usage_error(app):
    result = _run(app, "show", "nope")
    assert result.exit_code == 2
    assert "No valid criteria set 'nope'. Known: aixbio-managed-access" in result.output


def test_check_lists_a_broken_set_with_file_key_path_and_line(app, tmp_path):
    folder = _copy_of_shipped(tmp_path)
    set_file = folder / "mirror-life.yaml"
    original = set_file.read_text()
    assert original.count("    weight: 50\n") == 1
    broken = original.replace("    weight: 50\n", "    weight: 50\n    colour: red\n")
    set_file.write_text(broken)

    env = {"PORTAL_CRITERIA_DIR": str(folder)}
    result = _run(app, "check", env=env)
    assert result.exit_code == 1, result.output
    line = line_of(broken, "colour: red")
    assert f"  - review_criteria/mirror-life.yaml:{line}: criteria[0].colour: unknown key 'colour'" in result.output
    assert "1 problem(s) found." in result.output
    assert "criteria set(s) valid" not in result.output

    # `list` still lists the sets that load, and says there is a problem.
    listed = _run(app, "list", env=env)
    assert listed.exit_code == 1
    assert "1 problem(s): run `flask criteria check`." in listed.output
    assert "mirror-life " not in listed.output


def _store_screening(version: ProposalVersion, set_id: str, digest: str) -> None:
    """A stored screening as an earlier release of the set would have left it (INSERT is allowed)."""
    db.session.add(
        Screening(
            proposal_id=version.proposal_id,
            version_id=version.id,
            set_id=set_id,
            set_version=all_sets()[set_id].version,
            set_digest=digest,
            engine_version="1",
            outcome_id="coordinator_check",
            severity="low",
            via_unsure=False,
            score=0,
            result="{}",
        )
    )
    db.session.commit()


def test_check_refuses_a_set_changed_without_a_version_bump_after_screenings_used_it(app, factory):
    pi = factory.user(Role.INVESTIGATOR)
    proposal = factory.proposal(pi, submitted=True)
    _store_screening(proposal.versions[0], DURC_2024, "0" * 64)

    result = _run(app, "check")
    assert result.exit_code == 1, result.output
    version = all_sets()[DURC_2024].version
    assert (
        f"usg-durc-pepp-2024.yaml: version: the content changed but version {version} stayed the same" in result.output
    )
    assert "(digest 000000000000…, now " + all_sets()[DURC_2024].digest[:12] in result.output
    assert "bump the version" in result.output
    assert "1 problem(s) found." in result.output


def test_check_accepts_stored_screenings_made_with_the_current_content(app, factory):
    pi = factory.user(Role.INVESTIGATOR)
    proposal = factory.proposal(pi, submitted=True)
    _store_screening(proposal.versions[0], DURC_2024, all_sets()[DURC_2024].digest)

    result = _run(app, "check")
    assert result.exit_code == 0, result.output
    assert "Not compared with stored screenings" not in result.output
