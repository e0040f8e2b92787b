"""Reading checks: the latest of a version with its findings (the proposal and review pages), and the latest of
many versions in one statement (the triage queue)."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from portal.consistency.models import ConsistencyCheck
from portal.extensions import db


def latest_check(version_id: int) -> ConsistencyCheck | None:
    return db.session.scalars(
        select(ConsistencyCheck).options(selectinload(ConsistencyCheck.findings))
        .where(ConsistencyCheck.version_id == version_id).order_by(ConsistencyCheck.id.desc()).limit(1)
    ).first()


def latest_checks(version_ids: list[int]) -> dict[int, ConsistencyCheck]:
    """Keyed by version id; the findings are not loaded (each check carries its count)."""
    if not version_ids:
        return {}
    latest: dict[int, ConsistencyCheck] = {}
    for check in db.session.scalars(
        select(ConsistencyCheck).where(ConsistencyCheck.version_id.in_(version_ids)).order_by(ConsistencyCheck.id)
    ):
        latest[check.version_id] = check
    return latest


def latest_finished_check(version_id: int) -> ConsistencyCheck | None:
    """The check a reviewer saw: the version's latest that has run."""
    return db.session.scalars(
        select(ConsistencyCheck).where(ConsistencyCheck.version_id == version_id,
                                       ConsistencyCheck.checked_at.is_not(None))
        .order_by(ConsistencyCheck.id.desc()).limit(1)
    ).first()
