"""Write path for accounts. Every function flushes, audits and leaves the commit to its caller."""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from sqlalchemy import func, select

from portal.audit.operations import record
from portal.auth.models import Invitation, User, UserRole
from portal.auth.passwords import hash_password
from portal.auth.roles import AccountStatus, Role
from portal.clock import utcnow
from portal.errors import PortalError
from portal.extensions import db
from portal.i18n.languages import LANGUAGES
from portal.i18n.marks import N_
from portal.institutions.models import Department, Institution


class AccountError(PortalError):
    """An account operation was refused; the message is for the user."""


def normalise_email(email: str) -> str:
    return email.strip().lower()


def find_user_by_email(email: str) -> User | None:
    return db.session.scalar(select(User).where(User.email == normalise_email(email)))


def _ensure_email_free(email: str) -> None:
    if db.session.scalar(select(func.count()).select_from(User).where(User.email == email)):
        raise AccountError(N_("An account with this e-mail address already exists or has been requested."))


def create_user(
    *,
    email: str,
    name: str,
    institution: Institution,
    roles: list[Role],
    password: str,
    department: Department | None = None,
    actor: User | None,
) -> User:
    email = normalise_email(email)
    _ensure_email_free(email)
    user = User(
        email=email,
        name=name.strip(),
        institution=institution,
        department=department,
        password_hash=hash_password(password),
        status=AccountStatus.ACTIVE.value,
    )
    user.role_rows = [UserRole(role=role.value) for role in sorted(set(roles))]
    db.session.add(user)
    record(
        "user.created",
        actor=actor,
        target=user,
        data={"email": email, "roles": sorted(r.value for r in set(roles)), "institution_id": institution.id},
    )
    return user


def request_account(
    *,
    email: str,
    name: str,
    institution: Institution,
    department: Department | None,
    requested_role: Role,
    affiliation_statement: str,
    password: str,
) -> User:
    """A person asks for an account; it can do nothing until an admin verifies them."""
    email = normalise_email(email)
    _ensure_email_free(email)
    user = User(
        email=email,
        name=name.strip(),
        institution=institution,
        department=department,
        password_hash=hash_password(password),
        status=AccountStatus.PENDING.value,
        requested_role=requested_role.value,
        affiliation_statement=affiliation_statement.strip(),
    )
    db.session.add(user)
    record(
        "account.requested",
        actor=None,
        target=user,
        data={"email": email, "institution_id": institution.id, "requested_role": requested_role.value},
    )
    return user


def approve_account(user: User, *, roles: list[Role], actor: User) -> None:
    if user.status != AccountStatus.PENDING:
        raise AccountError(N_("Only a pending request can be approved."))
    user.status = AccountStatus.ACTIVE.value
    user.role_rows = [UserRole(role=role.value) for role in sorted(set(roles))]
    user.decided_by_id, user.decided_at = actor.id, utcnow()
    record("account.approved", actor=actor, target=user, data={"roles": sorted(r.value for r in set(roles))})


def refuse_account(user: User, *, reason: str, actor: User) -> None:
    if user.status != AccountStatus.PENDING:
        raise AccountError(N_("Only a pending request can be refused."))
    user.status = AccountStatus.REFUSED.value
    user.decided_by_id, user.decided_at = actor.id, utcnow()
    record("account.refused", actor=actor, target=user, data={"reason": reason.strip()})


def set_account_disabled(user: User, disabled: bool, *, actor: User) -> None:
    user.status = (AccountStatus.DISABLED if disabled else AccountStatus.ACTIVE).value
    user.session_version += 1
    record("account.disabled" if disabled else "account.enabled", actor=actor, target=user)


def change_password(user: User, new_password: str, *, actor: User) -> None:
    user.password_hash = hash_password(new_password)
    user.session_version += 1  # every other copy of the session cookie stops working
    record("user.password_changed", actor=actor, target=user)


def set_language(user: User, locale: str | None, *, actor: User) -> None:
    """Save the person's language; None follows the browser again. Only a supported code is accepted."""
    if locale is not None and locale not in LANGUAGES:
        raise AccountError(N_("Choose one of the languages in the list."))
    previous = user.locale
    if previous == locale:
        return
    user.locale = locale
    record("account.language_changed", actor=actor, target=user, data={"from": previous, "to": locale})


def record_sign_in(user: User) -> None:
    record("user.signed_in", actor=user, target=user)


def record_failed_sign_in(email: str, user: User | None) -> None:
    record(
        "user.sign_in_failed",
        actor=None,
        target=("users", user.id if user else None),
        data={"email": normalise_email(email)[:254]},
    )


def sign_out(user: User) -> None:
    user.session_version += 1
    record("user.signed_out", actor=user, target=user)


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def create_invitation(
    *, email: str, name: str, role: Role, department: Department | None, days: int, actor: User
) -> tuple[Invitation, str]:
    """Return the invitation and its token; the token is shown once and stored only as a hash."""
    email = normalise_email(email)
    _ensure_email_free(email)
    token = secrets.token_urlsafe(32)
    invitation = Invitation(
        institution_id=actor.institution_id,
        department_id=department.id if department is not None else None,  # Invitation has no relationship
        email=email,
        name=name.strip(),
        role=role.value,
        token_hash=_token_hash(token),
        expires_at=utcnow() + timedelta(days=days),
        created_by_id=actor.id,
    )
    db.session.add(invitation)
    record(
        "invitation.created",
        actor=actor,
        target=invitation,
        data={"email": email, "role": role.value, "expires_at": invitation.expires_at.isoformat()},
    )
    return invitation, token


def find_open_invitation(token: str) -> Invitation | None:
    invitation = db.session.scalar(select(Invitation).where(Invitation.token_hash == _token_hash(token)))
    if invitation is None or invitation.used_at is not None or invitation.expires_at < utcnow():
        return None
    return invitation


def accept_invitation(invitation: Invitation, *, password: str) -> User:
    if invitation.used_at is not None or invitation.expires_at < utcnow():
        raise AccountError(N_("This invitation has expired or has already been used."))
    _ensure_email_free(invitation.email)
    user = User(
        email=invitation.email,
        name=invitation.name,
        institution_id=invitation.institution_id,
        department_id=invitation.department_id,
        password_hash=hash_password(password),
        status=AccountStatus.ACTIVE.value,
        decided_by_id=invitation.created_by_id,
        decided_at=utcnow(),
    )
    user.role_rows = [UserRole(role=invitation.role)]
    invitation.used_at = utcnow()
    db.session.add(user)
    # One event for the one change: the account that the accepted invitation brought into being.
    record(
        "invitation.accepted",
        actor=None,
        target=user,
        data={"email": user.email, "roles": [invitation.role], "invitation_id": invitation.id},
    )
    return user
