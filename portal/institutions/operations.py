"""Write path for institutions and departments."""

from __future__ import annotations

from portal.audit.operations import Actor, record
from portal.errors import PortalError
from portal.extensions import db
from portal.i18n.languages import LANGUAGES
from portal.i18n.marks import N_
from portal.institutions.models import Department, Institution


class InstitutionError(PortalError):
    """A change to an institution's settings that cannot be made as asked; nothing was changed."""


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


def set_record_language(institution: Institution, language: str, *, actor: Actor) -> None:
    """The language the labels of the institution's decision records are printed in, from the next record made.

    A record's data is printed as written, whatever the language; only a code of LANGUAGES is accepted."""
    if language not in LANGUAGES:
        raise InstitutionError(N_("Choose one of the languages in the list."))
    previous = institution.record_language
    if previous == language:
        return
    institution.record_language = language
    record("institution.record_language_set", actor=actor, target=institution,
           data={"from": previous, "to": language})
