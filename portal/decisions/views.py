"""Decision pages: record a decision (or a correction), read it, sign it, and the administrative determination.
Each write view: load, authorise (404 for what the user may not see, 403 for what they may not do), validate, call
one operation, commit."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy.exc import IntegrityError

from portal.audit.denials import deny_access
from portal.committees.models import Committee
from portal.decisions import operations as ops
from portal.decisions import permissions as can
from portal.decisions.forms import CONDITION_ROWS, DecisionForm, SignForm, decision_draft
from portal.decisions.models import Appeal, Decision
from portal.decisions.queries import clocks_for, decisions_for, set_facts, superseded_ids
from portal.decisions.rules import JUDGMENT_ANSWERS, OUTCOME_LABELS, DecisionDraft, chosen, forbidden_outcomes
from portal.errors import PortalError
from portal.extensions import db
from portal.meetings.models import AgendaItem, Meeting
from portal.proposals.models import Proposal
from portal.proposals.views import load_proposal
from portal.signatures.operations import record_refused_signature
from portal.signatures.signing import SignatureRefused

bp = Blueprint("decisions", __name__)


def load_decision(decision_id: int) -> Decision:
    decision = db.session.get(Decision, decision_id)
    if decision is None:
        abort(404)
    if not can.can_view_decision(current_user, decision):
        deny_access(decision)
    return decision


def _meeting_items(proposal: Proposal) -> list[tuple[AgendaItem, Meeting]]:
    """The agenda items at which the committee took up the proposal, for the decision to name its vote."""
    rows = db.session.execute(
        db.select(AgendaItem, Meeting)
        .join(Meeting, Meeting.id == AgendaItem.meeting_id)
        .where(AgendaItem.proposal_id == proposal.id)
        .order_by(Meeting.starts_at.desc())
    )
    return [(item, meeting) for item, meeting in rows]


def _form(proposal: Proposal, draft: DecisionDraft, supersedes: Decision | None, problems: dict | None = None,
          status: int = 200):  # noqa: ANN202
    sets = set_facts(proposal)
    return render_template(
        "decisions/form.html",
        proposal=proposal,
        sets=sets,
        draft=draft,
        supersedes=supersedes,
        committees=can.deciding_committees(current_user, proposal),
        meeting_items=_meeting_items(proposal),
        forbidden=forbidden_outcomes(chosen(sets, draft)),
        problems=problems or {},
        form=DecisionForm(),
        OUTCOME_LABELS=OUTCOME_LABELS,
        JUDGMENT_ANSWERS=JUDGMENT_ANSWERS,
        rows=CONDITION_ROWS,
    ), status


def _superseded_from_request(proposal: Proposal) -> Decision | None:
    supersedes_id = request.values.get("supersedes", type=int)
    if supersedes_id is None:
        return None
    old = db.session.get(Decision, supersedes_id)
    if old is None or old.proposal_id != proposal.id:
        abort(404)
    if not can.can_correct(current_user, old, old.id in superseded_ids(proposal.id)):
        abort(403)
    return old


@bp.route("/proposals/<int:proposal_id>/decision", methods=["GET", "POST"])
@login_required
def decide(proposal_id: int):  # noqa: ANN201
    proposal = load_proposal(proposal_id)
    supersedes = _superseded_from_request(proposal)
    if supersedes is None and not can.can_decide(current_user, proposal):
        if not can.deciding_committees(current_user, proposal):
            abort(403)
        # Theirs to decide, but not yet (or no longer): say why rather than a bare "no access".
        raise ops.DecisionError(f"The proposal is {proposal.state_enum.label.lower()}, not awaiting a decision: a "
                                "decision can be recorded once every review is submitted and the review is complete.")
    if request.method == "GET":
        return _form(proposal, DecisionDraft(), supersedes)
    if not DecisionForm().validate():
        abort(400)
    sets = set_facts(proposal)
    draft = decision_draft(request.form, sets)
    committee = supersedes.committee if supersedes else _chosen_committee(proposal)
    if committee is None and (supersedes is None or supersedes.committee_id is not None):
        return _form(proposal, draft, supersedes, {"committee_id": "Choose the committee that decided."}, 400)
    item_id = request.form.get("meeting_item_id", type=int)
    if item_id is not None and item_id not in {item.id for item, _m in _meeting_items(proposal)}:
        item_id = None
    kind = "committee" if supersedes is None else ("appeal" if request.form.get("appeal_id") else "correction")
    try:
        decision = ops.make_decision(proposal, committee, sets, draft, actor=current_user._get_current_object(),
                                     kind=kind, meeting_item_id=item_id, supersedes=supersedes)
        _answer_appeal(decision)
        db.session.commit()
    except ops.DecisionIncomplete as incomplete:
        db.session.rollback()
        flash(incomplete.translated(), "error")
        return _form(proposal, draft, supersedes, incomplete.problems, 400)
    except (PortalError, IntegrityError) as refusal:
        db.session.rollback()
        flash(refusal.translated() if isinstance(refusal, PortalError) else _("Someone decided at the same moment."),
              "error")
        return _form(proposal, draft, supersedes, status=409)
    flash(_("Decision recorded. It needs the signatures of two people before it is final.")
          if decision.required_signatures == 2
          else _("Decision recorded. It needs the signatures of one person before it is final."), "info")
    return redirect(url_for("decisions.detail", decision_id=decision.id))


def _chosen_committee(proposal: Proposal) -> Committee | None:
    """The committee named in the form; the only one the user decides for when the form names none."""
    committees = can.deciding_committees(current_user, proposal)
    wanted = request.form.get("committee_id", type=int)
    if wanted is None and len(committees) == 1:
        return committees[0]
    return next((c for c in committees if c.id == wanted), None)


def _answer_appeal(decision: Decision) -> None:
    from portal.decisions.monitoring import link_appeal_decision

    appeal_id = request.form.get("appeal_id", type=int)
    if appeal_id is None:
        return
    appeal = db.session.get(Appeal, appeal_id)
    if appeal is None or appeal.decision_id != decision.supersedes_id:
        raise ops.DecisionError("That appeal is not about the decision being replaced.")
    link_appeal_decision(appeal, decision, actor=current_user._get_current_object())


@bp.route("/proposals/<int:proposal_id>/administrative-determination", methods=["POST"])
@login_required
def administrative(proposal_id: int):  # noqa: ANN201
    """One step: the coordinator records the determination and signs it, so it is final at once."""
    proposal = load_proposal(proposal_id, can.can_decide_administratively)
    form = SignForm()
    if not form.validate():
        flash(" ".join(e for f in form for e in f.errors) or _("Check the form."), "error")
        return redirect(url_for("proposals.detail", proposal_id=proposal.id) + "#decisions")
    actor = current_user._get_current_object()
    try:
        decision = ops.decide_out_of_scope(proposal, set_facts(proposal), actor=actor)
        ops.sign_decision(decision, password=form.password.data, printed_name=form.printed_name.data, actor=actor)
        db.session.commit()
    except SignatureRefused as refusal:
        db.session.rollback()
        record_refused_signature("administrative determination", str(refusal), actor=actor)
        db.session.commit()
        flash(_("%(message)s Nothing was recorded.", message=refusal.translated()), "error")
        return redirect(url_for("proposals.detail", proposal_id=proposal.id) + "#decisions")
    except PortalError as refusal:
        db.session.rollback()
        flash(refusal.translated(), "error")
        return redirect(url_for("proposals.detail", proposal_id=proposal.id) + "#decisions")
    flash(_("Administrative determination recorded and signed: the decision is final."), "info")
    return redirect(url_for("decisions.detail", decision_id=decision.id))


def _page(decision: Decision, sign_form: SignForm | None = None, status: int = 200):  # noqa: ANN202
    from portal.decisions.forms import AppealForm, AppealOutcomeForm, ClockForm, EvidenceForm, ReviewEvidenceForm
    from portal.decisions.monitoring_views import page_context

    proposal = decision.proposal
    superseded = superseded_ids(proposal.id)
    return render_template(
        "decisions/detail.html",
        decision=decision,
        proposal=proposal,
        history=decisions_for(proposal.id),
        superseded=superseded,
        clocks=[c for c in clocks_for(proposal.id) if c.decision_id == decision.id],
        sign_form=sign_form or SignForm(formdata=None),
        evidence_form=EvidenceForm(formdata=None),
        review_form=ReviewEvidenceForm(formdata=None),
        clock_form=ClockForm(formdata=None),
        appeal_form=AppealForm(formdata=None),
        appeal_outcome_form=AppealOutcomeForm(formdata=None),
        can=can,
        **page_context(decision, superseded),
    ), status


@bp.route("/decisions/<int:decision_id>")
@login_required
def detail(decision_id: int):  # noqa: ANN201
    return _page(load_decision(decision_id))


@bp.route("/decisions/<int:decision_id>/sign", methods=["POST"])
@login_required
def sign(decision_id: int):  # noqa: ANN201
    decision = load_decision(decision_id)
    if not can.can_sign(current_user, decision):
        abort(403)
    form = SignForm()
    if not form.validate():
        flash(" ".join(e for f in form for e in f.errors) or _("Check the form."), "error")
        return _page(decision, form, 400)
    actor = current_user._get_current_object()
    try:
        ops.sign_decision(decision, password=form.password.data, printed_name=form.printed_name.data, actor=actor)
        db.session.commit()
    except SignatureRefused as refusal:
        db.session.rollback()
        record_refused_signature("decision", str(refusal), actor=actor)
        db.session.commit()
        flash(refusal.translated(), "error")
        return _page(load_decision(decision_id), form, 400)
    except (PortalError, IntegrityError) as refusal:
        db.session.rollback()
        flash(refusal.translated() if isinstance(refusal, PortalError) else _("You have already signed this decision."),
              "error")
        return _page(load_decision(decision_id), form, 409)
    flash(_("Signed. The decision is final.") if decision.final else _("Signed. One more signature makes it final."),
          "info")
    return redirect(url_for("decisions.detail", decision_id=decision.id))


@bp.app_context_processor
def decision_predicates() -> dict[str, object]:
    from portal.clock import utcnow

    return {
        "can_decide": can.can_decide,
        "can_decide_administratively": can.can_decide_administratively,
        "now_date": lambda: utcnow().date(),
    }
