"""The world the access sweeps run in: the leak crawl's canary world (institution A: proposals P, Q and R through
review, a meeting, a signed decision, an export job), then people who may not see it: everyone of another
institution (B, with its own committees and proposal, one person per role) and a bystander investigator of A; and,
for what belongs to P and R, the chair, the coordinator and the reviewer who are conflicted with them."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import func, select

from portal.auth.models import User
from portal.auth.roles import Role
from portal.decisions.models import Appeal, Decision
from portal.extensions import db
from tests.factories import Factory
from tests.leaks.world import LeakWorld, build_leak_world
from tests.reviews.conftest import make_world

CANARY_PREFIX = "LK-"  # every canary of the leak world starts so; nothing of institution B does


@dataclass
class SweepWorld:
    leak: LeakWorld
    last_home_id: dict[str, int]  # per table, the highest id that belongs to institution A
    outsiders: list[User]
    conflicted: list[User]
    conflicts: dict[int, set[int]]  # user id -> the proposals they are declared conflicted with
    people: dict[str, User] = field(default_factory=dict)

    def is_home(self, table: str, row_id: int) -> bool:
        return row_id <= self.last_home_id.get(table, 0)

    def proposal_of(self, table: str, row_id: int) -> int | None:
        """The proposal an object belongs to, for the conflicted relation (None: not a proposal's object)."""
        if table == "proposals":
            return row_id
        if table == "appeals":
            return db.session.scalar(select(Decision.proposal_id).join(Appeal, Appeal.decision_id == Decision.id)
                                     .where(Appeal.id == row_id))
        columns = db.metadata.tables[table].c
        if "proposal_id" not in columns:
            return None
        return db.session.scalar(select(columns.proposal_id).where(columns.id == row_id))


def _last_ids() -> dict[str, int]:
    return {name: db.session.scalar(select(func.max(table.c.id))) or 0
            for name, table in db.metadata.tables.items() if "id" in table.c}


def _other_institution(factory: Factory) -> dict[str, User]:
    """Institution B, fully staffed: its chair, reviewer and coordinator have a committee and a proposal to run."""
    b = make_world(factory)
    people = {"B chair": b.chair, "B reviewer": b.reviewer, "B coordinator": b.coordinator,
              "B investigator": b.proposal.pi}
    for role in (Role.ADMIN, Role.GOVERNANCE):
        people[f"B {role.value}"] = factory.user(role, institution=b.institution, name=f"Other {role.value}")
    return people


def _more_kinds(factory: Factory, leak: LeakWorld) -> None:
    """Objects the leak world lacks: an external collaborator (on a draft), an appeal of R's decision and the PI's
    personal API token."""
    from portal.auth.api_tokens import Scope
    from portal.auth.token_operations import create_token
    from portal.decisions.monitoring import file_appeal
    from portal.proposals.operations import add_collaborator

    draft = factory.proposal(leak.pi, title="Draft with a collaborator LK-DRAFT-COLLAB")
    add_collaborator(draft, name="Dr Ext LK-COLLAB", affiliation="Fictional Institute", role="Adviser", actor=leak.pi)
    decision = db.session.scalars(select(Decision).order_by(Decision.id)).first()
    file_appeal(decision, level="institutional", grounds="The conditions are unclear LK-APPEAL",
                actor=decision.proposal.pi)
    create_token(actor=leak.pi, name="Grants sync LK-TOKEN", scopes=[Scope.PROPOSALS_READ], days=90)
    db.session.commit()


def build_sweep_world() -> SweepWorld:
    factory = Factory()
    leak = build_leak_world(factory)
    _more_kinds(factory, leak)
    last_home = _last_ids()
    people = _other_institution(factory)
    home = leak.chair.institution
    people["A bystander"] = factory.user(Role.INVESTIGATOR, institution=home, name="Bystander investigator")
    conflicted = [leak.chair, leak.coordinator, leak.recused_reviewer]
    declared = db.metadata.tables["conflict_declarations"].c
    conflicts = {person.id: set(db.session.scalars(select(declared.proposal_id).where(declared.user_id == person.id)))
                 for person in conflicted}
    return SweepWorld(
        leak=leak,
        last_home_id=last_home,
        outsiders=list(people.values()),
        conflicted=conflicted,
        conflicts=conflicts,
        people=people,
    )
