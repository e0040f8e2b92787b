"""Reviewer assignment and the review form. The review's per-criterion fields are generated from the version's
screenings, so they are read from the posted data by `review_values`, not declared here."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from werkzeug.datastructures import MultiDict
from wtforms import DateField, HiddenField, IntegerField, TextAreaField
from wtforms.validators import InputRequired, Length, Optional

from portal.i18n.forms import PlainErrorsForm
from portal.reviews.models import Review
from portal.reviews.rules import ADVICE, Advice, Assessment, CriterionItem, ReviewValues, default_assessment

TEXT_LIMIT = 5000


class AssignForm(PlainErrorsForm):
    committee_id = IntegerField(_l("Committee"), validators=[InputRequired(message=_l("Choose a committee."))])
    reviewer_id = IntegerField(_l("Member"), validators=[InputRequired(message=_l("Choose a member to assign."))])
    due_on = DateField(_l("Due on (optional; the committee's default otherwise)"), validators=[Optional()])


class WithdrawAssignmentForm(PlainErrorsForm):
    reason = TextAreaField(_l("Reason"), validators=[Optional(), Length(max=2000)])


class ReviewForm(PlainErrorsForm):
    """The fixed part of the review form: CSRF, the copy it was opened from, and the comments. The recommendation
    is read with the generated fields; an unknown value is dropped by the operation, the other input kept."""

    lock_version = HiddenField()
    committee_comment = TextAreaField(
        _l("Comments for the committee only"),
        description=_l("Never shown to the investigators."),
        validators=[Length(max=20000)],
    )
    investigator_comment = TextAreaField(
        _l("Comments addressed to the investigator"),
        description=_l("Not shown to the investigators as you write them: the chair or coordinator may include them "
                       "in a revision request, which they preview and confirm before anything is sent."),
        validators=[Length(max=20000)],
    )


def _choice(value: str | None) -> bool | None:
    return {"agree": True, "disagree": False}.get(value or "")


def review_values(data: MultiDict, items: list[CriterionItem]) -> ReviewValues:
    """Read the generated fields of a posted review form; unknown keys and values are ignored."""
    assessments, judgments = {}, {}
    for item in items:
        assessments[item.key] = Assessment(
            _choice(data.get(f"agree-{item.key}")), (data.get(f"rationale-{item.key}") or "")[:TEXT_LIMIT]
        )
        if item.judgment:
            advice = data.get(f"advice-{item.key}")
            judgments[item.key] = Advice(
                advice if advice in ADVICE else None, (data.get(f"advice-rationale-{item.key}") or "")[:TEXT_LIMIT]
            )
    return ReviewValues(
        assessments=assessments,
        judgments=judgments,
        recommendation=data.get("recommendation") or None,
        committee_comment=data.get("committee_comment") or "",
        investigator_comment=data.get("investigator_comment") or "",
    )


def values_of(review: Review | None, items: list[CriterionItem]) -> ReviewValues:
    """What the form shows for a saved review (or defaults when there is none)."""
    if review is None:
        return ReviewValues(assessments={item.key: default_assessment(item) for item in items})
    saved = review.assessment_map()
    return ReviewValues(
        assessments={item.key: saved.get(item.key) or default_assessment(item) for item in items},
        judgments=review.judgment_map(),
        recommendation=review.recommendation,
        committee_comment=review.committee_comment,
        investigator_comment=review.investigator_comment,
    )
