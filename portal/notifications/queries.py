"""Read paths for the inbox: a person's notifications, less those about proposals they may no longer see (the same
rule as permissions.can_read_notification, in SQL). The unread count is on every signed-in page: one statement,
built once per shape of viewer."""

from __future__ import annotations

from functools import cache

from sqlalchemy import ColumnElement, Select, bindparam, func, or_, select

from portal.auth.models import User
from portal.auth.viewer import ANY_VIEWER, viewer_parameters
from portal.extensions import db
from portal.notifications.models import Notification
from portal.proposals.models import Proposal
from portal.proposals.permissions import INSTITUTION_READERS
from portal.proposals.queries import visible

INBOX_PAGE = 50
_OFFSET = bindparam("offset")


def _readable(institution_reader: bool) -> tuple[ColumnElement[bool], ...]:
    seen = select(Proposal.id).where(visible(ANY_VIEWER, institution_reader=institution_reader))
    return (
        Notification.recipient_id == ANY_VIEWER.id,
        Notification.in_inbox.is_(True),
        or_(Notification.proposal_id.is_(None), Notification.proposal_id.in_(seen)),
    )


@cache
def _unread_statement(institution_reader: bool) -> Select:
    return select(func.count(Notification.id)).where(*_readable(institution_reader), Notification.read_at.is_(None))


@cache
def _count_statement(institution_reader: bool) -> Select:
    return select(func.count(Notification.id)).where(*_readable(institution_reader))


@cache
def _page_statement(institution_reader: bool) -> Select:
    return (select(Notification).where(*_readable(institution_reader)).order_by(Notification.id.desc())
            .limit(INBOX_PAGE).offset(_OFFSET))


def _reader(user: User) -> bool:
    return user.has_role(*INSTITUTION_READERS)


def unread_count(user: User) -> int:
    if not user.is_active:
        return 0
    return db.session.scalar(_unread_statement(_reader(user)), viewer_parameters(user)) or 0


def inbox(user: User, page: int = 1) -> tuple[list[Notification], int]:
    """A page of the person's notifications, newest first, and how many they have in all."""
    if not user.is_active:
        return [], 0
    parameters = viewer_parameters(user)
    total = db.session.scalar(_count_statement(_reader(user)), parameters) or 0
    items = db.session.scalars(_page_statement(_reader(user)),
                               {**parameters, "offset": (max(page, 1) - 1) * INBOX_PAGE}).all()
    return list(items), total
