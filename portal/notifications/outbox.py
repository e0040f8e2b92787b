"""Writing messages: `notify` is called by the operation whose event it reports, in that operation's transaction
(a rolled-back event notifies nobody), after its audit event, which covers the messages; it writes no event of its
own. The sender (portal.notifications.sender) sends them after the commit."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterable
from typing import Any

from flask import current_app

from portal.auth.models import User
from portal.clock import utcnow
from portal.extensions import db
from portal.i18n.catalogues import SOURCE_LANGUAGE
from portal.notifications.events import event
from portal.notifications.models import DIGESTED, IMMEDIATE, NOT_SENT, OFF, PENDING, Notification
from portal.notifications.render import Rendered, render
from portal.notifications.sender import send_after_this_request
from portal.proposals.models import Proposal
from portal.proposals.permissions import can_view_proposal

Params = dict[str, Any] | Callable[[User], dict[str, Any] | None]


def notify(kind: str, recipients: Iterable[User], *, params: Params, proposal: Proposal | None = None,
           link: str = "") -> list[Notification]:
    """One message per recipient, rendered in their language, in the current transaction.

    The access policy decides who hears of a proposal: a recipient who may not see it (conflicted, or no longer on
    the committee) gets nothing. `params` may be a function of the recipient, returning None to leave them out, so
    a message lists only what that person may see. Whoever causes the event is audited by the calling operation."""
    spec = event(kind)
    written: list[Notification] = []
    seen: set[int] = set()
    for user in recipients:
        if user.id in seen or not user.is_active or not user.email:
            continue
        seen.add(user.id)
        if proposal is not None and not can_view_proposal(user, proposal):
            continue
        values = params(user) if callable(params) else params
        if values is None:
            continue
        written.append(_write(spec.kind, user, values, proposal=proposal, link=link, mandatory=spec.mandatory))
    if written:
        db.session.flush()
        send_after_this_request()
    return written


def message_for(kind: str, user: User, values: dict[str, Any], link: str) -> tuple[str, Rendered]:
    """The message `user` receives, in their language (and which language that is): what is written, and what a
    preview shows before anything is."""
    language = user.locale or SOURCE_LANGUAGE
    base_url = str(current_app.config["BASE_URL"]).rstrip("/")
    return language, render(kind, language, {
        **values, "recipient": user.name, "url": f"{base_url}{link}" if link else "",
        "preferences_url": f"{base_url}/account/notifications",
    })


def _write(kind: str, user: User, values: dict[str, Any], *, proposal: Proposal | None, link: str,
           mandatory: bool, in_inbox: bool = True) -> Notification:
    language, rendered = message_for(kind, user, values, link)
    delivery = IMMEDIATE if mandatory else user.notify_delivery
    notification = Notification(
        message_id=f"<{uuid.uuid4().hex}@{current_app.config['MAIL_MESSAGE_ID_DOMAIN']}>",
        recipient_id=user.id, event=kind, proposal_id=proposal.id if proposal is not None else None,
        language=language, subject=rendered.subject, body=rendered.body, link=link, mandatory=mandatory,
        in_inbox=in_inbox, delivery=delivery, email_state=NOT_SENT if delivery == OFF else PENDING,
        next_attempt_at=utcnow(), last_error="",
    )
    db.session.add(notification)
    return notification


def write_digest(user: User, items: list[Notification]) -> Notification:
    """One e-mail carrying the person's digest notifications; they stay in the inbox, the digest does not."""
    digest = _write("digest", user, {"items": items}, proposal=None, link="/inbox", mandatory=False,
                    in_inbox=False)
    digest.delivery = IMMEDIATE
    digest.email_state = PENDING
    db.session.flush()
    for item in items:
        item.digest_id = digest.id
        item.email_state = DIGESTED
    return digest


