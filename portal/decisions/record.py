"""The decision record: every field policy-domain.md §6 asks of a determination report, as one plain dict that
portal/records signs, renders as PDF/A and embeds as JSON. Plain values only: never HTML, never technical content
beyond what the proposal's own high-level fields say."""

from __future__ import annotations

import json
from datetime import date, timedelta
from typing import Any

from flask import current_app

from portal.clock import iso
from portal.decisions.models import Appeal, Decision, RegulatoryClock
from portal.decisions.queries import clocks_for
from portal.extensions import db
from portal.institutions.models import Institution
from portal.meetings.live import item_state
from portal.meetings.models import AgendaItem
from portal.screenings.queries import screenings_for_version

FORMAT = "dual-use-review-portal/decision-record"
RETENTION_YEARS = 8  # the 2014 institutional policy's floor (policy-domain.md §6), kept as the default
TRIGGERS = {"submit": "proposal", "amend": "amendment", "resubmit": "resubmission"}
STATEMENT = ("The portal screened, routed and recorded. The determination and the decision were made by the people "
             "who signed them.")


def record_id(decision: Decision, institution: Institution) -> str:
    return f"{institution.short_name}-D-{decision.id:06d}"


def _proposal(snapshot: dict[str, Any], pi_name: str) -> dict[str, Any]:
    fields = snapshot["fields"]
    return {
        "id": snapshot.get("proposal_id"),
        "title": fields.get("title", ""),
        "lay_summary": fields.get("lay_summary", ""),
        "funding_source": fields.get("funding_source") or "",
        "funding_agency": fields.get("funding_agency", ""),
        "award_number": fields.get("award_number", ""),
        "sites": fields.get("sites", ""),
        "countries": fields.get("countries", ""),
        "principal_investigator": pi_name,
        "team": [{"name": m["name"], "role": m["role"]} for m in snapshot.get("team", [])],
        "collaborators": [
            {"name": c["name"], "affiliation": c["affiliation"]} for c in snapshot.get("collaborators", [])
        ],
    }


def _meeting(decision: Decision) -> dict[str, Any] | None:
    if decision.meeting_item_id is None:
        return None
    item = db.session.get(AgendaItem, decision.meeting_item_id)
    meeting = item.meeting
    state = item_state(meeting, item)
    names = {m.user_id: m.user.name for m in meeting.committee.members}
    counted, needed = state.quorum_at_vote or (state.quorum.counted, state.quorum.needed)
    return {
        "title": meeting.title,
        "date": meeting.starts_at.date().isoformat(),
        "quorum": {"counted": counted, "needed": needed, "holds": counted >= needed},
        "present": sorted(names[u] for u in meeting.present_ids if u in names),
        "recused": sorted(names[u] for u in state.recused & meeting.present_ids if u in names),
        "vote": state.tally.as_dict(),
    }


def _appeal(decision: Decision) -> dict[str, Any] | None:
    appeal = db.session.scalar(db.select(Appeal).where(Appeal.new_decision_id == decision.id))
    if appeal is None:
        return None
    return {"appellant": appeal.appellant.name, "level": appeal.level, "grounds": appeal.grounds,
            "filed_on": appeal.filed_on.isoformat(), "outcome": appeal.outcome,
            "decided_on": appeal.decided_on.isoformat() if appeal.decided_on else None}


def _clocks(decision: Decision) -> list[dict[str, str]]:
    started = [c for c in clocks_for(decision.proposal_id) if c.decision_id == decision.id]
    first: dict[str, RegulatoryClock] = {}
    for clock in started:  # a recurring clock's later occurrences are not part of the decision
        first.setdefault(clock.kind, clock)
    return [
        {"kind": c.kind, "title": c.title, "owner": c.owner, "due_on": c.due_on.isoformat()} for c in first.values()
    ]


def build_record(decision: Decision) -> dict[str, Any]:
    """The record of a final decision, from what is stored; the same decision always gives the same record."""
    proposal, version = decision.proposal, decision.version
    institution = db.session.get(Institution, proposal.institution_id)
    snapshot = json.loads(version.snapshot)
    decided_on: date = (decision.finalized_at or decision.created_at).date()
    supersedes = decision.supersedes
    return {
        "record_format": FORMAT,
        "format_version": 1,
        "record_id": record_id(decision, institution),
        "generated_at": iso(decision.finalized_at or decision.created_at),
        "portal_version": current_app.config.get("PORTAL_VERSION", "0.1.0"),
        "institution": {"name": institution.name, "short_name": institution.short_name},
        "committee": (
            {"name": decision.committee.name, "kind": decision.committee.kind}
            if decision.committee else {"name": "Review coordinator (administrative determination)", "kind": "office"}
        ),
        "proposal": _proposal(snapshot, proposal.pi.name),
        "version": {"number": version.number, "step": version.step, "content_sha256": version.content_sha256,
                    "signed_by": version.signature.printed_name, "signed_at": iso(version.signature.signed_at)},
        "trigger": TRIGGERS.get(version.step, version.step),
        "screenings": [
            {"set_id": r["set_id"], "set_title": r["set_title"], "set_version": r["set_version"],
             "set_digest": r["set_digest"], "engine_version": r["engine_version"],
             "provisional_outcome": {"id": r["outcome"]["id"], "title": r["outcome"]["title"],
                                     "severity": r["outcome"]["severity"]}}
            for r in screenings_for_version(version.id)
        ],
        "meeting": _meeting(decision),
        "determinations": decision.determination_list(),
        "judgments": decision.judgment_list(),
        "outcome": {"id": decision.outcome, "title": decision.outcome_label},
        "rationale": decision.rationale,
        "kind": decision.kind,
        "conditions": [{"description": c.description, "owner": c.owner, "due_on": c.due_on.isoformat()}
                       for c in decision.conditions],
        "clocks": _clocks(decision),
        "signatures": [{"printed_name": s.signature.printed_name, "signed_at": iso(s.signature.signed_at),
                        "meaning": s.signature.meaning} for s in decision.signatures],
        "content_sha256": decision.content_sha256,
        "supersedes": record_id(supersedes, institution) if supersedes else None,
        "appeal": _appeal(decision),
        "retention": {"class": "dual-use decision record",
                      "destroy_not_before": (decided_on + timedelta(days=round(365.25 * RETENTION_YEARS))).isoformat()},
        "statement": STATEMENT,
        "language": decision.record_language,  # of the labels only: the data above is printed as written
    }
