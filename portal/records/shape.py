"""The decision record's published shape (record.schema.json) and the check against it. Pure.

The schema is the contract between portal.decisions (which builds the record) and everything that signs,
renders and verifies it; governance bodies can validate a record.json with any JSON Schema tool.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

from jsonschema import Draft202012Validator

SCHEMA_PATH = Path(__file__).resolve().parent / "record.schema.json"
RECORD_FORMAT = "dual-use-review-portal/decision-record"
FORMAT_VERSION = 1
STATEMENT = (
    "The portal screened, routed and recorded. "
    "The determination and the decision were made by the people who signed them."
)


class RecordShapeError(ValueError):
    """The record does not have the published shape; `problems` lists each deviation with its path."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        super().__init__("The decision record does not match its schema: " + "; ".join(problems))


@cache
def _validator() -> Draft202012Validator:
    schema = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    Draft202012Validator.check_schema(schema)
    return Draft202012Validator(schema)


def shape_problems(record: Any) -> list[str]:
    """Each way the record departs from the schema, as "path: message", in a stable order."""
    errors = sorted(_validator().iter_errors(record), key=lambda error: list(map(str, error.absolute_path)))
    return [f"{'/'.join(map(str, error.absolute_path)) or '(record)'}: {error.message}" for error in errors]


def check_shape(record: Any) -> None:
    problems = shape_problems(record)
    if problems:
        raise RecordShapeError(problems)
