"""Submitted versions and the differences between any two of them."""

from __future__ import annotations

import json

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import login_required

from portal.proposals.diff import diff_fields, diff_lists
from portal.proposals.display import display_value
from portal.proposals.fields import FIELDS
from portal.proposals.models import Proposal, ProposalVersion
from portal.proposals.views import bp, load_proposal


def _version(proposal: Proposal, number: int) -> ProposalVersion:
    version = next((v for v in proposal.versions if v.number == number), None)
    if version is None:
        abort(404)
    return version


@bp.route("/<int:proposal_id>/versions/<int:number>")
@login_required
def version(proposal_id: int, number: int):  # noqa: ANN201
    proposal = load_proposal(proposal_id)
    version = _version(proposal, number)
    return render_template(
        "proposals/version.html",
        proposal=proposal,
        version=version,
        snapshot=json.loads(version.snapshot),
        fields=FIELDS,
        display_value=display_value,
    )


@bp.route("/<int:proposal_id>/diff")
@login_required
def diff(proposal_id: int):  # noqa: ANN201
    proposal = load_proposal(proposal_id)
    if proposal.version_count < 2:
        flash(_("There is only one version so far; a comparison needs two."), "info")
        return redirect(url_for("proposals.detail", proposal_id=proposal.id))
    a = request.args.get("a", type=int) or proposal.version_count - 1
    b = request.args.get("b", type=int) or proposal.version_count
    if a == b:
        flash(_("Choose two different versions to compare."), "error")
        a, b = proposal.version_count - 1, proposal.version_count
    old, new = _version(proposal, min(a, b)), _version(proposal, max(a, b))
    old_snap, new_snap = json.loads(old.snapshot), json.loads(new.snapshot)
    return render_template(
        "proposals/diff.html",
        proposal=proposal,
        old=old,
        new=new,
        field_diffs=diff_fields(old_snap, new_snap),
        list_diffs=diff_lists(old_snap, new_snap),
    )
