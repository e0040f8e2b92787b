"""A realistic, fictional decision record, as portal.decisions.record.build_record() will produce it.

Content rule (design.md §4): public-policy level only. The proposal, people and institution are invented;
nothing here says anything technical about any agent.
"""

from __future__ import annotations

import copy
from typing import Any

USG = {
    "set_id": "usg-durc-pepp-2024",
    "set_title": "USG Policy for Oversight of DURC and PEPP (May 2024)",
    "set_version": 2,
    "set_digest": "sha256:3f1c9a2e7b5d4c8e9f0a1b2c3d4e5f60718293a4b5c6d7e8f9012a3b4c5d6e7f",
}
AIXBIO = {
    "set_id": "aixbio-managed-access",
    "set_title": (
        "Managed access to biological AI tools (NTI | bio framework), for projects that build, host or use them"
    ),
    "set_version": 2,
    "set_digest": "sha256:9a8b7c6d5e4f30211f2e3d4c5b6a79880a1b2c3d4e5f60718293a4b5c6d7e8f9",
}

_RECORD: dict[str, Any] = {
    "record_format": "dual-use-review-portal/decision-record",
    "format_version": 1,
    "record_id": "NBU-D-000042",
    "generated_at": "2026-11-30T15:00:00.000000Z",
    "portal_version": "0.1.0",
    "institution": {"name": "Northbridge University", "short_name": "NBU"},
    "committee": {"name": "Northbridge Institutional Review Entity", "kind": "ire"},
    "proposal": {
        "id": 1207,
        "title": (
            "An open teaching catalogue of published research-governance case studies, with an AI search assistant"
        ),
        "lay_summary": (
            "The project builds a catalogue of published case studies about how research institutions govern "
            "dual-use research, for teaching graduate students. A search assistant built on a general-purpose "
            "language model answers questions about the policies and cites the case studies. No laboratory "
            "work is proposed."
        ),
        "funding_source": "federal",
        "funding_agency": "Fictional Science Foundation",
        "award_number": "FSF-2026-0457",
        "sites": "Northbridge University, main campus (School of Public Policy)",
        "countries": "Fictional Republic; Republic of Examplia",
        "principal_investigator": "Dr. Amara Okafor",
        "team": [
            {"name": "Dr. Amara Okafor", "role": "Principal investigator"},
            {"name": "Dr. Lin Wei", "role": "Co-investigator"},
            {"name": "Jonas Richter", "role": "Delegated preparer"},
        ],
        "collaborators": [
            {"name": "Prof. Sofia Marquez", "affiliation": "University of Examplia, Centre for Science Policy"},
        ],
    },
    "version": {
        "number": 2,
        "step": "resubmitted after revisions",
        "content_sha256": "5d41402abc4b2a76b9719d911017c592ae2f7b6c1d4e8f90a1b2c3d4e5f60718",
        "signed_by": "Dr. Amara Okafor",
        "signed_at": "2026-11-02T09:41:17.000000Z",
    },
    "trigger": "resubmission",
    "screenings": [
        {
            **USG,
            "engine_version": "criteria-engine 1",
            "provisional_outcome": {
                "id": "out_of_scope_pi_attested",
                "title": "Out of scope of both categories, as attested by the principal investigator",
                "severity": "none",
            },
        },
        {
            **AIXBIO,
            "engine_version": "criteria-engine 1",
            "provisional_outcome": {
                "id": "aixbio_managed_access_required",
                "title": "Managed access required - the reviewer confirms the risk tier and that access controls "
                "match it",
                "severity": "medium",
            },
        },
    ],
    "meeting": {
        "title": "IRE meeting 2026-11 (regular)",
        "date": "2026-11-24",
        "quorum": {"counted": 5, "needed": 4, "holds": True},
        "present": [
            "Prof. Henrik Dahl (chair)",
            "Dr. Priya Natarajan",
            "Dr. Tomasz Nowak",
            "Grace Mbeki (non-scientist member)",
            "Dr. Elena Rossi",
        ],
        "recused": ["Dr. Lin Wei"],
        "vote": {"for": 4, "against": 0, "abstain": 1, "recused": 1},
    },
    "determinations": [
        {
            **USG,
            "determination_id": "not_in_scope",
            "title": "Not in scope of Category 1 or Category 2",
            "dual_use": False,
            "rationale": (
                "The project studies published governance documents and involves no agents, toxins or "
                "laboratory work. The committee agrees with the investigator's attestation."
            ),
            "provisional_outcome_id": "out_of_scope_pi_attested",
        },
        {
            **AIXBIO,
            "determination_id": "managed_access_plan_required",
            "title": "A managed-access plan is required before tools or data are shared",
            "dual_use": False,
            "rationale": (
                "The search assistant will be offered to students at partner institutions. The committee asks "
                "for a written plan for verifying users and for the tool's risk tier before it is opened to "
                "anyone outside the course."
            ),
            "provisional_outcome_id": "aixbio_managed_access_required",
        },
    ],
    "judgments": [
        {
            "set_id": "aixbio-managed-access",
            "criterion": "a_gives_access",
            "question": "Does the project give people outside the team access to a biological AI tool?",
            "answer": "yes, after the managed-access plan is approved",
            "rationale": "Access is limited to enrolled students at named partner institutions.",
        },
        {
            "set_id": "usg-durc-pepp-2024",
            "criterion": "c1_judgment",
            "question": "Based on current understanding, does the research constitute dual use research of concern?",
            "answer": "no",
            "rationale": "No listed agent or experimental outcome is involved.",
        },
    ],
    "outcome": {"id": "approved_with_conditions", "title": "Approved with conditions"},
    "rationale": (
        "The committee approves the catalogue and the search assistant for use within the course. Opening the "
        "assistant to partner institutions waits on the managed-access plan named in the conditions."
    ),
    "conditions": [
        {
            "description": "Submit a managed-access plan (user verification, risk tier, logging) to the coordinator.",
            "owner": "Dr. Amara Okafor",
            "due_on": "2027-02-28",
        },
        {
            "description": "Complete the institution's responsible-conduct training for every team member.",
            "owner": "Dr. Amara Okafor",
            "due_on": "2027-01-15",
        },
    ],
    "clocks": [
        {
            "kind": "continuing_review",
            "title": "Continuing review (at least annually)",
            "owner": "Prof. Henrik Dahl",
            "due_on": "2027-11-24",
        },
        {
            "kind": "condition_evidence",
            "title": "Evidence for the managed-access plan",
            "owner": "Dr. Amara Okafor",
            "due_on": "2027-02-28",
        },
    ],
    "signatures": [
        {
            "printed_name": "Prof. Henrik Dahl",
            "signed_at": "2026-11-24T16:02:11.000000Z",
            "meaning": "Chair of the Institutional Review Entity: approval of the determination and decision",
        },
        {
            "printed_name": "Dr. Miriam Adeyemi",
            "signed_at": "2026-11-25T08:15:40.000000Z",
            "meaning": "Institutional contact for dual-use research: second signature confirming the determination",
        },
    ],
    "supersedes": None,
    "appeal": None,
    "retention": {"class": "dual-use determination (8 years after project close)", "destroy_not_before": "2035-12-31"},
    "statement": (
        "The portal screened, routed and recorded. "
        "The determination and the decision were made by the people who signed them."
    ),
}


def sample_record(number: int = 42) -> dict[str, Any]:
    """A fresh copy; a different number gives a different record id and proposal id."""
    record = copy.deepcopy(_RECORD)
    if number != 42:
        record["record_id"] = f"NBU-D-{number:06d}"
        record["proposal"]["id"] = 1000 + number
    return record
