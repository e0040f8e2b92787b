"""The Dual-Use Review Portal. Start reading at create_app(), then proposals/states.py."""

from __future__ import annotations

import os
from typing import Any

from flask import Flask

from portal.config import ROOT, load_config


def create_app(overrides: dict[str, Any] | None = None) -> Flask:
    """Build the application: configuration, extensions, blueprints, CLI, error pages."""
    app = Flask(
        __name__,
        instance_path=str((overrides or {}).get("INSTANCE_PATH") or _instance_path()),
        template_folder=str(ROOT / "templates"),
        static_folder="static",
    )
    load_config(app, overrides)
    from portal.database import IdConverter

    app.url_map.converters["int"] = IdConverter  # before any route is added
    from portal.auth.sessions import UnitOfWorkSessionInterface

    app.session_interface = UnitOfWorkSessionInterface()
    _init_extensions(app)
    from portal.screenings.registry import init_criteria

    init_criteria(app)
    _register_blueprints(app)
    _register_cli(app)
    from portal.errors import register_error_pages
    from portal.security import register_security_headers

    register_error_pages(app)
    register_security_headers(app)
    return app


def _instance_path() -> str:
    return os.environ.get("PORTAL_INSTANCE_PATH") or str(ROOT / "instance")


def _init_extensions(app: Flask) -> None:
    from flask_babel import lazy_gettext

    from portal import models  # noqa: F401 - every table registered before migrations look
    from portal.database import configure_engine
    from portal.extensions import csrf, db, limiter, login_manager, migrate

    db.init_app(app)
    with app.app_context():
        configure_engine(app, db.engine)
    from portal.database import compare_column_type

    migrate.init_app(app, db, directory=str(ROOT / "portal" / "migrations"), render_as_batch=True,
                     compare_type=compare_column_type)
    csrf.init_app(app)
    login_manager.init_app(app)
    login_manager.login_view = "auth.sign_in"
    login_manager.login_message = lazy_gettext("Please sign in to continue.")
    login_manager.localize_callback = str  # flashes live in the session: a plain string, in the request's language
    login_manager.login_message_category = "info"
    login_manager.session_protection = "basic"
    app.config.setdefault("RATELIMIT_HEADERS_ENABLED", False)
    limiter.init_app(app)
    from portal.i18n.languages import init_i18n

    init_i18n(app)


def _register_blueprints(app: Flask) -> None:
    from portal.admin.views import bp as admin_bp
    from portal.audit.views import bp as audit_bp
    from portal.auth import language_views, mfa_views, reset_views, token_views  # noqa: F401 - routes on auth.bp
    from portal.auth.views import bp as auth_bp
    from portal.committees.views import bp as committees_bp
    from portal.consistency.views import bp as consistency_bp
    from portal.decisions import export_views, monitoring_views, record_views  # noqa: F401 - on decisions.bp
    from portal.decisions.views import bp as decisions_bp
    from portal.home.views import bp as home_bp
    from portal.jobs.views import bp as jobs_bp
    from portal.meetings import agenda_views, letters_views, minutes_views  # noqa: F401 - routes on meetings.bp
    from portal.meetings.views import bp as meetings_bp
    from portal.notifications.views import bp as notifications_bp
    from portal.proposals import file_views, team_views, version_views  # noqa: F401 - routes on proposals.bp
    from portal.proposals.views import bp as proposals_bp
    from portal.records.views import bp as records_bp
    from portal.reports.views import bp as reports_bp
    from portal.reports.whatif_views import bp as whatif_bp
    from portal.reviews import conflict_views, review_views  # noqa: F401 - routes on reviews.bp
    from portal.reviews.views import bp as reviews_bp
    from portal.revisions.views import bp as revisions_bp
    from portal.routing.views import bp as routing_bp
    from portal.screenings.views import bp as screenings_bp

    for blueprint in (home_bp, auth_bp, admin_bp, proposals_bp, screenings_bp, committees_bp, routing_bp, reviews_bp,
                      revisions_bp, decisions_bp, meetings_bp, records_bp, jobs_bp, audit_bp,
                      whatif_bp, reports_bp, notifications_bp, consistency_bp):
        app.register_blueprint(blueprint)
    from portal.api.views import init_api

    init_api(app)


def _register_cli(app: Flask) -> None:
    from portal.audit.commands import audit_cli
    from portal.auth.commands import users_cli
    from portal.backup.commands import backup_cli
    from portal.consistency.commands import consistency_cli
    from portal.decisions import commands as decision_commands  # noqa: F401 - adds `records export`
    from portal.demo.commands import demo_cli
    from portal.institutions.commands import institutions_cli
    from portal.jobs.commands import jobs_cli
    from portal.notifications.commands import notify_cli
    from portal.notifications.reminder_commands import clocks_cli
    from portal.records.commands import records_cli
    from portal.reports.commands import reports_cli

    for group in (audit_cli, backup_cli, users_cli, institutions_cli, demo_cli, records_cli, reports_cli, jobs_cli,
                  notify_cli, clocks_cli, consistency_cli):
        app.cli.add_command(group)
