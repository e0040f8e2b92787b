"""Which criteria the investigator's answers denied: the only criteria a proposal's text can contradict. Read from
stored screening results, so the check sees exactly what the screening saw. Pure."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from portal.consistency.matching import Candidate
from portal.criteria.model import CriteriaSet


def denied_criteria(results: Iterable[Mapping[str, Any]], sets: Mapping[str, CriteriaSet]) -> list[Candidate]:
    """Criteria answered "no": not met, not met because of an unsure answer, looking at questions directly, none of
    those questions missing or unsure, and with indicators in the current set. A question hidden by an earlier
    answer counts as denied (that earlier "no" is what the text may contradict). A result whose set is no longer
    shipped is skipped; each (set, criterion) comes once, in the order of the results and their findings."""
    candidates: list[Candidate] = []
    seen: set[tuple[str, str]] = set()
    for result in results:
        criteria_set = sets.get(result.get("set_id", ""))
        if criteria_set is None:
            continue
        by_id = {criterion.id: criterion for criterion in criteria_set.criteria}
        unanswered = {*result.get("missing", ()), *result.get("unsure", ())}
        for finding in result.get("findings", ()):
            criterion = by_id.get(finding.get("criterion", ""))
            if criterion is None or not criterion.indicators or not criterion.question_ids:
                continue
            if finding.get("triggered") or finding.get("via_unsure"):
                continue
            if unanswered.intersection(criterion.question_ids):
                continue
            key = (criteria_set.id, criterion.id)
            if key in seen:
                continue
            seen.add(key)
            candidates.append(
                Candidate(
                    set_id=criteria_set.id,
                    set_version=int(result.get("set_version", criteria_set.version)),
                    criterion_id=criterion.id,
                    title=criterion.title,
                    indicators=criterion.indicators,
                )
            )
    return candidates
