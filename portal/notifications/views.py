"""The inbox (/inbox) and the e-mail preference (/account/notifications). The unread count in the menu comes from
`unread_notifications()`, a template global this blueprint installs."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user, login_required

from portal.audit.denials import load_or_deny
from portal.auth.redirects import safe_next
from portal.extensions import db
from portal.notifications import operations as ops
from portal.notifications.forms import DeliveryForm
from portal.notifications.models import Notification
from portal.notifications.permissions import can_read_notification
from portal.notifications.queries import INBOX_PAGE, inbox, unread_count

bp = Blueprint("notifications", __name__)


@bp.record_once
def _install_unread_count(state) -> None:  # noqa: ANN001 - Flask's BlueprintSetupState
    state.app.jinja_env.globals["unread_notifications"] = lambda: (
        unread_count(current_user) if current_user.is_authenticated else 0
    )


def _mine(notification_id: int) -> Notification:
    return load_or_deny(Notification, notification_id, can_read_notification)


@bp.route("/inbox")
@login_required
def inbox_page():  # noqa: ANN201
    page = request.args.get("page", 1, type=int) or 1
    items, total = inbox(current_user, page)
    pages = max(1, -(-total // INBOX_PAGE))
    return render_template("notifications/inbox.html", items=items, total=total, page=min(page, pages),
                           pages=pages, unread=unread_count(current_user))


@bp.route("/inbox/<int:notification_id>/open", methods=["POST"])
@login_required
def open_notification(notification_id: int):  # noqa: ANN201
    notification = _mine(notification_id)
    ops.mark_read(notification, actor=current_user)
    db.session.commit()
    return redirect(safe_next(notification.link, url_for("notifications.inbox_page")))


@bp.route("/inbox/<int:notification_id>/read", methods=["POST"])
@login_required
def mark_read(notification_id: int):  # noqa: ANN201
    ops.mark_read(_mine(notification_id), actor=current_user)
    db.session.commit()
    return redirect(url_for("notifications.inbox_page"))


@bp.route("/inbox/read-all", methods=["POST"])
@login_required
def mark_all_read():  # noqa: ANN201
    count = ops.mark_all_read(actor=current_user)
    db.session.commit()
    if count:
        flash(ngettext("Marked %(num)d notification as read.", "Marked %(num)d notifications as read.", count), "info")
    else:
        flash(_("Nothing was unread."), "info")
    return redirect(url_for("notifications.inbox_page"))


@bp.route("/account/notifications", methods=["GET", "POST"])
@login_required
def preferences():  # noqa: ANN201
    user = current_user._get_current_object()
    form = DeliveryForm() if request.method == "POST" else DeliveryForm(delivery=user.notify_delivery, formdata=None)
    if request.method == "POST":
        if form.validate():
            ops.set_delivery(user, form.delivery.data, actor=user)
            db.session.commit()
            flash(_("Your e-mail preference is saved."), "info")
            return redirect(url_for("notifications.preferences"))
        return render_template("notifications/preferences.html", form=form), 400
    return render_template("notifications/preferences.html", form=form)
