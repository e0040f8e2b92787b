"""Bulk export: many records signed, rendered two at a time, and packed into one ZIP with index.csv.

Each render runs in its own limited child process (sandbox.py), and at most `workers` (2: one per core,
performance-anchors.md B6) run at once; the threads here only wait for them. The ZIP is written beside
its final path and renamed into place, so a failed export (a record that cannot be rendered, a full disk)
leaves no ZIP at all.
"""

from __future__ import annotations

import hashlib
import os
import re
import zipfile
from collections import Counter
from collections.abc import Callable, Sequence
from concurrent.futures import FIRST_EXCEPTION, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from portal.errors import PortalError
from portal.records.files import fsync_file, replacing
from portal.records.index import index_csv, index_row
from portal.records.render import RenderedPdf, render_measured
from portal.records.sandbox import Limits, RenderError
from portal.records.shape import RecordShapeError, check_shape
from portal.records.signing import sign_record

SAFE_NAME = re.compile(r"[^A-Za-z0-9._-]+")


@dataclass(frozen=True)
class ExportProgress:
    done: int
    total: int
    record_id: str
    peak_rss_kb: int  # of the process that rendered this record


class BulkExportError(PortalError):
    """The export stopped; the message names the record. No ZIP was written."""


def export_zip(
    items: Sequence[tuple[str, dict[str, Any]]],
    destination: str | os.PathLike[str],
    *,
    private_key: Ed25519PrivateKey,
    progress: Callable[[ExportProgress], None] | None = None,
    workers: int = 2,
    limits: Limits | None = None,
) -> Path:
    """Sign and render each (record_id, record), write the ZIP at `destination`, and return its path."""
    envelopes = [(_file_name(record_id), _sign(record_id, record, private_key)) for record_id, record in items]
    _refuse_duplicates([name for name, _ in envelopes])
    target = Path(destination)
    with replacing(target) as temp:
        with zipfile.ZipFile(temp, "w", compression=zipfile.ZIP_DEFLATED) as archive:
            rows = _render_into(archive, envelopes, workers, limits or Limits(), progress)
            archive.writestr("index.csv", index_csv(rows))
        fsync_file(temp)
    return target


def _render_into(
    archive: zipfile.ZipFile,
    envelopes: list[tuple[str, dict[str, Any]]],
    workers: int,
    limits: Limits,
    progress: Callable[[ExportProgress], None] | None,
) -> list[dict[str, str]]:
    rows: list[dict[str, str] | None] = [None] * len(envelopes)
    with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="record-export") as pool:
        pending: dict[Future[RenderedPdf], int] = {
            pool.submit(render_measured, envelope, limits=limits): index
            for index, (_, envelope) in enumerate(envelopes)
        }
        done = 0
        while pending:
            finished, _ = wait(pending, return_when=FIRST_EXCEPTION)
            for future in finished:
                index = pending.pop(future)
                name, envelope = envelopes[index]
                rendered = _result(future, envelope, pending)
                archive.writestr(name, rendered.pdf)
                rows[index] = index_row(envelope, name, hashlib.sha256(rendered.pdf).hexdigest())
                done += 1
                if progress:
                    progress(
                        ExportProgress(done, len(envelopes), envelope["record"]["record_id"], rendered.peak_rss_kb)
                    )
    return [row for row in rows if row is not None]


def _result(
    future: Future[RenderedPdf], envelope: dict[str, Any], pending: dict[Future[RenderedPdf], int]
) -> RenderedPdf:
    try:
        return future.result()
    except RenderError as error:
        for other in pending:
            other.cancel()
        raise BulkExportError(f"Record {envelope['record']['record_id']} could not be rendered: {error}") from error


def _sign(record_id: str, record: dict[str, Any], private_key: Ed25519PrivateKey) -> dict[str, Any]:
    if record.get("record_id") != record_id:
        raise BulkExportError(f"Record {record_id} carries the id {record.get('record_id')!r}; nothing was exported.")
    try:
        check_shape(record)
    except RecordShapeError as error:
        raise BulkExportError(f"Record {record_id}: {error} Nothing was exported.") from error
    return sign_record(record, private_key)


def _file_name(record_id: str) -> str:
    return f"{SAFE_NAME.sub('_', record_id).strip('._') or 'record'}.pdf"


def _refuse_duplicates(names: list[str]) -> None:
    duplicates = sorted(name for name, count in Counter(names).items() if count > 1)
    if duplicates:
        raise BulkExportError(f"Two records would share the file name {duplicates[0]}; nothing was exported.")
