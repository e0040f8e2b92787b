"""The verify page: upload a decision-record PDF, see whether it is intact and signed by this portal."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, render_template
from flask_login import current_user, login_required

from portal.records import service
from portal.records.forms import VerifyForm
from portal.records.keys import KeyProblem
from portal.records.pdfcheck import PDF_MAGIC
from portal.records.permissions import can_verify_records

bp = Blueprint("records", __name__, url_prefix="/records")


@bp.route("/verify", methods=["GET", "POST"])
@login_required
def verify():  # noqa: ANN201
    if not can_verify_records(current_user):
        abort(404)
    form = VerifyForm()
    if not form.validate_on_submit():
        return _page(form, status=400 if form.is_submitted() else 200)
    limit = current_app.config["RECORDS_VERIFY_MAX_BYTES"]
    content = form.document.data.read(limit + 1)
    if len(content) > limit:
        form.document.errors.append(f"The file is larger than {limit // (1024 * 1024)} MB; no record is that large.")
        return _page(form, status=413)
    if PDF_MAGIC not in content[:1024]:
        form.document.errors.append("This file is not a PDF. Decision records are PDF files.")
        return _page(form, status=400)
    try:
        result = service.verify(content)
    except KeyProblem as problem:
        current_app.logger.error("record verification unavailable: %s", problem)
        return _page(form, status=503, key_problem="The portal's public key is not configured; ask an administrator.")
    return _page(VerifyForm(formdata=None), result=result)


def _page(form: VerifyForm, *, status: int = 200, **context: object):  # noqa: ANN202
    return render_template("records/verify.html", form=form, **context), status
