"""Reading one YAML file safely, and knowing the line of every key path in it.

The file is first composed into nodes (which builds nothing), so a tag such as `!!python/object` is
reported at its key path and never constructed; only then is plain data built, by a SafeLoader that
keeps `yes` and `no` as words.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

PLAIN_TAGS = {
    f"tag:yaml.org,2002:{name}" for name in ("str", "int", "float", "bool", "null", "map", "seq", "timestamp")
}
KeyPath = tuple[Any, ...]


class CriteriaLoader(yaml.SafeLoader):
    """PyYAML's safe loader, with YAML 1.2 booleans: `yes` and `no` stay words, as answers are written."""


CriteriaLoader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:bool"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
CriteriaLoader.add_implicit_resolver(
    "tag:yaml.org,2002:bool", re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF")
)


@dataclass(frozen=True)
class Problem:
    file: str
    path: KeyPath
    line: int | None
    message: str

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else self.file
        return f"{where}: {dotted(self.path)}: {self.message}"


def dotted(path: KeyPath) -> str:
    if not path:
        return "(top level)"
    text = ""
    for part in path:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text


@dataclass
class SourceFile:
    name: str  # as shown to people, relative to the criteria folder's parent
    data: Any
    lines: dict[KeyPath, int]

    def line(self, path: KeyPath) -> int | None:
        for end in range(len(path), -1, -1):
            if path[:end] in self.lines:
                return self.lines[path[:end]]
        return None

    def problem(self, path: KeyPath, message: str) -> Problem:
        return Problem(self.name, path, self.line(path), message)


def read_yaml(path: Path, name: str) -> tuple[SourceFile | None, list[Problem]]:
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        return None, [Problem(name, (), None, f"cannot be read: {error}")]
    try:
        root = yaml.compose(text, Loader=CriteriaLoader)
    except yaml.YAMLError as error:
        return None, [_yaml_problem(name, error)]
    if root is None:
        return None, [Problem(name, (), 1, "the file is empty")]
    lines: dict[KeyPath, int] = {}
    problems: list[Problem] = []
    _walk(root, (), lines, problems, name)
    if problems:
        return None, problems
    loader = CriteriaLoader(text)  # a SafeLoader: builds plain data only
    try:
        data = loader.get_single_data()
    except yaml.YAMLError as error:
        return None, [_yaml_problem(name, error)]
    finally:
        loader.dispose()
    return SourceFile(name, _plain(data), lines), []


def _walk(
    node: yaml.Node, path: KeyPath, lines: dict, problems: list[Problem], name: str, seen: set[int] | None = None
) -> None:
    seen = set() if seen is None else seen
    if id(node) in seen:  # an alias: criteria files spell everything out, and aliases can recurse or explode
        problems.append(
            Problem(
                name,
                path,
                node.start_mark.line + 1,
                "YAML anchors and aliases are not allowed in criteria files; write the value out",
            )
        )
        return
    seen.add(id(node))
    lines.setdefault(path, node.start_mark.line + 1)
    if node.tag not in PLAIN_TAGS:
        problems.append(
            Problem(
                name,
                path,
                node.start_mark.line + 1,
                f"unsupported YAML tag {node.tag}; criteria files hold plain data only",
            )
        )
        return
    if isinstance(node, yaml.MappingNode):
        keys: set[str] = set()
        for key_node, value_node in node.value:
            if key_node.tag not in PLAIN_TAGS or not isinstance(key_node, yaml.ScalarNode):
                what = f"unsupported YAML tag {key_node.tag} on a key" if key_node.tag not in PLAIN_TAGS else "a key"
                problems.append(
                    Problem(
                        name,
                        path,
                        key_node.start_mark.line + 1,
                        f"{what}: keys must be plain words, not lists, mappings or tagged values",
                    )
                )
                continue
            key = key_node.value
            if key in keys:
                problems.append(Problem(name, (*path, key), key_node.start_mark.line + 1, f"duplicate key '{key}'"))
                continue
            keys.add(key)
            lines[(*path, key)] = key_node.start_mark.line + 1
            _walk(value_node, (*path, key), lines, problems, name, seen)
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            _walk(item, (*path, index), lines, problems, name, seen)


def _yaml_problem(name: str, error: yaml.YAMLError) -> Problem:
    mark = getattr(error, "problem_mark", None) or getattr(error, "context_mark", None)
    line = mark.line + 1 if mark else None
    column = f", column {mark.column + 1}" if mark else ""
    what = getattr(error, "problem", None) or str(error)
    return Problem(name, (), line, f"not valid YAML (line {line}{column}): {what}")


def _plain(value: Any) -> Any:
    """Dates become ISO text, so files and JSON Schema agree on one form."""
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, datetime.date):
        return value.isoformat()
    return value
