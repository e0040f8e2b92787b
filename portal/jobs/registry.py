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

    def function(self) -> Work:
        module, name = self.work.split(":")
        return getattr(importlib.import_module(module), name)


KINDS: dict[str, JobKind] = {
    "record_export": JobKind("portal.decisions.export:export_records", "exports"),
    "whatif": JobKind("portal.reports.whatif_job:run_whatif", "whatif"),
}


def kind_of(name: str) -> JobKind:
    """The registered kind; a KeyError names a job nobody knows how to run, which is a programming error."""
    return KINDS[name]
