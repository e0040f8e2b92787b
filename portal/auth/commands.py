"""`flask users create`: accounts for the first administrators. Passwords are prompted, never echoed."""

from __future__ import annotations

import sys

import click
from flask.cli import AppGroup
from sqlalchemy import or_, select

from portal.auth import operations as ops
from portal.auth.passwords import password_problem
from portal.auth.roles import Role
from portal.extensions import db
from portal.institutions.models import Institution

users_cli = AppGroup("users", help="Manage user accounts.")


def find_institution(name: str) -> Institution | None:
    return db.session.scalar(select(Institution).where(or_(Institution.name == name, Institution.short_name == name)))


@users_cli.command("create")
@click.option("--email", required=True)
@click.option("--name", required=True)
@click.option("--institution", required=True, help="Institution name or short name (it must exist).")
@click.option("--department", default=None, help="Department name within the institution.")
@click.option(
    "--role",
    "roles",
    multiple=True,
    required=True,
    type=click.Choice([r.value for r in Role]),
    help="Repeat for several roles.",
)
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input instead of a prompt.")
def create_user_command(
    email: str, name: str, institution: str, department: str | None, roles: tuple[str, ...], password_stdin: bool
) -> None:
    """Create an active account. The password is never printed or logged."""
    found = find_institution(institution)
    if found is None:
        raise click.UsageError(f"No institution called {institution!r}. Create it with `flask institutions create`.")
    dept = None
    if department:
        dept = next((d for d in found.departments if d.name == department), None)
        if dept is None:
            raise click.UsageError(f"{found.name} has no department called {department!r}.")
    if password_stdin:
        password = sys.stdin.readline().rstrip("\n")
    else:
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    problem = password_problem(password, email=email, name=name)
    if problem:
        raise click.UsageError(f"Password refused: {problem}")
    try:
        user = ops.create_user(
            email=email,
            name=name,
            institution=found,
            department=dept,
            roles=[Role(r) for r in roles],
            password=password,
            actor=None,
        )
    except ops.AccountError as refusal:
        raise click.UsageError(str(refusal)) from None
    db.session.commit()
    click.echo(f"Created {user.email} ({', '.join(sorted(roles))}) at {found.name}.")
