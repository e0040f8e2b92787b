"""Read paths: which sets apply to an institution, and the screenings of a version."""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

from sqlalchemy import select

from portal.criteria.model import CriteriaSet
from portal.extensions import db
from portal.screenings.models import InstitutionCriteriaSet, Screening
from portal.screenings.registry import all_sets

STATUS_ORDER = {"in_force": 0, "superseded": 1, "provisional": 2, "voluntary": 3}


def display_order(sets: Iterable[CriteriaSet]) -> list[CriteriaSet]:
    return sorted(sets, key=lambda s: (STATUS_ORDER.get(s.policy_status, 9), s.title))


def activation_map(institution_id: int) -> dict[str, bool]:
    rows = db.session.scalars(
        select(InstitutionCriteriaSet).where(InstitutionCriteriaSet.institution_id == institution_id)
    )
    return {row.set_id: row.active for row in rows}


def active_sets_for(institution_id: int) -> list[CriteriaSet]:
    """The sets this institution applies, in display order; sets no longer shipped are skipped."""
    sets = all_sets()
    active = [sets[set_id] for set_id, on in activation_map(institution_id).items() if on and set_id in sets]
    return display_order(active)


def screenings_for_version(version_id: int) -> list[dict[str, Any]]:
    """Stored results as they were recorded, each with the set's current title when it is still loaded."""
    return screenings_for_versions([version_id]).get(version_id, [])


def screenings_for_versions(version_ids: list[int]) -> dict[int, list[dict[str, Any]]]:
    """The stored results of several versions in one statement, keyed by version id."""
    if not version_ids:
        return {}
    rows = db.session.scalars(
        select(Screening).where(Screening.version_id.in_(version_ids)).order_by(Screening.id))
    sets = all_sets()
    results: dict[int, list[dict[str, Any]]] = {}
    for row in rows:
        result = json.loads(row.result)
        criteria_set = sets.get(row.set_id)
        result["set_title"] = criteria_set.title if criteria_set else row.set_id
        result["policy_status"] = criteria_set.policy_status if criteria_set else None
        result.setdefault("routing", [])
        result["recorded_at"] = row.created_at
        results.setdefault(row.version_id, []).append(result)
    return results


def used_digests() -> dict[tuple[str, int], set[str]]:
    """(set id, version) -> digests that stored screenings used: a changed file with an unchanged version
    shows up as a second digest for the same key."""
    used: dict[tuple[str, int], set[str]] = {}
    for set_id, version, digest in db.session.execute(
        select(Screening.set_id, Screening.set_version, Screening.set_digest).distinct()
    ):
        used.setdefault((set_id, version), set()).add(digest)
    return used
