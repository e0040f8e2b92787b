"""The criteria set a what-if runs under: an edited copy (uploaded, or a file named to the CLI) validated by the
portal's own loader against the shipped lists and shared questions, so its digest is computed exactly as for the
screenings on record. A broken file yields the loader's problems (file, key path, line), never an exception."""

from __future__ import annotations

import dataclasses
import re
import tempfile
from pathlib import Path

from portal.criteria.loader import check_criteria
from portal.criteria.model import CriteriaSet
from portal.criteria.source import Problem, read_yaml

UPLOAD_LIMIT = 256 * 1024  # bytes: the largest shipped set is about 20 KB
SAFE_ID = re.compile(r"^[a-z0-9][a-z0-9._-]{0,79}$")


def load_set_text(criteria_dir: Path, display_name: str, text: str) -> tuple[CriteriaSet | None, list[Problem]]:
    """Validate one set's YAML text; problems name `display_name`, as the person knows the file."""
    with tempfile.TemporaryDirectory(prefix="whatif-") as folder:
        path = Path(folder).resolve() / "uploaded.yaml"
        path.write_text(text, encoding="utf-8")
        source, problems = read_yaml(path, display_name)
        if source is None:
            return None, problems
        declared = source.data.get("id") if isinstance(source.data, dict) else None
        if isinstance(declared, str) and SAFE_ID.match(declared):
            # The loader wants the file named after its id; an edited copy is usually named otherwise.
            path = path.rename(path.with_name(f"{declared}.yaml"))
        sets, problems = check_criteria(criteria_dir, only=[path])
    problems = [dataclasses.replace(p, file=display_name) if p.file == str(path) else p for p in problems]
    if problems or len(sets) != 1:
        return None, problems or [Problem(display_name, (), None, "no criteria set in the file")]
    return next(iter(sets.values())), []


def load_set_bytes(criteria_dir: Path, display_name: str, content: bytes) -> tuple[CriteriaSet | None, list[Problem]]:
    if len(content) > UPLOAD_LIMIT:
        return None, [Problem(display_name, (), None,
                              f"the file is {len(content) // 1024} KB; a criteria set may be at most "
                              f"{UPLOAD_LIMIT // 1024} KB")]
    try:
        text = content.decode("utf-8")
    except UnicodeDecodeError:
        return None, [Problem(display_name, (), None, "the file is not UTF-8 text; save it as UTF-8 YAML")]
    return load_set_text(criteria_dir, display_name, text)


def load_set_file(criteria_dir: Path, path: Path) -> tuple[CriteriaSet | None, list[Problem]]:
    try:
        content = path.read_bytes()
    except OSError as error:
        return None, [Problem(str(path), (), None, f"cannot be read: {error.strerror or error}")]
    return load_set_bytes(criteria_dir, str(path), content)
