"""Translated Jinja environments outside a request: a decision record in its institution's language, a
notification in its recipient's. No Flask here (the record renderer runs in a child process without the app)."""

from __future__ import annotations

from functools import cache
from pathlib import Path

from babel import Locale
from babel.support import NullTranslations, Translations
from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

from portal.config import ROOT

TRANSLATIONS_DIR = ROOT / "portal" / "translations"
SOURCE_LANGUAGE = "en"  # the language templates and messages are written in


@cache
def translations_for(language: str) -> NullTranslations:
    if language == SOURCE_LANGUAGE:
        return NullTranslations()
    # Babel spells zh_CN as zh_Hans_CN, the catalogue's folder; no catalogue found gives NullTranslations (English).
    return Translations.load(str(TRANSLATIONS_DIR), [Locale.parse(language)])


@cache
def translated_environment(folder: Path, language: str) -> Environment:
    """Templates in `folder` with _() and ngettext() in `language`. Outside Flask, Jinja does not escape by default
    (security-test-plan.md §2.2): HTML templates escape, plain-text e-mail (.txt) must not, anything else does."""
    environment = Environment(
        loader=FileSystemLoader(str(folder)),
        autoescape=select_autoescape(enabled_extensions=("html", "xml"), disabled_extensions=("txt",), default=True),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        extensions=["jinja2.ext.i18n"],
    )
    # newstyle: _('... %(x)s', x=value) formats its values, escaping them where the environment escapes.
    environment.install_gettext_translations(translations_for(language), newstyle=True)
    return environment
