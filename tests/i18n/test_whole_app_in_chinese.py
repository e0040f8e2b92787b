"""Acceptance 3 (issue 9), the whole application: every page of the portal that any demo person can open (every GET
route with every id of the demo, crawled as each demo person with Chinese chosen) shows no English message of the
catalogue. What may stay English is taken out of the page text first: the data people typed or the demo wrote (every
text value in the database), the criteria sets' own text (in the sets' languages, English for most), and the text a
person signs. The JSON API and its documentation answer in English by design and are not crawled.

A message counts as left when one of its English fragments (markup and placeholders taken out, three letters or
more) stands as words in the text; the positive control shows the same crawl in English finds plenty."""

from __future__ import annotations

import json
import re
from collections import defaultdict
from pathlib import Path

import pytest
import yaml
from flask import Flask
from sqlalchemy import String, Text, select

from portal.auth.models import User
from portal.demo.seed import DEMO_PASSWORD, DEMO_USERS
from portal.extensions import db
from tests.conftest import sign_in
from tests.i18n.catalogue import POT, read
from tests.i18n.test_pages_in_chinese import SIGNED_TEXT, visible_text
from tests.leaks.test_canary_crawl import crawl_urls

ROOT = Path(__file__).resolve().parents[2]
NOT_CRAWLED = ("/api/", "/sign-out", "/static/")
# Words the Chinese pages keep on purpose: units, file formats, standards and the names of things.
# A fragment as words of their own: not inside an identifier, a path or an address (per_page, portal.example).
WORD = r"(?<![\w/.@-])%s(?![\w/@-])"
KEPT = {"PDF", "CSV", "JSON", "SHA-256", "UTC", "PDF/A", "API", "MFA", "WCAG"}


def _fragments() -> dict[str, str]:
    """English fragment -> its msgid, for every message of the catalogue."""
    found = {}
    for message in read(POT):
        if not message.id:
            continue
        for msgid in [message.id] if isinstance(message.id, str) else message.id:
            text = re.sub(r"<[^>]+>", " ", msgid)
            for piece in re.split(r"%\(\w+\)[sd]|%[sd]", text):
                piece = piece.strip(" .,:;()?!·-–—\"'")
                if re.search(r"[A-Za-z]{3,}", piece) and piece not in KEPT:
                    found[piece] = msgid
    return found


def _strings(value: object) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for v in value.values() for s in _strings(v)]
    if isinstance(value, list):
        return [s for v in value for s in _strings(v)]
    return []


def _criteria_text() -> list[str]:
    return [s for path in sorted((ROOT / "review_criteria").rglob("*.yaml"))
            for s in _strings(yaml.safe_load(path.read_text(encoding="utf-8")))]


def _json_or_none(value: str) -> object:
    if value[:1] not in "[{":
        return None
    try:
        return json.loads(value)
    except ValueError:
        return None


def _database_text() -> list[str]:
    """Every text value stored: what people and the demo wrote, names, titles, reasons, generated minutes."""
    values: list[str] = []
    for table in db.metadata.sorted_tables:
        columns = [c for c in table.c if isinstance(c.type, String | Text)]
        if columns:
            for row in db.session.execute(select(*columns)):
                for value in row:
                    if isinstance(value, str) and len(value) > 1:
                        values += [value, *_strings(_json_or_none(value))]  # JSON columns: their strings too
    return values


class Check:
    """The fragments left in a page once the allowed text is out; a substring test first keeps 3,000 pages fast."""

    def __init__(self, allowed: list[str]) -> None:
        self.fragments = _fragments()
        # As the page text is read: whitespace runs made one space (stored minutes and YAML have line breaks).
        self.allowed = sorted({" ".join(value.split()) for value in allowed} - {""}, key=len, reverse=True)
        self._seen: dict[str, list[str]] = {}

    def left(self, page: str) -> list[str]:
        if page not in self._seen:
            text = page
            for value in self.allowed:
                if value in text:
                    text = text.replace(value, " ")
            self._seen[page] = [f for f in self.fragments if f in text and re.search(WORD % re.escape(f), text)]
        return self._seen[page]


def _crawl(app: Flask, email: str, language: str) -> dict[str, str]:
    """url -> the page's visible text, for every HTML page the person can open."""
    person = db.session.scalar(select(User).where(User.email == email))
    person.locale = language
    db.session.commit()
    client = app.test_client()
    sign_in(client, email, DEMO_PASSWORD)
    pages = {}
    for url in crawl_urls(app):
        if url.startswith(NOT_CRAWLED):
            continue
        response = client.get(url)
        assert response.status_code < 500, f"{url} as {email}: {response.status_code}"
        if response.status_code == 200 and response.mimetype == "text/html":
            pages[url] = visible_text(response.get_data(as_text=True))
        response.close()
    return pages


@pytest.fixture
def check(app: Flask) -> Check:
    result = app.test_cli_runner().invoke(args=["demo", "seed"])
    assert result.exit_code == 0, result.output
    return Check(_database_text() + _criteria_text() + SIGNED_TEXT)


def test_no_page_any_demo_person_can_open_keeps_english_in_chinese(app: Flask, check: Check) -> None:
    left: dict[str, set[str]] = defaultdict(set)
    pages = 0
    for person in DEMO_USERS:
        for url, text in _crawl(app, person.email, "zh_CN").items():
            pages += 1
            for fragment in check.left(text):
                at = text.find(fragment)
                where = f"{re.sub(r'/[0-9]+', '/<id>', url)}: …{text[max(0, at - 60):at + 60]}…"
                left[f"{fragment!r} (of {check.fragments[fragment]!r})"].add(where)
    assert pages > 150, f"only {pages} pages were crawled"
    report = [f"{message} on {', '.join(sorted(urls)[:3])}" for message, urls in sorted(left.items())]
    assert report == [], f"{len(report)} messages left in English:\n" + "\n".join(report)


def test_the_same_crawl_in_english_finds_the_messages(app: Flask, check: Check) -> None:
    """The positive control: the check would see English if it were there."""
    found: set[str] = set()
    for person in DEMO_USERS[:6]:
        for text in _crawl(app, person.email, "en").values():
            found |= set(check.left(text))
    assert len(found) > 300, len(found)
