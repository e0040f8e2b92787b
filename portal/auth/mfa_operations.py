"""Write path for two-step sign-in. Every function writes exactly one audit event; the caller commits.

Single use is enforced by the database, not by a read-then-write: the last accepted TOTP step and a recovery
code's use are conditional UPDATEs, so two requests racing with the same code cannot both succeed.
"""

from __future__ import annotations

from sqlalchemy import delete, func, or_, select, update

from portal.audit.operations import record
from portal.auth import mfa
from portal.auth.models import RecoveryCode, User
from portal.auth.passwords import verify_password
from portal.auth.roles import Role
from portal.clock import iso, utcnow
from portal.errors import PortalError
from portal.extensions import db
from portal.i18n.marks import N_
from portal.institutions.models import Institution

STAFF_ROLES = (Role.CHAIR, Role.COORDINATOR, Role.ADMIN)


class MfaError(PortalError):
    """A two-step sign-in change was refused; the message is for the user."""


class EnrolmentRefused(MfaError):
    """The password or the code at enrolment was wrong; `field` says which."""

    def __init__(self, field: str) -> None:
        wrong = N_("The password was not correct.") if field == "password" else N_("The code was not correct.")
        super().__init__(wrong)
        self.field = field


def must_enrol(user: User) -> bool:
    """Staff of an institution that requires two-step sign-in, who have not set it up yet."""
    return not user.mfa_enabled and user.institution.require_mfa_for_staff and user.has_role(*STAFF_ROLES)


def recovery_codes_left(user: User) -> int:
    unused = RecoveryCode.used_at.is_(None)
    return db.session.scalar(select(func.count()).where(RecoveryCode.user_id == user.id, unused))


def enrol(user: User, secret: str, code: str, password: str) -> list[str]:
    """Turn two-step sign-in on once the person re-entered their password and their app shows the right code.

    Returns the recovery codes, once, for the page that shows them; they are stored only as hashes. Other
    sessions end: they were opened with the password alone. A refusal is audited before it is raised, so the
    caller commits in both cases."""
    if user.mfa_enabled:
        raise MfaError(N_("Two-step sign-in is already set up for your account."))
    step = mfa.matching_step(secret, code, after=None)
    wrong = "password" if not verify_password(user.password_hash, password) else "code" if step is None else None
    if wrong:
        record("mfa.enrolment_failed", actor=user, target=user, data={"wrong": wrong})
        raise EnrolmentRefused(wrong)
    codes = mfa.new_recovery_codes()
    user.mfa_secret, user.mfa_enabled_at, user.mfa_last_step = secret, utcnow(), step
    user.session_version += 1
    db.session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
    db.session.add_all(RecoveryCode(user_id=user.id, code_hash=mfa.recovery_code_hash(c)) for c in codes)
    record("mfa.enrolled", actor=user, target=user, data={"recovery_codes": len(codes)})
    return codes


def check_code(user: User, code: str) -> str | None:
    """Accept a TOTP code (each time step once) or an unused recovery code; returns which, or None."""
    if not user.mfa_enabled:
        return None
    step = mfa.matching_step(user.mfa_secret, code, after=None)
    fresh = step is not None and (user.mfa_last_step is None or step > user.mfa_last_step)
    if fresh and _claim_step(user, step):
        record("mfa.code_accepted", actor=user, target=user, data={"step": step})
        return "totp"
    code_hash = mfa.recovery_code_hash(code)
    if code_hash is not None and _claim_recovery_code(user, code_hash):
        record("mfa.recovery_code_used", actor=user, target=user, data={"left": recovery_codes_left(user)})
        return "recovery_code"
    record("mfa.code_refused", actor=user, target=user, data={"replayed": step is not None})
    return None


def _claim_step(user: User, step: int) -> bool:
    claimed = db.session.execute(
        update(User)
        .where(User.id == user.id, or_(User.mfa_last_step.is_(None), User.mfa_last_step < step))
        .values(mfa_last_step=step)
        .execution_options(synchronize_session=False)
    )
    if claimed.rowcount != 1:
        return False
    user.mfa_last_step = step
    return True


def _claim_recovery_code(user: User, code_hash: str) -> bool:
    claimed = db.session.execute(
        update(RecoveryCode)
        .where(RecoveryCode.user_id == user.id, RecoveryCode.code_hash == code_hash, RecoveryCode.used_at.is_(None))
        .values(used_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    return claimed.rowcount == 1


def reset(user: User, *, actor: User) -> None:
    """An administrator removes a lost authenticator: the person signs in with the password and enrols again."""
    if actor.id == user.id:
        raise MfaError(N_("Another administrator must reset your own two-step sign-in."))
    if not user.mfa_enabled:
        raise MfaError(N_("%(name)s has not set up two-step sign-in."), name=user.name)
    enabled_at = user.mfa_enabled_at
    user.mfa_secret = user.mfa_enabled_at = user.mfa_last_step = None
    user.session_version += 1  # a session opened with the lost device ends too
    db.session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
    record("mfa.reset", actor=actor, target=user, data={"enabled_at": iso(enabled_at)})


def set_staff_requirement(institution: Institution, required: bool, *, actor: User) -> None:
    institution.require_mfa_for_staff = required
    record(
        "institution.staff_mfa_required" if required else "institution.staff_mfa_relaxed",
        actor=actor,
        target=institution,
        data={"roles": sorted(r.value for r in STAFF_ROLES)},
    )
