"""Which work each kind of job does, named so any process can find it from the job's row alone.

A worker on another host gets nothing but a job id; the row's `kind` leads here. The work is named by its dotted
path and imported on first use, so portal.jobs needs no import of the domains whose work it runs."""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from portal.jobs.models import Job

Work = Callable[["Job", Callable[[int, str], None]], tuple[str, str]]  # (job, progress) -> (result path, message)


@dataclass(frozen=True)
class JobKind:
    work: str  # "module:function"
    results_folder: str  # under the instance folder; files of one job are named job-<id>-…
    # Shown to its owner on /jobs/<id>. A job the portal runs on someone's behalf but for others to read (the
    # consistency check of a submission: its findings are for the reviewers) has no page of its own.
    shown_to_owner: bool = True

    def function(self) -> Work:
        module, name = self.work.split(":")
        return getattr(importlib.import_module(module), name)


KINDS: dict[str, JobKind] = {
    "record_export": JobKind("portal.decisions.export:export_records", "exports"),
    "whatif": JobKind("portal.reports.whatif_job:run_whatif", "whatif"),
    "consistency_check": JobKind("portal.consistency.job:run_check", "consistency", shown_to_owner=False),
}


def kind_of(name: str) -> JobKind:
    """The registered kind; a KeyError names a job nobody knows how to run, which is a programming error."""
    return KINDS[name]
