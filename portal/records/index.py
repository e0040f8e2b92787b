"""index.csv of a bulk export: one row per record, with formula-looking cells neutralised. Pure.

A spreadsheet runs a cell that starts with = + - @ (and, in some programs, tab or carriage return) as a
formula; record text comes from people, so such cells get a leading apostrophe (OWASP "CSV injection").
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from typing import Any

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
COLUMNS = (
    "record_id",
    "file",
    "institution",
    "committee",
    "proposal_id",
    "proposal_title",
    "outcome",
    "determinations",
    "signed_by",
    "last_signed_at",
    "fingerprint",
    "key_id",
    "pdf_sha256",
)


def neutralise(value: object) -> str:
    text = "" if value is None else str(value)
    return f"'{text}" if text.startswith(FORMULA_STARTS) else text


def index_row(envelope: dict[str, Any], file_name: str, pdf_sha256: str) -> dict[str, str]:
    record = envelope["record"]
    signatures = record["signatures"]
    row = {
        "record_id": record["record_id"],
        "file": file_name,
        "institution": record["institution"]["name"],
        "committee": record["committee"]["name"],
        "proposal_id": record["proposal"]["id"],
        "proposal_title": record["proposal"]["title"],
        "outcome": record["outcome"]["title"],
        "determinations": "; ".join(f"{d['set_id']}: {d['title']}" for d in record["determinations"]),
        "signed_by": "; ".join(s["printed_name"] for s in signatures),
        "last_signed_at": max((s["signed_at"] for s in signatures), default=""),
        "fingerprint": envelope["fingerprint"],
        "key_id": envelope["key_id"],
        "pdf_sha256": pdf_sha256,
    }
    return {key: neutralise(value) for key, value in row.items()}


def index_csv(rows: Iterable[dict[str, str]]) -> bytes:
    buffer = io.StringIO(newline="")
    writer = csv.DictWriter(buffer, fieldnames=COLUMNS, quoting=csv.QUOTE_ALL, lineterminator="\r\n")
    writer.writeheader()
    writer.writerows(rows)
    return buffer.getvalue().encode("utf-8-sig")  # the BOM makes spreadsheet programs read UTF-8 as UTF-8
