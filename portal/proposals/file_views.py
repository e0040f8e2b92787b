"""Attachments: upload (PDF only, by content), download (as attachment only), remove from a draft."""

from __future__ import annotations

from flask import abort, current_app, flash, send_file
from flask_babel import gettext as _
from flask_login import current_user, login_required

from portal.audit.operations import record
from portal.auth.forms import ConfirmForm
from portal.errors import PortalError
from portal.extensions import db
from portal.proposals import operations as ops
from portal.proposals import permissions as can
from portal.proposals.attachments import discard_file, stored_path
from portal.proposals.forms import AttachmentForm
from portal.proposals.views import back_to, bp, load_proposal


@bp.route("/<int:proposal_id>/attachments", methods=["POST"])
@login_required
def upload(proposal_id: int):  # noqa: ANN201
    proposal = load_proposal(proposal_id, can.can_edit_proposal)
    form = AttachmentForm()
    if not form.validate_on_submit():
        flash(" ".join(map(str, form.document.errors)) or _("Choose a PDF file to upload."), "error")
        return back_to(proposal, "#attachments")
    upload = form.document.data
    directory = current_app.config["ATTACHMENT_DIR"]
    try:
        attachment = ops.add_attachment(
            proposal, filename=upload.filename, content=upload.read(), directory=directory, actor=current_user
        )
    except PortalError as refusal:
        db.session.rollback()
        flash(_("%(reason)s Nothing was attached.", reason=refusal), "error")
    else:
        try:
            db.session.commit()
        except Exception:
            discard_file(attachment.storage_name, directory)  # nothing was saved, so neither is the file
            raise
        flash(_("Attached %(filename)s (%(pages)s pages).", filename=attachment.filename, pages=attachment.pages),
              "info")
    return back_to(proposal, "#attachments")


@bp.route("/<int:proposal_id>/attachments/<int:attachment_id>")
@login_required
def download(proposal_id: int, attachment_id: int):  # noqa: ANN201
    proposal = load_proposal(proposal_id)
    attachment = next((a for a in proposal.attachments if a.id == attachment_id), None)
    if attachment is None:
        abort(404)
    path = stored_path(attachment.storage_name, current_app.config["ATTACHMENT_DIR"])
    if not path.is_file():
        abort(404)
    record("attachment.downloaded", actor=current_user, target=attachment)
    db.session.commit()
    response = send_file(
        path,
        mimetype="application/pdf",
        as_attachment=True,
        download_name=attachment.filename,
        max_age=0,
        conditional=False,
        etag=False,
    )
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.route("/<int:proposal_id>/attachments/<int:attachment_id>/remove", methods=["POST"])
@login_required
def remove_attachment(proposal_id: int, attachment_id: int):  # noqa: ANN201
    proposal = load_proposal(proposal_id, can.can_edit_proposal)
    attachment = next((a for a in proposal.current_attachments if a.id == attachment_id), None)
    if attachment is None or not ConfirmForm().validate_on_submit():
        abort(404)
    ops.remove_attachment(proposal, attachment, actor=current_user)
    db.session.commit()
    flash(_("Removed %(filename)s. Earlier submitted versions still list it.", filename=attachment.filename), "info")
    return back_to(proposal, "#attachments")
