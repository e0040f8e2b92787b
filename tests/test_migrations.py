"""Migrations build the schema on an empty database, match the models, and run both ways."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade
from sqlalchemy import inspect

from portal.database import compare_column_type
from portal.extensions import db

EXPECTED_TABLES = {
    "institutions",
    "departments",
    "users",
    "user_roles",
    "invitations",
    "proposals",
    "proposal_members",
    "external_collaborators",
    "attachments",
    "proposal_versions",
    "signatures",
    "audit_events",
    "alembic_version",
    "screenings",
    "institution_criteria_sets",
    "committees",
    "committee_members",
    "conflict_declarations",
    "proposal_committees",
    "review_assignments",
    "reviews",
    "revision_requests",
    "revision_items",
    "meetings",
    "agenda_items",
    "meeting_attendance",
    "meeting_recusals",
    "meeting_votes",
    "decisions",
    "decision_signatures",
    "decision_conditions",
    "clocks",
    "appeals",
    "jobs",
    "mfa_recovery_codes",
    "password_resets",
    "api_tokens",
}


def _drift() -> list:
    with db.engine.connect() as connection:
        opts = {"compare_type": compare_column_type, "render_as_batch": True}
        context = MigrationContext.configure(connection, opts=opts)
        return compare_metadata(context, db.metadata)


def test_migrations_create_every_table(app):
    assert EXPECTED_TABLES <= set(inspect(db.engine).get_table_names())


def test_models_and_migrations_do_not_drift(app):
    assert _drift() == []


def test_downgrade_to_empty_and_upgrade_again(app):
    db.session.remove()
    downgrade(revision="base")
    assert set(inspect(db.engine).get_table_names()) <= {"alembic_version"}
    upgrade()
    assert EXPECTED_TABLES <= set(inspect(db.engine).get_table_names())
    assert _drift() == []
