"""The demo's cast and stories as data: people, departments and fictional proposals. Everything here is
fictional and stays at the level of public policy language."""

from __future__ import annotations

from dataclasses import dataclass

from portal.auth.roles import Role

DEMO_INSTITUTION = "Northbridge University (fictional)"
# Every shipped set except the legacy 2012/2014 policy, which an institution would apply only by choice.
DEMO_INACTIVE_SETS = {"usg-durc-2014"}
TRIAGED_TITLE = "Community clinic surveillance of seasonal respiratory illness (observational)"
IN_REVIEW_TITLE = "Comparative review of dual-use research policy frameworks"
# Screening answers that make the demo show more than "out of scope" (all fictional, policy level only).
DEMO_PROFILES: dict[str, dict] = {
    "Community clinic surveillance of seasonal respiratory illness (observational)": {
        "agents.works_with_agents": "yes",
        "agents.groups": ["unsure"],
        "durc24.cat1_outcomes": ["unsure"],
    },
    "Literature triage with machine learning for biosafety review offices": {"ai.uses_bio_ai_tools": "yes"},
    "Oversight records of a regional laboratory network (fictional)": {
        "agents.works_with_agents": "yes",
        "agents.groups": ["unsure"],
        "durc24.cat1_outcomes": ["unsure"],
    },
    "Wastewater monitoring of antimicrobial resistance trends": {
        "agents.works_with_agents": "yes",
        "agents.groups": ["none_of_these"],
    },
}
# A sentence that the consistency check flags (portal.consistency): the wastewater proposal's answers say it works
# with no listed agent, its aims say the samples may hold regulated ones. Fictional, in the policy's own words.
DEMO_TEXT_ADDITIONS: dict[str, dict[str, str]] = {
    "Wastewater monitoring of antimicrobial resistance trends": {
        "aims": " 4. Report to the review office when samples may contain a regulated agent or toxin, so that it "
                "can follow up.",
    },
}

DEMO_PASSWORD = "northbridge-demo-2026"  # noqa: S105 - printed for the demo on purpose


@dataclass(frozen=True)
class DemoUser:
    email: str
    name: str
    roles: tuple[Role, ...]
    department: str


DEMO_USERS = (
    DemoUser("investigator@northbridge.example", "Dr Amara Okafor", (Role.INVESTIGATOR,), "Microbiology"),
    DemoUser("investigator2@northbridge.example", "Dr Lin Wei", (Role.INVESTIGATOR,), "Computational Biology"),
    DemoUser("preparer@northbridge.example", "Sam Patel", (Role.INVESTIGATOR,), "Microbiology"),
    DemoUser("reviewer@northbridge.example", "Prof Jonas Berg", (Role.REVIEWER,), "Immunology"),
    DemoUser("chair@northbridge.example", "Prof Helena Duarte", (Role.CHAIR, Role.REVIEWER), "Public Health"),
    DemoUser("coordinator@northbridge.example", "Maya Chen", (Role.COORDINATOR,), "Research Office"),
    DemoUser("governance@northbridge.example", "Robert Adeyemi", (Role.GOVERNANCE,), "Research Office"),
    DemoUser("admin@northbridge.example", "Ines Moreau", (Role.ADMIN,), "Research Office"),
    DemoUser("community@northbridge.example", "Grace Whitfield (community member)", (Role.REVIEWER,), "Public Health"),
    # Reads reports across Northbridge and a partner institution: aggregates only, never a proposal.
    DemoUser("consortium@northbridge.example", "Tomas Lindqvist (consortium liaison)", (Role.GOVERNANCE,),
             "Research Office"),
    # A fourth member of the review entity; in the demo they stepped back from one review for a conflict.
    DemoUser("reviewer2@northbridge.example", "Dr Tomasz Nowak", (Role.REVIEWER,), "Immunology"),
)
DEPARTMENTS = ("Microbiology", "Immunology", "Computational Biology", "Public Health", "Research Office")

_FULL = {
    "funding_source": "federal",
    "funding_agency": "National Research Agency (fictional)",
    "award_number": "NRA-2026-0000",
    "sites": "Northbridge University main campus laboratories",
    "countries": "Fictional Republic",
    "containment_level": "bsl2",
}


def _text(title: str, topic: str) -> dict[str, str]:
    text = {
        "title": title,
        "lay_summary": f"This fictional demonstration project studies {topic}. It exists only to show "
        "how the portal handles a proposal.",
        "aims": f"1. Describe current practice in {topic}. 2. Identify gaps in oversight. "
        "3. Recommend improvements to institutional review.",
        "methods_summary": "A desk review of published literature and policy documents, interviews with "
        "practitioners, and a structured comparison. No laboratory protocols are involved.",
    }
    for field, addition in DEMO_TEXT_ADDITIONS.get(title, {}).items():
        text[field] += addition
    return text


# (PI index, title, topic, what happens: draft | incomplete | submitted | amended N | withdrawn | withdrawn-after)
DEMO_PROPOSALS = (
    (
        0,
        "Wastewater monitoring of antimicrobial resistance trends",
        "public health surveillance of antimicrobial resistance",
        "submitted",
    ),
    (0, "Public attitudes to biosafety oversight: a survey study", "public attitudes to oversight", "draft"),
    (
        1,
        "Literature triage with machine learning for biosafety review offices",
        "automated literature triage for review offices",
        "amended 1",
    ),
    (0, "Soil microbiome diversity in urban parks", "soil ecology in city parks", "submitted"),
    (1, "A graduate curriculum in responsible life sciences", "teaching responsible research", "withdrawn"),
    (
        1,
        "Customer screening workflows of nucleic acid synthesis providers",
        "how providers screen orders and customers, as described in public guidance",
        "submitted",
    ),
    (
        0,
        "Community clinic surveillance of seasonal respiratory illness (observational)",
        "observational surveillance in community clinics",
        "amended 2",
    ),
    (
        1,
        "Managed access to protein design tools: a governance study",
        "governance of access to AI-enabled biological design tools",
        "incomplete",
    ),
    (0, "Field diagnostics for plant disease: an evaluation", "field diagnostics in agriculture", "withdrawn-after"),
    (1, "Cold-chain logistics for vaccine distribution: a modelling study", "vaccine logistics", "submitted"),
    (0, "Maintenance audit of biosafety cabinets", "equipment maintenance records", "prepared"),
    (
        1,
        "Comparative review of dual-use research policy frameworks",
        "national and international dual-use research policies",
        "submitted",
    ),
    (
        0,
        "Oversight records of a regional laboratory network (fictional)",
        "how a laboratory network keeps and shares its oversight records",
        "submitted",
    ),
)
