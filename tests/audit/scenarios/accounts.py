"""Scenarios for accounts, institutions, jobs, backups, refused signatures and the sets an institution applies."""

from __future__ import annotations

from pathlib import Path

from flask import current_app

from portal.auth import operations as accounts
from portal.auth.roles import Role
from portal.extensions import db
from portal.jobs import operations as jobs
from portal.screenings.registry import all_sets
from tests.audit.scenarios import Call, call, scenario
from tests.factories import PASSWORD, Factory

AUTH = "portal.auth.operations"
NEW_PASSWORD = "an entirely different passphrase 42"


@scenario(f"{AUTH}.create_user", "user.created")
def _create_user(factory: Factory) -> Call:
    return call(email="new@example.org", name="New Person", institution=factory.institution(),
                roles=[Role.REVIEWER], password=PASSWORD, actor=None)


@scenario(f"{AUTH}.request_account", "account.requested")
def _request_account(factory: Factory) -> Call:
    institution = factory.institution()
    return call(email="asks@example.org", name="Asking Person", institution=institution,
                department=institution.departments[0], requested_role=Role.INVESTIGATOR,
                affiliation_statement="A postdoctoral researcher.", password=PASSWORD)


def _pending(factory: Factory):  # noqa: ANN202
    admin = factory.user(Role.ADMIN)
    pending = accounts.request_account(
        email="pending@example.org", name="Pending Person", institution=admin.institution, department=None,
        requested_role=Role.INVESTIGATOR, affiliation_statement="A student.", password=PASSWORD)
    db.session.commit()
    return pending, admin


@scenario(f"{AUTH}.approve_account", "account.approved")
def _approve_account(factory: Factory) -> Call:
    pending, admin = _pending(factory)
    return call(pending, roles=[Role.INVESTIGATOR], actor=admin)


@scenario(f"{AUTH}.refuse_account", "account.refused")
def _refuse_account(factory: Factory) -> Call:
    pending, admin = _pending(factory)
    return call(pending, reason="Not known to the department.", actor=admin)


@scenario(f"{AUTH}.set_account_disabled", "account.disabled")
def _disable(factory: Factory) -> Call:
    return call(factory.user(Role.REVIEWER), True, actor=factory.user(Role.ADMIN))


@scenario(f"{AUTH}.change_password", "user.password_changed")
def _change_password(factory: Factory) -> Call:
    user = factory.user()
    return call(user, NEW_PASSWORD, actor=user)


@scenario(f"{AUTH}.set_language", "account.language_changed")
def _set_language(factory: Factory) -> Call:
    user = factory.user()
    return call(user, "zh_CN", actor=user)


@scenario(f"{AUTH}.record_sign_in", "user.signed_in")
def _sign_in(factory: Factory) -> Call:
    return call(factory.user())


@scenario(f"{AUTH}.record_failed_sign_in", "user.sign_in_failed")
def _failed_sign_in(factory: Factory) -> Call:
    user = factory.user()
    return call(user.email, user)


@scenario(f"{AUTH}.sign_out", "user.signed_out")
def _sign_out(factory: Factory) -> Call:
    return call(factory.user())


@scenario(f"{AUTH}.create_invitation", "invitation.created")
def _invite(factory: Factory) -> Call:
    return call(email="invited@example.org", name="Invited Person", role=Role.REVIEWER, department=None, days=7,
                actor=factory.user(Role.ADMIN))


@scenario(f"{AUTH}.accept_invitation", "invitation.accepted")
def _accept(factory: Factory) -> Call:
    invitation, _token = accounts.create_invitation(email="invited@example.org", name="Invited Person",
                                                    role=Role.REVIEWER, department=None, days=7,
                                                    actor=factory.user(Role.ADMIN))
    db.session.commit()
    return call(invitation, password=NEW_PASSWORD)


@scenario("portal.institutions.operations.create_institution", "institution.created")
def _create_institution(factory: Factory) -> Call:
    return call("Fictional University", "FU", "Fictional Republic", actor=None)


@scenario("portal.institutions.operations.add_department", "department.created")
def _add_department(factory: Factory) -> Call:
    return call(factory.institution(), "Virology", actor=None)


@scenario("portal.institutions.operations.set_record_language", "institution.record_language_set")
def _set_record_language(factory: Factory) -> Call:
    admin = factory.user(Role.ADMIN)
    return call(admin.institution, "zh_CN", actor=admin)


def _job(factory: Factory, *, started: bool = True):  # noqa: ANN202
    job = jobs.create_job("record_export", {"decision_ids": []}, total=1, actor=factory.user(Role.COORDINATOR))
    if started:
        jobs.start_job(job)
    db.session.commit()
    return job


@scenario("portal.jobs.operations.create_job", "job.created")
def _create_job(factory: Factory) -> Call:
    return call("record_export", {"decision_ids": [1]}, total=1, actor=factory.user(Role.COORDINATOR))


@scenario("portal.jobs.operations.start_job", "job.started")
def _start_job(factory: Factory) -> Call:
    return call(_job(factory, started=False))


@scenario("portal.jobs.operations.finish_job", "job.finished")
def _finish_job(factory: Factory) -> Call:
    return call(_job(factory), result_path="records.zip", message="Done.")


@scenario("portal.jobs.operations.fail_job", "job.failed")
def _fail_job(factory: Factory) -> Call:
    return call(_job(factory), message="The disk is full.")


@scenario("portal.signatures.operations.record_refused_signature", "signature.refused")
def _refused_signature(factory: Factory) -> Call:
    return call("submitted as principal investigator", "The password is not correct.", actor=factory.user())


@scenario("portal.screenings.operations.set_criteria_set_active", "criteria_set.activated")
def _activate_set(factory: Factory) -> Call:
    return call(factory.institution(), all_sets()["usg-durc-pepp-2024"], True, actor=factory.user(Role.ADMIN))


@scenario("portal.backup.operations.create_backup", "backup.created")
def _backup(factory: Factory) -> Call:
    factory.user()
    suffix = "sqlite3" if db.engine.dialect.name == "sqlite" else "dump"
    return call(db.engine, Path(current_app.instance_path) / "backups" / f"portal.{suffix}")
