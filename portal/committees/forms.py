"""Forms for committee settings, members and the deputy chair."""

from __future__ import annotations

from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateField,
    EmailField,
    HiddenField,
    IntegerField,
    RadioField,
    SelectChoice,
    SelectField,
    StringField,
)
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional, Regexp, ValidationError

from portal.clock import utcnow
from portal.committees.kinds import STANDARD_KINDS, MemberRole
from portal.committees.models import Committee
from portal.committees.operations import SETTINGS

CUSTOM = "custom"
KIND_CHOICES = [SelectChoice("", _l("Choose…"))] + [SelectChoice(k, _l(label)) for k, label in STANDARD_KINDS.items()]
KIND_CHOICES.append(SelectChoice(CUSTOM, _l("Another kind (name it below)")))
QUORUM_RULES = [
    SelectChoice("count", _l("A fixed number of voting members")),
    SelectChoice("percent", _l("A percentage of the voting members, rounded up")),
]
ROLE_CHOICES = [SelectChoice(role.value, _l(role.label)) for role in MemberRole]
MAX_QUORUM_COUNT = 500


def _strip(value: str | None) -> str | None:
    return value.strip() if isinstance(value, str) else value


def _number(label: str, low: int, high: int, description: str, missing: str) -> IntegerField:
    return IntegerField(
        label,
        description=description,
        validators=[
            InputRequired(missing),
            NumberRange(low, high, _l("Give a whole number from %(low)s to %(high)s.", low=low, high=high)),
        ],
    )


class CommitteeForm(FlaskForm):
    lock_version = HiddenField()
    name = StringField(
        _l("Name"),
        filters=[_strip],
        validators=[DataRequired(_l("Give the committee a name.")),
                    Length(max=200, message=_l("Use at most 200 characters."))],
    )
    kind = SelectField(_l("Kind of committee"), choices=KIND_CHOICES, validators=[InputRequired(_l("Choose a kind."))])
    custom_kind = StringField(
        _l("Name of the other kind"),
        description=_l("Only when the kind is “Another kind”: lower-case letters, digits and underscores, "
                       "such as animal_welfare."),
        filters=[_strip],
        validators=[
            Optional(),
            Length(max=40, message=_l("Use at most 40 characters.")),
            Regexp(
                r"^(?=.*[a-z])[a-z0-9_]+$",
                message=_l("Use lower-case letters, digits and underscores only, with at least one letter."),
            ),
        ],
    )
    quorum_rule = RadioField(_l("Quorum counted as"), choices=QUORUM_RULES, validate_choice=False)
    quorum_value = IntegerField(
        _l("Quorum"),
        description=_l("A number of members (at least 1), or a percentage from 1 to 100."),
        validators=[InputRequired(_l("Give the quorum as a whole number."))],
    )
    require_non_scientist = BooleanField(_l("A non-scientist or community member must be present for quorum"))
    reviewers_per_proposal = _number(
        _l("Reviewers per proposal"), 1, 50, _l("How many members review each proposal."),
        _l("Give a whole number for reviewers per proposal."),
    )
    review_due_days = _number(
        _l("Days to review"), 1, 365, _l("Reviews are due this many days after assignment."),
        _l("Give a whole number for days to review."),
    )
    max_revision_rounds = _number(
        _l("Revision rounds allowed"), 0, 20, _l("How many times a proposal may be sent back for revisions."),
        _l("Give a whole number for revision rounds allowed."),
    )
    closed_review = BooleanField(_l("Closed review: investigators never see who reviewed their proposal"))

    def validate(self, extra_validators: Any = None) -> bool:
        valid = super().validate(extra_validators)
        # Optional() stops the field's own chain when it is empty, so this check lives here.
        if self.kind.data == CUSTOM and not self.custom_kind.data and not self.custom_kind.errors:
            self.custom_kind.errors.append(_("Name the other kind of committee."))
            valid = False
        return valid

    def validate_quorum_rule(self, field: RadioField) -> None:
        given = [value for value in (field.raw_data or []) if value]
        if not given:
            raise ValidationError(_("Choose whether the quorum is a number of members or a percentage."))
        if len(given) > 1:
            raise ValidationError(_("Choose one quorum rule: a number of members or a percentage, not both."))
        if given[0] not in ("count", "percent"):
            raise ValidationError(_("Choose a number of members or a percentage."))

    def validate_quorum_value(self, field: IntegerField) -> None:
        if field.data is None:
            return
        if self.quorum_rule.data == "percent" and not 1 <= field.data <= 100:
            raise ValidationError(_("A percentage quorum must be from 1 to 100."))
        if self.quorum_rule.data == "count" and not 1 <= field.data <= MAX_QUORUM_COUNT:
            raise ValidationError(_("A quorum of members must be from 1 to %(max)s.", max=MAX_QUORUM_COUNT))

    def settings(self) -> dict[str, Any]:
        """The values for portal.committees.operations: exactly one quorum rule is set."""
        percent = self.quorum_rule.data == "percent"
        return {
            "name": self.name.data,
            "kind": self.custom_kind.data if self.kind.data == CUSTOM else self.kind.data,
            "quorum_count": None if percent else self.quorum_value.data,
            "quorum_percent": self.quorum_value.data if percent else None,
            "require_non_scientist": self.require_non_scientist.data,
            "reviewers_per_proposal": self.reviewers_per_proposal.data,
            "review_due_days": self.review_due_days.data,
            "max_revision_rounds": self.max_revision_rounds.data,
            "closed_review": self.closed_review.data,
        }


def committee_form(committee: Committee | None = None) -> CommitteeForm:
    """A form filled from the committee (or with the defaults for a new one); a POST's values win."""
    if committee is None:
        initial: dict[str, Any] = {
            "quorum_rule": "percent",
            "quorum_value": 50,
            "require_non_scientist": True,
            "reviewers_per_proposal": 2,
            "review_due_days": 14,
            "max_revision_rounds": 3,
            "closed_review": True,
        }
        return CommitteeForm(data=initial)
    standard = committee.kind in STANDARD_KINDS
    initial = {key: getattr(committee, key) for key in SETTINGS}
    initial |= {
        "lock_version": committee.lock_version,
        "kind": committee.kind if standard else CUSTOM,
        "custom_kind": "" if standard else committee.kind,
        "quorum_rule": "count" if committee.quorum_count is not None else "percent",
        "quorum_value": committee.quorum_count if committee.quorum_count is not None else committee.quorum_percent,
    }
    return CommitteeForm(data=initial)


class MemberForm(FlaskForm):
    email = EmailField(
        _l("E-mail address of a portal user"),
        filters=[_strip],
        validators=[InputRequired(_l("Give the member's e-mail address.")), Length(max=254)],
    )
    role = SelectField(_l("Role on the committee"), choices=ROLE_CHOICES, default=MemberRole.MEMBER.value)
    non_scientist = BooleanField(_l("Non-scientist or community member"))
    external_expert = BooleanField(_l("External expert, with access until a date"))
    access_until = DateField(
        _l("Access until"),
        description=_l("Required for an external expert: the last day of their access (today or later)."),
        validators=[Optional()],
    )
    expertise = StringField(
        _l("Expertise"),
        description=_l("Comma-separated tags, such as virology, biosecurity policy."),
        validators=[Optional(), Length(max=500, message=_l("Use at most 500 characters."))],
    )

    def validate_access_until(self, field: DateField) -> None:
        if field.data is not None and field.data < utcnow().date():
            raise ValidationError(_("The last day of access must be today or later."))

    def validate(self, extra_validators: Any = None) -> bool:
        valid = super().validate(extra_validators)
        # Optional() stops the field's own chain when it is empty, so this check lives here.
        if self.external_expert.data and self.access_until.data is None and not self.access_until.errors:
            self.access_until.errors.append(_("Give the last day of the external expert's access."))
            valid = False
        return valid

    def tags(self) -> str:
        """The expertise tags, trimmed, lower-case and without repeats, in the order given."""
        seen: dict[str, None] = {}
        for tag in (self.expertise.data or "").split(","):
            if tag.strip():
                seen.setdefault(" ".join(tag.lower().split()), None)
        return ", ".join(seen)


class DeputyForm(FlaskForm):
    deputy = SelectField(_l("Deputy chair"), coerce=int)

    def offer(self, committee: Committee) -> DeputyForm:
        """Any member but the chair may deputise; 0 means no deputy."""
        others = [m for m in committee.members if m.role != MemberRole.CHAIR]
        self.deputy.choices = [SelectChoice(0, _l("No deputy"))] + [SelectChoice(m.id, m.user.name) for m in others]
        if self.deputy.data is None:
            current = next((m.id for m in others if m.user_id == committee.deputy_id), 0)
            self.deputy.data = current
        return self


class RoleForm(FlaskForm):
    role = SelectField(_l("Role"), choices=ROLE_CHOICES)
