"""A notification's subject and body in its recipient's language, from templates/notifications/<kind>.txt.

The first line of the rendered template is the subject, the rest the body: one file per event keeps the two
together for translators. Plain text: nothing is HTML-escaped here (the mail is text/plain); the inbox page shows
the text through the autoescaped layout."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from portal.config import ROOT
from portal.i18n.catalogues import translated_environment
from portal.notifications.events import event

TEMPLATE_DIR = ROOT / "templates" / "notifications"
SUBJECT_LENGTH = 300


@dataclass(frozen=True)
class Rendered:
    subject: str
    body: str


def render(kind: str, language: str, params: dict[str, Any]) -> Rendered:
    text = translated_environment(TEMPLATE_DIR, language).get_template(event(kind).template).render(**params)
    first, _, rest = text.strip().partition("\n")
    # A subject is one header line: titles typed by people must not add lines (header injection) or run on.
    subject = " ".join(first.split())[:SUBJECT_LENGTH]
    return Rendered(subject=subject, body=rest.strip() + "\n")
