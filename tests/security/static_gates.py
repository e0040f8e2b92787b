"""The static gates of security-test-plan.md §2.2, §2.5 and §2.6, as an AST walk over the project's Python files and
a scan of its templates. Each finding is (gate, path, line, what); tests/security/test_static_gates.py fails on any
finding not in the reviewed allowlist."""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PYTHON_ROOTS = ("portal", "bench", "tests", "app.py")
# Flask autoescapes only these extensions (select_jinja_autoescape); any other template would render unescaped.
AUTOESCAPED_SUFFIXES = {".html", ".htm", ".xml", ".xhtml", ".svg"}
SAFE_LOADERS = {"SafeLoader", "CSafeLoader", "BaseLoader", "CBaseLoader"}
YAML_CALLS = {"load", "load_all", "compose", "compose_all", "parse", "scan"}
YAML_ALWAYS_UNSAFE = {"unsafe_load", "unsafe_load_all", "full_load", "full_load_all"}
SAFE_FILTER = re.compile(r"\|\s*safe\b")
AUTOESCAPE_OFF = re.compile(r"{%-?\s*autoescape\s+(false|False)\b")


@dataclass(frozen=True)
class Finding:
    gate: str
    path: str
    line: int
    what: str


def python_files() -> Iterator[Path]:
    for name in PYTHON_ROOTS:
        target = ROOT / name
        yield from [target] if target.is_file() else sorted(target.rglob("*.py"))


def _literal(node: ast.AST) -> bool:
    return isinstance(node, ast.Constant) and isinstance(node.value, str)


def _dotted(node: ast.AST) -> str:
    if isinstance(node, ast.Attribute):
        return f"{_dotted(node.value)}.{node.attr}"
    return node.id if isinstance(node, ast.Name) else ""


class _Module(ast.NodeVisitor):
    """One file's findings. Import aliases are tracked, so `from sqlalchemy import text as sql` is still text()."""

    def __init__(self, path: str, safe_loaders: set[str]) -> None:
        self.path, self.safe_loaders = path, safe_loaders
        self.aliases: dict[str, str] = {}
        self.findings: list[Finding] = []

    def visit_ImportFrom(self, node: ast.ImportFrom) -> None:  # noqa: N802 - ast API
        for alias in node.names:
            self.aliases[alias.asname or alias.name] = f"{node.module}.{alias.name}"

    def visit_Import(self, node: ast.Import) -> None:  # noqa: N802
        for alias in node.names:
            self.aliases[alias.asname or alias.name] = alias.name

    def _qualified(self, func: ast.AST) -> str:
        dotted = _dotted(func)
        head, _, rest = dotted.partition(".")
        full = self.aliases.get(head, head)
        return f"{full}.{rest}" if rest else full

    def _add(self, gate: str, node: ast.AST, what: str) -> None:
        self.findings.append(Finding(gate, self.path, node.lineno, what))

    def visit_Call(self, node: ast.Call) -> None:  # noqa: N802
        name = self._qualified(node.func)
        short = name.rsplit(".", 1)[-1]
        if name in ("sqlalchemy.text", "sqlalchemy.sql.text", "sqlalchemy.sql.expression.text"):
            if not node.args or not _literal(node.args[0]):
                self._add("text", node, "text() of a non-literal (f-string, concatenation or name)")
        elif short == "render_template_string":
            self._add("render_template_string", node, "render_template_string")
        elif short == "Markup" and name.startswith(("markupsafe", "jinja2", "flask", "Markup")):
            if not node.args or not _literal(node.args[0]):
                self._add("markup", node, "Markup() of a non-literal")
        elif name.startswith("yaml."):
            self._yaml(node, short)
        elif name in ("jinja2.Environment", "jinja2.environment.Environment", "jinja2.sandbox.SandboxedEnvironment"):
            self._environment(node)
        self.generic_visit(node)

    def _yaml(self, node: ast.Call, short: str) -> None:
        if short in YAML_ALWAYS_UNSAFE:
            self._add("yaml", node, f"yaml.{short}")
        elif short in YAML_CALLS:
            loader = next((k.value for k in node.keywords if k.arg == "Loader"), node.args[1] if len(node.args) > 1
                          else None)
            loader_name = _dotted(loader).rsplit(".", 1)[-1] if loader is not None else ""
            if loader_name not in self.safe_loaders:
                self._add("yaml", node, f"yaml.{short} with Loader={loader_name or 'default'}")

    def _environment(self, node: ast.Call) -> None:
        autoescape = next((k.value for k in node.keywords if k.arg == "autoescape"), None)
        off = autoescape is None or (isinstance(autoescape, ast.Constant) and not autoescape.value)
        if off:
            self._add("jinja", node, "Jinja Environment without autoescape")


def _safe_loader_classes(trees: dict[str, ast.Module]) -> set[str]:
    """Loader classes the project defines on top of a safe loader (portal/criteria/source.py's CriteriaLoader)."""
    names = set(SAFE_LOADERS)
    for tree in trees.values():
        for node in ast.walk(tree):
            if isinstance(node, ast.ClassDef) and any(_dotted(b).rsplit(".", 1)[-1] in SAFE_LOADERS
                                                      for b in node.bases):
                names.add(node.name)
    return names


def python_findings(sources: dict[str, str]) -> list[Finding]:
    trees = {path: ast.parse(text, filename=path) for path, text in sources.items()}
    loaders = _safe_loader_classes(trees)
    findings: list[Finding] = []
    for path, tree in trees.items():
        module = _Module(path, loaders)
        module.visit(tree)
        findings += module.findings
    return findings


def _plain_text_mail(path: Path) -> bool:
    """Notification e-mail is text/plain (portal.notifications.render; no HTML escaping there, on purpose): it is
    never served as a page, and the inbox shows the rendered text through the autoescaped layout."""
    return path.suffix == ".txt" and path.parent == ROOT / "templates" / "notifications"


def template_findings(root: Path) -> list[Finding]:
    findings = []
    for path in sorted(p for p in root.rglob("*") if p.is_file()):
        relative = str(path.relative_to(ROOT))
        if path.suffix not in AUTOESCAPED_SUFFIXES and not _plain_text_mail(path):
            findings.append(Finding("template-extension", relative, 0, f"{path.suffix or 'no'} extension"))
            continue
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if SAFE_FILTER.search(line):
                findings.append(Finding("safe-filter", relative, number, "|safe"))
            if AUTOESCAPE_OFF.search(line):
                findings.append(Finding("autoescape-off", relative, number, "{% autoescape false %}"))
    return findings


def project_findings() -> list[Finding]:
    sources = {str(p.relative_to(ROOT)): p.read_text(encoding="utf-8") for p in python_files()}
    return python_findings(sources) + template_findings(ROOT / "templates")
