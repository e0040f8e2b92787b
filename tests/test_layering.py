"""Pure modules import no framework: they can be read, tested and reused without an app."""

from __future__ import annotations

import ast
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PURE_MODULES = [
    "portal/proposals/states.py",
    "portal/proposals/fields.py",
    "portal/proposals/completeness.py",
    "portal/proposals/diff.py",
    "portal/audit/canonical.py",
    "portal/i18n/marks.py",
    "portal/auth/roles.py",
    "portal/auth/redirects.py",
    "portal/auth/passwords.py",
    "portal/auth/api_tokens.py",
    "portal/demo/pdf.py",
    "portal/criteria/__init__.py",
    "portal/criteria/build.py",
    "portal/criteria/conditions.py",
    "portal/criteria/determinations.py",
    "portal/criteria/engine.py",
    "portal/criteria/examples.py",
    "portal/criteria/loader.py",
    "portal/criteria/model.py",
    "portal/criteria/source.py",
    "portal/demo/answers.py",
    "portal/committees/kinds.py",
    "portal/committees/quorum.py",
    "portal/conflicts/rules.py",
    "portal/routing/rules.py",
    "portal/reviews/rules.py",
    "portal/decisions/rules.py",
    "portal/meetings/states.py",
    "portal/meetings/rules.py",
    "portal/meetings/minutes.py",
    "portal/records/signing.py",
    "portal/records/shape.py",
    "portal/records/pdfcheck.py",
    "portal/records/verify.py",
    "portal/records/index.py",
    "portal/reports/whatif.py",
]
PURE_NAMES = {path.removesuffix(".py").removesuffix("/__init__").replace("/", ".") for path in PURE_MODULES}
FORBIDDEN_PREFIXES = ("flask", "sqlalchemy", "wtforms", "weasyprint", "jinja2", "werkzeug")
# Besides the standard library and other pure modules, a pure module may import only these.
ALLOWED_THIRD_PARTY = ("argon2", "jsonschema", "yaml", "cryptography", "pypdf")


def _imports(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return names


@pytest.mark.parametrize("module", PURE_MODULES)
def test_pure_module_imports_no_framework(module: str) -> None:
    for name in _imports(ROOT / module):
        assert not name.startswith(FORBIDDEN_PREFIXES), f"{module} imports {name}"
        if name.startswith("portal"):
            assert name in PURE_NAMES, f"{module} imports {name}, which is not pure"
        else:
            top = name.split(".")[0]
            allowed = top in sys.stdlib_module_names or top == "__future__" or top in ALLOWED_THIRD_PARTY
            assert allowed, f"{module} imports {name}, a third-party module not in ALLOWED_THIRD_PARTY"


def test_no_unsafe_template_or_yaml_patterns() -> None:
    """The static gates of security-test-plan.md §2: no |safe, no render_template_string, safe YAML."""
    offenders = []
    for path in list((ROOT / "portal").rglob("*.py")) + list((ROOT / "templates").rglob("*.html")):
        text = path.read_text()
        for pattern in ("render_template_string", "|safe", "| safe", "autoescape false", "yaml.load(", "Markup("):
            if pattern in text:
                offenders.append(f"{path.relative_to(ROOT)}: {pattern}")
    assert offenders == []
