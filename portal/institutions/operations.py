"""Write path for institutions and departments."""

from __future__ import annotations

from portal.audit.operations import Actor, record
from portal.extensions import db
from portal.institutions.models import Department, Institution


def create_institution(name: str, short_name: str, country: str, *, actor: Actor | None) -> Institution:
    institution = Institution(name=name, short_name=short_name, country=country)
    db.session.add(institution)
    record("institution.created", actor=actor, target=institution, data={"name": name})
    return institution


def add_department(institution: Institution, name: str, *, actor: Actor | None) -> Department:
    department = Department(institution=institution, name=name)
    db.session.add(department)
    record("department.created", actor=actor, target=department, data={"institution_id": institution.id, "name": name})
    return department
