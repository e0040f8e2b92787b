"""`flask institutions create`: the institution and its departments, before its first users."""

from __future__ import annotations

import click
from flask.cli import AppGroup

from portal.extensions import db
from portal.institutions.operations import add_department, create_institution

institutions_cli = AppGroup("institutions", help="Manage institutions and departments.")


@institutions_cli.command("create")
@click.option("--name", required=True)
@click.option("--short-name", required=True)
@click.option("--country", required=True)
@click.option("--department", "departments", multiple=True, help="Repeat for several departments.")
def create_institution_command(name: str, short_name: str, country: str, departments: tuple[str, ...]) -> None:
    institution = create_institution(name, short_name, country, actor=None)
    for department in departments:
        add_department(institution, department, actor=None)
    db.session.commit()
    click.echo(f"Created {name} with {len(departments)} department(s).")
