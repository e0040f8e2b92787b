"""Loading review_criteria/: lists, shared questions and sets, validated, every problem reported.

sets = load_criteria(Path("review_criteria"))      # raises CriteriaError listing every problem
sets, problems = check_criteria(Path("review_criteria"), only=[...])
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from functools import cache
from pathlib import Path
from typing import Any

from jsonschema import Draft202012Validator

from portal.criteria.build import SetBuilder, unknown_ids
from portal.criteria.model import CriteriaSet
from portal.criteria.source import Problem, SourceFile, read_yaml

SCHEMA_FILE = "schema.json"


class CriteriaError(Exception):
    """The criteria folder cannot be used; str() lists every problem with file, key path and line."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        lines = "\n".join(f"  - {p}" for p in problems)
        super().__init__(f"{len(problems)} problem(s) in the criteria files:\n{lines}")


def load_criteria(root: Path) -> dict[str, CriteriaSet]:
    sets, problems = check_criteria(root)
    if problems:
        raise CriteriaError(problems)
    return sets


def folder_digest(root: Path) -> str:
    """SHA-256 over every file of the criteria folder (names and bytes): equal digests, equal loaded sets."""
    digest = hashlib.sha256()
    for path in sorted(p for p in root.resolve().rglob("*") if p.is_file()):
        digest.update(str(path.relative_to(root.resolve())).encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


def check_criteria(root: Path, only: Iterable[Path] | None = None) -> tuple[dict[str, CriteriaSet], list[Problem]]:
    """Validate the whole folder (lists and shared questions always; the sets named in `only`, or all)."""
    root = root.resolve()
    problems: list[Problem] = []
    lists = _load_keyed(root, "lists", "list_file", problems)
    shared, shared_translations = _load_shared_questions(root, lists, problems)
    set_paths = sorted(root.glob("*.yaml")) if only is None else [Path(p).resolve() for p in only]
    sets: dict[str, CriteriaSet] = {}
    local_questions: dict[str, str] = {}
    for path in set_paths:
        src = _read_valid(root, path, "set", problems)
        if src is None:
            continue
        if src.data["id"] != path.stem:
            problems.append(src.problem(("id",), f"the id '{src.data['id']}' must match the file name '{path.stem}'"))
        if src.data["id"] in sets:
            problems.append(src.problem(("id",), f"duplicate set id '{src.data['id']}'"))
            continue
        _check_local_question_ids(src, local_questions, problems)
        builder = SetBuilder(src, shared, lists, shared_translations)
        criteria_set = builder.build()
        problems.extend(builder.problems)
        if criteria_set is not None:
            sets[criteria_set.id] = criteria_set
    return sets, problems


def _check_local_question_ids(src: SourceFile, seen: dict[str, str], problems: list[Problem]) -> None:
    """Two sets may not define the same question id: shared questions are written once, in questions/."""
    for index, item in enumerate(src.data["questions"]):
        qid = item.get("id")
        if qid is None:
            continue
        if qid in seen and seen[qid] != src.name:
            problems.append(
                src.problem(
                    ("questions", index, "id"),
                    f"duplicate question id '{qid}': also "
                    f"defined in {seen[qid]}; move it to review_criteria/questions/",
                )
            )
        seen.setdefault(qid, src.name)


def _load_keyed(root: Path, folder: str, kind: str, problems: list[Problem]) -> dict[str, dict]:
    loaded: dict[str, dict] = {}
    for path in sorted((root / folder).glob("*.yaml")):
        src = _read_valid(root, path, kind, problems)
        if src is None:
            continue
        if src.data["id"] != path.stem:
            problems.append(src.problem(("id",), f"the id '{src.data['id']}' must match the file name '{path.stem}'"))
        loaded[src.data["id"]] = src.data
    return loaded


def _load_shared_questions(
    root: Path, lists: dict[str, dict], problems: list[Problem]
) -> tuple[dict[str, dict], dict[str, dict[str, dict]]]:
    """The shared questions by id, and their translations: language -> question id -> text, help, choices."""
    shared: dict[str, dict] = {}
    translations: dict[str, dict[str, dict]] = {}
    for path in sorted((root / "questions").glob("*.yaml")):
        src = _read_valid(root, path, "question_file", problems)
        if src is None:
            continue
        for index, question in enumerate(src.data["questions"]):
            if question["id"] in shared:
                problems.append(src.problem(("questions", index, "id"), f"duplicate question id '{question['id']}'"))
            shared[question["id"]] = question
        own = src.data.get("translations", {})
        questions = src.data["questions"]
        known = {"questions": [q["id"] for q in questions]}
        choices = {q["id"]: _choice_ids(q, lists) for q in questions}
        for key_path, message in unknown_ids(own, known, choices):
            problems.append(src.problem(key_path, message))
        for language, block in own.items():
            translations.setdefault(language, {}).update(block.get("questions", {}))
    return shared, translations


def _choice_ids(question: dict, lists: dict[str, dict]) -> list[str]:
    """A question's choice ids, those taken from a list file included."""
    if "list" in question:
        return [item["id"] for item in lists.get(question["list"], {}).get("items", [])]
    return [c["id"] for c in question.get("choices", [])]


def _read_valid(root: Path, path: Path, kind: str, problems: list[Problem]) -> SourceFile | None:
    name = _display_name(root, path)
    if not path.is_file():
        problems.append(Problem(name, (), None, "file not found"))
        return None
    src, read_problems = read_yaml(path, name)
    problems.extend(read_problems)
    if src is None:
        return None
    schema_problems = [src.problem(p, m) for p, m in _schema_errors(kind, src.data)]
    problems.extend(schema_problems)
    return None if schema_problems else src


def _display_name(root: Path, path: Path) -> str:
    try:
        return str(path.relative_to(root.parent))
    except ValueError:
        return str(path)


def _schema_errors(kind: str, data: Any) -> list[tuple[tuple[Any, ...], str]]:
    errors = []
    for error in sorted(_validator(kind).iter_errors(data), key=lambda e: list(map(str, e.absolute_path))):
        path = tuple(error.absolute_path)
        if "propertyNames" in error.absolute_schema_path:
            key = error.instance
            if path and path[-1] == "translations":
                errors.append(((*path, key), _unknown_language(key)))
            else:
                errors.append(((*path, key), f"'{key}' is not a valid id: {error.message}"))
            continue
        if error.validator == "additionalProperties" and isinstance(error.instance, dict):
            allowed = set(error.schema.get("properties", {}))
            for key in sorted(set(error.instance) - allowed):
                errors.append(((*path, key), f"unknown key '{key}'"))
            continue
        if error.validator == "required":
            errors.append((path, error.message.replace("is a required property", "is required")))
            continue
        errors.append((path, error.message))
    return errors


def _unknown_language(code: Any) -> str:
    known = ", ".join(_schema()["$defs"]["language"]["enum"])
    base = " (English is the base text of the file, not a translation)" if str(code).lower().startswith("en") else ""
    return f"unknown language '{code}'{base}; translations are written for: {known}"


@cache
def _schema() -> dict[str, Any]:
    return json.loads((Path(__file__).resolve().parents[2] / "review_criteria" / SCHEMA_FILE).read_text())


@cache
def _validator(kind: str) -> Draft202012Validator:
    schema = _schema()
    if kind != "set":
        schema = {"$ref": f"#/$defs/{kind}", "$defs": schema["$defs"]}
    return Draft202012Validator(schema)
