"""Static gates (security-test-plan.md §2.2, §2.5, §2.6; checks 8, 11, 12 and 13 in their static part): no |safe or
Markup() of non-literals, no render_template_string, no non-literal text(), no yaml.load without a safe loader,
Jinja environments only with autoescape, templates only with autoescaped extensions. Reviewed exceptions live in
static_allowlist.yaml, each with its reason."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from tests.security.static_gates import ROOT, Finding, project_findings, python_findings

ALLOWLIST = Path(__file__).with_name("static_allowlist.yaml")


def _allowlist() -> set[tuple[str, str]]:
    entries = yaml.safe_load(ALLOWLIST.read_text(encoding="utf-8"))
    for entry in entries:
        assert entry.get("reason", "").strip(), f"allowlist entry without a reason: {entry}"
    return {(e["gate"], e["path"]) for e in entries}


def test_the_project_passes_every_gate_outside_the_reviewed_allowlist() -> None:
    findings = project_findings()
    allowed = _allowlist()
    unexpected = [f for f in findings if (f.gate, f.path) not in allowed]
    assert unexpected == [], "\n".join(f"{f.path}:{f.line} [{f.gate}] {f.what}" for f in unexpected)
    stale = allowed - {(f.gate, f.path) for f in findings}
    assert not stale, f"allowlist entries that match nothing any more (remove them): {sorted(stale)}"


def test_the_records_environment_escapes() -> None:
    """portal/records/document.py builds its own Jinja environment (the PDF's HTML): it must autoescape."""
    from portal.records.document import _environment

    environment = _environment()
    assert environment.autoescape("record.html") is True
    rendered = environment.from_string("{{ v }}").render(v="<img src=file:///etc/hostname>")
    assert rendered == "&lt;img src=file:///etc/hostname&gt;"


def _gates(source: str) -> list[str]:
    return [f.gate for f in python_findings({"example.py": source})]


@pytest.mark.parametrize(
    ("source", "gates"),
    [
        ("from sqlalchemy import text\ntext('SELECT 1 WHERE id = :id')", []),
        ("from sqlalchemy import text\ntext(f'SELECT {x}')", ["text"]),
        ("from sqlalchemy import text as sql\nsql('SELECT ' + order)", ["text"]),
        ("import sqlalchemy as sa\nsa.text(query)", ["text"]),
        ("from flask import render_template_string\nrender_template_string(s)", ["render_template_string"]),
        ("from markupsafe import Markup\nMarkup('<b>fixed</b>')", []),
        ("from markupsafe import Markup\nMarkup(user_text)", ["markup"]),
        ("import yaml\nyaml.safe_load(s)", []),
        ("import yaml\nyaml.load(s)", ["yaml"]),
        ("import yaml\nyaml.load(s, Loader=yaml.Loader)", ["yaml"]),
        ("import yaml\nyaml.load(s, Loader=yaml.SafeLoader)", []),
        ("import yaml\nyaml.full_load(s)", ["yaml"]),
        ("import yaml\nclass L(yaml.SafeLoader): pass\nyaml.compose(s, Loader=L)", []),
        ("from jinja2 import Environment\nEnvironment(loader=x)", ["jinja"]),
        ("from jinja2 import Environment\nEnvironment(autoescape=False)", ["jinja"]),
        ("from jinja2 import Environment, select_autoescape\nEnvironment(autoescape=select_autoescape())", []),
    ],
)
def test_the_gates_catch_what_they_should(source: str, gates: list[str]) -> None:
    """The gate's own check: each banned pattern is found, each safe one is not."""
    assert _gates(source) == gates


def test_templates_with_safe_filters_or_other_extensions_are_found(tmp_path, monkeypatch) -> None:
    from tests.security import static_gates

    templates = tmp_path / "templates"
    templates.mkdir()
    (templates / "page.html").write_text("{{ x|safe }}\n{% autoescape false %}{{ y }}{% endautoescape %}\n")
    (templates / "decision.j2").write_text("{{ x }}")
    monkeypatch.setattr(static_gates, "ROOT", tmp_path)
    found = {(f.gate, f.path) for f in static_gates.template_findings(templates)}
    assert found == {("safe-filter", "templates/page.html"), ("autoescape-off", "templates/page.html"),
                     ("template-extension", "templates/decision.j2")}
    assert ROOT.name  # the real root is untouched


def test_findings_name_file_and_line() -> None:
    finding = python_findings({"m.py": "\n\nfrom sqlalchemy import text\ntext(q)"})[0]
    assert finding == Finding("text", "m.py", 4, "text() of a non-literal (f-string, concatenation or name)")
