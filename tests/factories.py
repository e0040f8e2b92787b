"""Factories: objects made through the portal's own operations, so every one is audited."""

from __future__ import annotations

import itertools

from portal.auth import operations as accounts
from portal.auth.models import User
from portal.auth.roles import Role
from portal.demo.pdf import simple_pdf
from portal.extensions import db
from portal.institutions.models import Department, Institution
from portal.institutions.operations import add_department, create_institution
from portal.proposals import operations as proposals
from portal.proposals.models import Proposal

PASSWORD = "correct horse battery staple"
COMPLETE_FIELDS = {
    "lay_summary": "A fictional study used by the test suite.",
    "aims": "To exercise the portal.",
    "methods_summary": "A desk review at a high level.",
    "funding_source": "federal",
    "funding_agency": "Fictional Agency",
    "award_number": "FA-1",
    "sites": "Main campus",
    "countries": "Fictional Republic",
    "containment_level": "bsl2",
}
_counter = itertools.count(1)


class Factory:
    def institution(self, name: str | None = None) -> Institution:
        n = next(_counter)
        institution = create_institution(name or f"Institution {n}", f"I{n}", "Fictional Republic", actor=None)
        add_department(institution, "Microbiology", actor=None)
        add_department(institution, "Immunology", actor=None)
        db.session.commit()
        return institution

    def user(
        self,
        *roles: Role,
        institution: Institution | None = None,
        email: str | None = None,
        name: str | None = None,
        password: str = PASSWORD,
        department: Department | None = None,
    ) -> User:
        """Investigators default to the first department, everyone else to the second, so that committee
        staff are not conflicted by sharing the PI's department unless a test says so."""
        n = next(_counter)
        institution = institution or self.institution()
        roles = list(roles) or [Role.INVESTIGATOR]
        if department is None:
            department = institution.departments[0 if Role.INVESTIGATOR in roles else 1]
        user = accounts.create_user(
            email=email or f"user{n}@example.org",
            name=name or f"Test User {n}",
            institution=institution,
            department=department,
            roles=roles,
            password=password,
            actor=None,
        )
        db.session.commit()
        return user

    def pdf(self, text: str = "A fictional test document.") -> bytes:
        return simple_pdf([text])

    def proposal(
        self,
        pi: User,
        *,
        title: str = "A fictional proposal",
        complete: bool = True,
        submitted: bool = False,
        directory: str | None = None,
    ) -> Proposal:
        from flask import current_app

        proposal = proposals.create_proposal(title=title, actor=pi)
        if complete or submitted:
            proposals.update_proposal(proposal, COMPLETE_FIELDS, actor=pi)
            proposals.add_attachment(
                proposal,
                filename="plan.pdf",
                content=self.pdf(),
                directory=directory or current_app.config["ATTACHMENT_DIR"],
                actor=pi,
            )
        if submitted:
            proposals.submit_proposal(proposal, actor=pi, password=PASSWORD, printed_name=pi.name, attested=True)
        db.session.commit()
        return proposal
