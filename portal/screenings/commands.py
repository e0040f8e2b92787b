"""`flask criteria check|list|show`: registered as a Flask plugin command, so a broken set can be
checked even though the portal itself refuses to start with it."""

from __future__ import annotations

import datetime
import os
from pathlib import Path

import click
from flask.cli import ScriptInfo

from portal.config import ROOT
from portal.criteria.loader import check_criteria
from portal.criteria.model import Clock, CriteriaSet


def _criteria_dir() -> Path:
    return Path(os.environ.get("PORTAL_CRITERIA_DIR") or ROOT / "review_criteria")


@click.group("criteria", help="Check, list and show the governance criteria sets.")
def criteria_cli() -> None:
    pass


@criteria_cli.command("check")
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
def check_command(paths: tuple[Path, ...]) -> None:
    """Validate the sets (all, or the files named); exit 1 listing every problem."""
    sets, problems = check_criteria(_criteria_dir(), only=list(paths) or None)
    problems += _digest_drift(sets) if not problems else []
    for problem in problems:
        click.echo(f"  - {problem}", err=True)
    if problems:
        click.echo(f"{len(problems)} problem(s) found.", err=True)
        raise SystemExit(1)
    click.echo(f"{len(sets)} criteria set(s) valid: {', '.join(sorted(sets))}.")


def _digest_drift(sets: dict[str, CriteriaSet]) -> list[str]:
    """A file whose content changed while its version did not, after a screening used it."""
    try:
        app = click.get_current_context().ensure_object(ScriptInfo).load_app()
        with app.app_context():
            from portal.screenings.queries import used_digests

            used = used_digests()
    except Exception as error:  # noqa: BLE001 - the database is optional for a file check
        click.echo(f"(Not compared with stored screenings: {type(error).__name__}.)")
        return []
    drift = []
    for criteria_set in sets.values():
        digests = used.get((criteria_set.id, criteria_set.version), set())
        if digests and criteria_set.digest not in digests:
            drift.append(
                f"{criteria_set.path}: version: the content changed but version {criteria_set.version} "
                f"stayed the same after screenings used it (digest {sorted(digests)[0][:12]}…, now "
                f"{criteria_set.digest[:12]}…); bump the version"
            )
    return drift


@criteria_cli.command("whatif")
@click.argument("file", type=click.Path(path_type=Path))
@click.option("--since", type=click.DateTime(formats=["%Y-%m-%d"]), default=None,
              help="Only versions submitted on or after this date (YYYY-MM-DD).")
def whatif_command(file: Path, since: datetime.datetime | None) -> None:
    """Re-screen past submitted versions under FILE (an edited copy of a set) and print which provisional outcomes
    would change. Nothing is stored. Exit 2 listing the problems when FILE is not a valid set."""
    from portal.reports.whatif import summary_lines
    from portal.reports.whatif_job import rescreen
    from portal.reports.whatif_queries import Scope
    from portal.reports.whatif_source import load_set_file

    criteria_set, problems = load_set_file(_criteria_dir(), file)
    if criteria_set is None:
        for problem in problems:
            click.echo(f"  - {problem}", err=True)
        click.echo(f"{len(problems)} problem(s) found; nothing was re-screened.", err=True)
        raise SystemExit(2)
    app = click.get_current_context().ensure_object(ScriptInfo).load_app()
    with app.app_context():
        summary = rescreen(criteria_set, Scope(None, since.date() if since else None))
    for line in summary_lines(summary):
        click.echo(line)


@criteria_cli.command("list")
def list_command() -> None:
    """Id, version, status and digest of every set."""
    sets, problems = check_criteria(_criteria_dir())
    for criteria_set in sorted(sets.values(), key=lambda s: s.id):
        click.echo(
            f"{criteria_set.id:<38} v{criteria_set.version:<3} {criteria_set.policy_status:<12} {criteria_set.digest}"
        )
    if problems:
        click.echo(f"{len(problems)} problem(s): run `flask criteria check`.", err=True)
        raise SystemExit(1)


@criteria_cli.command("show")
@click.argument("set_id")
def show_command(set_id: str) -> None:
    """A readable summary of one set."""
    sets, _problems = check_criteria(_criteria_dir())
    criteria_set = sets.get(set_id)
    if criteria_set is None:
        raise click.UsageError(f"No valid criteria set '{set_id}'. Known: {', '.join(sorted(sets))}.")
    s = criteria_set
    click.echo(f"{s.title}\n  id {s.id}, version {s.version}, source policy {s.policy_status}, {s.jurisdiction}")
    click.echo(f"  effective {s.effective_from or '?'} to {s.effective_until or 'now'}; digest {s.digest}")
    click.echo(f"\n{s.summary}\n\nQuestions:")
    for q in s.questions:
        click.echo(f"  - [{q.type}] {q.id}: {q.text}" + (" (shown only if applicable)" if q.show_if else ""))
    click.echo("\nCriteria:")
    for c in s.criteria:
        judgment = f"  -> human judgment by {', '.join(c.human_judgment.by)}" if c.human_judgment else ""
        click.echo(f"  - {c.id} (weight {c.weight}): {c.title}{judgment}")
    _echo_outcomes(s)
    _echo_determinations(s)


def _echo_outcomes(s: CriteriaSet) -> None:
    click.echo("\nOutcomes, most cautious first:")
    for o in s.all_outcomes:
        route = ", ".join(s.routing.get(o.id, ())) or "no committee"
        click.echo(f"  - {o.id} [{o.severity.label}] {o.title} -> {route}")
        for clock in s.clocks.get(o.id, ()):
            click.echo(f"      clock: {_clock_text(clock)}")


def _echo_determinations(s: CriteriaSet) -> None:
    click.echo("\nDeterminations a committee may make:")
    for d in s.determinations:
        kind = "dual use, two signers" if d.dual_use else "not dual use"
        click.echo(f"  - {d.id} [{kind}] {d.title}")
        for clock in d.clocks:
            click.echo(f"      clock: {_clock_text(clock)}")
        if d.forbids:
            click.echo(f"      forbids: {', '.join(d.forbids)}")


def _clock_text(clock: Clock) -> str:
    repeat = f", then every {clock.repeat_days} days" if clock.repeat_days else ""
    return f"{clock.title}, {clock.due_days} days{repeat}, owner {clock.owner}"
