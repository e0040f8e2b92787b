"""The revision request form. Its items are a variable list, read from the posted data by `item_drafts`."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from werkzeug.datastructures import MultiDict
from wtforms import BooleanField, IntegerField
from wtforms.validators import Optional

from portal.revisions.operations import ITEM_LIMIT, MAX_ITEMS, ItemDraft

BLANK_ITEMS = 3  # empty boxes offered for new items


class RevisionRequestForm(FlaskForm):
    committee_id = IntegerField(_l("Committee"), validators=[Optional()])
    confirm = BooleanField(_l("I have read these items and confirm that the investigators may read them."))


class AnswersForm(FlaskForm):
    """CSRF only: the answers are one textarea per item, named answer-<item id>."""


def item_drafts(data: MultiDict) -> list[ItemDraft]:
    """The included, non-empty items in the order posted; unknown or malformed fields are ignored."""
    drafts = []
    for n in range(MAX_ITEMS + BLANK_ITEMS + 20):
        text = (data.get(f"item-{n}") or "").strip()
        if not text or data.get(f"include-{n}") is None:
            continue
        source = data.get(f"source-{n}") or ""
        drafts.append(ItemDraft(text[: ITEM_LIMIT + 1], int(source) if source.isdigit() else None))
    return drafts


def answers_from(data: MultiDict, item_ids: list[int]) -> dict[int, str]:
    return {i: data.get(f"answer-{i}") or "" for i in item_ids if f"answer-{i}" in data}
