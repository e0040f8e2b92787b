"""The catalogue as the tests read it: the committed .pot and zh_CN .po, what extraction finds in the sources, and
the compiled .mo (built here when missing or older than its .po, as `make` would)."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[2]
TRANSLATIONS = ROOT / "portal" / "translations"
POT = TRANSLATIONS / "messages.pot"
PO = TRANSLATIONS / "zh_Hans_CN" / "LC_MESSAGES" / "messages.po"
MO = PO.with_suffix(".mo")
# The same methods and keywords as babel.cfg and `make messages`.
METHODS = [("portal/**.py", "python"), ("templates/**.html", "jinja2"),
           ("templates/notifications/**.txt", "jinja2")]
KEYWORDS = {"_": None, "gettext": None, "ngettext": (1, 2), "N_": None, "_l": None, "lazy_gettext": None,
            "lazy_ngettext": (1, 2)}


def read(path: Path) -> Catalog:
    with path.open("rb") as handle:
        return read_po(handle)


def extracted() -> dict[str, set[str]]:
    """Every marked message in the sources: its msgid (the singular for plurals) and the files it is in."""
    found: dict[str, set[str]] = {}
    for filename, _lineno, message, _comments, _context in extract_from_dir(
        str(ROOT), METHODS, keywords=KEYWORDS, options_map={path: {} for path, kind in METHODS if kind == "jinja2"}
    ):
        msgid = message if isinstance(message, str) else message[0]
        found.setdefault(msgid, set()).add(filename)
    return found


def compile_if_stale() -> None:
    """Write the .mo from the .po when it is missing or older; atomically, so parallel workers never see half."""
    if MO.exists() and MO.stat().st_mtime >= PO.stat().st_mtime:
        return
    catalog = read(PO)
    handle, temporary = tempfile.mkstemp(dir=MO.parent, suffix=".mo.tmp")
    with os.fdopen(handle, "wb") as out:
        write_mo(out, catalog)
    os.replace(temporary, MO)
