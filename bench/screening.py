"""Screening speed: the data-driven engine against every shipped set, and against hand-written Python.

Run from the repository root: `make bench` (or `.venv/bin/python -m bench.screening`).

10,000 answer sets are generated up front from a fixed seed, one per imaginary proposal, answering the
questions of every shipped set (some answers missing, some "unsure", some given to questions that end up
hidden). Each set screens all of them. For usg-durc-pepp-2024 the same answers also go through
`screen_usg_durc_pepp_2024`, a straight if/else translation of review_criteria/usg-durc-pepp-2024.yaml
that builds the same Screening (findings, explanatory clauses, score, missing/unsure/hidden). Every one
of the 10,000 results must be identical to the engine's; the engine may then be at most 2x slower.

Output: one `BENCH B7_screening_engine ratio=... target<=2.0 PASS|FAIL` line, one throughput line per set, and
bench/results.json {"screening": {...}}. Exit status 1 on FAIL or on any mismatch.
"""

from __future__ import annotations

import dataclasses
import datetime
import gc
import random
import statistics
import sys
import time
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from bench.results import write_results
from portal.criteria.engine import screen
from portal.criteria.loader import load_criteria
from portal.criteria.model import Clause, CriteriaSet, Finding, HumanJudgment, Question, Screening, Severity

PROPOSALS = 10_000
REPETITIONS = 5
TARGET = 2.0
SEED = 20240506
REFERENCE_SET = "usg-durc-pepp-2024"
ROOT = Path(__file__).resolve().parent.parent
CRITERIA_DIR = ROOT / "review_criteria"


# -- answers ---------------------------------------------------------------------------------------
def generate_answers(questions: list[Question], count: int, seed: int) -> list[dict[str, Any]]:
    """`count` answer dicts over `questions`, reproducible from `seed`."""
    rng = random.Random(seed)
    proposals = []
    for _ in range(count):
        answers: dict[str, Any] = {}
        for question in questions:
            if rng.random() < 0.12:
                continue  # left unanswered
            answers[question.id] = _answer(rng, question)
        proposals.append(answers)
    return proposals


def _answer(rng: random.Random, question: Question) -> Any:
    ids = [c.id for c in question.choices]
    kind = question.type
    if kind == "yes_no_unsure":
        return rng.choices(("yes", "no", "unsure"), weights=(4, 5, 1))[0]
    if kind == "single_choice":
        if question.allow_unsure and rng.random() < 0.1:
            return "unsure"
        return rng.choice(ids)
    if kind == "multiple_choice":
        if rng.random() < 0.05:
            return []
        picked = rng.sample(ids, k=min(len(ids), rng.choice((1, 1, 1, 2, 3))))
        if question.allow_unsure and rng.random() < 0.1:
            picked.append("unsure")
        return picked
    if kind == "number":
        return rng.choice((rng.randint(0, 1000), round(rng.uniform(0, 100), 2)))
    if kind == "date":
        return (datetime.date(2020, 1, 1) + datetime.timedelta(days=rng.randint(0, 4000))).isoformat()
    if kind == "attestation":
        return "yes"
    return rng.choice(("", "A short description of the work.", "n/a"))


def all_questions(sets: Mapping[str, CriteriaSet]) -> list[Question]:
    """Every question of every set once (shared questions have one id across sets)."""
    seen: dict[str, Question] = {}
    for criteria_set in sets.values():
        for question in criteria_set.questions:
            seen.setdefault(question.id, question)
    return list(seen.values())


# -- usg-durc-pepp-2024, by hand -------------------------------------------------------------------
# The rules of review_criteria/usg-durc-pepp-2024.yaml written out, with the semantics of
# portal/criteria/conditions.py: a question hidden by its show_if (or optional and blank) makes its
# clauses False; a blank or "unsure" answer makes a clause None (unknown); Kleene all/any/not; a gate
# with severity above "none" also fires on None ("via unsure"). The texts are the explanations the
# engine derives from the file; only presentation, repeated here so that results compare equal.

UNSURE = "unsure"
C1_GROUPS = frozenset({"select_agents", "rg4", "rg3_in_scope", "bmbl_unassigned"})
C1_OUTCOMES = frozenset(
    {
        "o1_transmissibility",
        "o2_virulence",
        "o3_toxicity",
        "o4_stability",
        "o5_host_range",
        "o6_detection",
        "o7_countermeasures",
        "o8_immunity",
        "o9_susceptibility",
    }
)
C2_OUTCOMES = frozenset({"a_transmissibility", "b_virulence", "c_immune_evasion", "d_eradicated_extinct"})

T_C1_AGENT = "An agent or toxin in a Category 1 group (section 4.1.1)"
T_C1_OUTCOME = "A Category 1 experimental outcome is reasonably anticipated (section 4.1.2)"
T_C1_JUDGMENT = "Whether the research constitutes DURC (section 4.1.3)"
T_C2_PPP = "A pathogen with pandemic potential is involved or anticipated"
T_C2_OUTCOME = "A Category 2 outcome is reasonably anticipated"
T_C2_JUDGMENT = "Whether the research may pose a significant threat (Category 2, third part)"
T_X_UNANTICIPATED = "An unanticipated listed result has already occurred"
T_X_VOLUNTARY = "The investigator asks for voluntary review (policy section 6)"
T_X_FEDERAL = "Federally funded (the policy binds federal funding; many institutions apply it to all funding)"

L_C1_AGENT = (
    '"To which of these regulatory groups do the agents or toxins belong? Select every group th…" includes any of: '
    "Human-affecting agents with no risk group that the BMBL places at BSL-3 or BSL-4, Risk Group 3 pathogens "
    "not on the exclusion list, Risk Group 4 pathogens (NIH Guidelines, Appendix B), Select Agents and Toxins "
    "(including toxins below the exempt amounts)"
)
L_C1_OUTCOME = (
    '"Is the research reasonably anticipated to result, or has it resulted, in any of these out…" includes any of: '
    "Increase transmissibility of a pathogen within or between host species, Increase the virulence of a pathogen "
    "or convey virulence to a non-pathogen, Increase the toxicity of a known toxin or produce a novel toxin, "
    "Increase the environmental stability of a pathogen or toxin, or its ability to disseminate, Alter the host "
    "range or tropism of a pathogen or toxin, Decrease the ability of a pathogen or toxin to be detected by "
    "standard methods, Increase resistance to prophylactic or therapeutic interventions, Disrupt the effectiveness "
    "of pre-existing immunity (immunization or natural infection), Enhance the susceptibility of a host population "
    "to a pathogen or toxin"
)
L_C2_PPP = '"Does the research involve, or is it reasonably anticipated to result in, a pathogen with…" is yes'
L_C2_OUTCOME = (
    '"Is the research reasonably anticipated to result, or has it resulted, in any of these out…" includes any of: '
    "Enhanced transmissibility of the pathogen in humans, Enhanced virulence of the pathogen in humans, Enhanced "
    "immune evasion in humans, Generating, using, reconstituting or transferring an eradicated or extinct PPP, or "
    "a previously identified PEPP"
)
L_X_UNANTICIPATED = '"Has the work already produced, unexpectedly, one of the outcomes listed above?" is yes'
L_X_VOLUNTARY = '"Would you like the review entity to look at the work voluntarily, although it may be outs…" is yes'
L_X_FEDERAL = '"Is any part of the work funded, or proposed for funding, by a US federal agency?" is yes'
L_C1_AGENT_REF = f"{T_C1_AGENT} (c1_agent)"
L_C1_OUTCOME_REF = f"{T_C1_OUTCOME} (c1_outcome)"
L_C1_JUDGMENT_REF = f"{T_C1_JUDGMENT} (c1_judgment)"
L_C2_PPP_REF = f"{T_C2_PPP} (c2_ppp)"
L_C2_OUTCOME_REF = f"{T_C2_OUTCOME} (c2_outcome)"
L_C2_JUDGMENT_REF = f"{T_C2_JUDGMENT} (c2_judgment)"
L_X_UNANTICIPATED_REF = f"{T_X_UNANTICIPATED} (x_unanticipated)"
L_X_VOLUNTARY_REF = f"{T_X_VOLUNTARY} (x_voluntary)"

J_C1 = HumanJudgment(
    "Based on current understanding, does the research constitute dual use research of concern?",
    ("ire", "funding_agency"),
)
J_C2 = HumanJudgment(
    "Is the research reasonably anticipated to develop, use or transfer a PEPP, or an eradicated or extinct PPP, "
    "that may pose a significant threat to public health, the capacity of health systems, or national security?",
    ("ire", "funding_agency"),
)
J_X_UNANTICIPATED = HumanJudgment(
    "Must the related work stay paused while the review entity assesses the result?", ("ire",)
)

W, G, C1, P, C2, U, V, F = (
    "agents.works_with_agents",
    "agents.groups",
    "durc24.cat1_outcomes",
    "durc24.ppp",
    "durc24.cat2_outcomes",
    "durc24.unanticipated",
    "durc24.voluntary_review",
    "funding.us_federal",
)
TOTAL_WEIGHT = 20 + 25 + 15 + 20 + 25 + 15 + 10 + 0 + 0


def screen_usg_durc_pepp_2024(answers: Mapping[str, Any]) -> Screening:
    get = answers.get
    w, g, c1, p, c2, u, v, f = get(W), get(G), get(C1), get(P), get(C2), get(U), get(V), get(F)

    # Which questions apply. durc24.voluntary_review is optional: blank, it does not apply. The others
    # apply unless their show_if is definitely false (a blank or "unsure" gate keeps them shown).
    v_hidden = v is None or v == "" or v == []
    works_yes = None if w is None or w == "" or w == UNSURE else w == "yes"
    g_hidden = p_hidden = u_hidden = works_yes is False

    # c1_agent: agents.groups includes a Category 1 group (also the show_if of durc24.cat1_outcomes).
    if g_hidden:
        c1_agent = False
    elif not g:
        c1_agent = None
    elif not C1_GROUPS.isdisjoint(g):
        c1_agent = True
    else:
        c1_agent = None if UNSURE in g else False
    c1_hidden = c1_agent is False

    # c2_ppp: durc24.ppp is yes (also the show_if of durc24.cat2_outcomes).
    if p_hidden:
        c2_ppp = False
    elif p is None or p == "" or p == UNSURE:
        c2_ppp = None
    else:
        c2_ppp = p == "yes"
    c2_hidden = c2_ppp is False

    if c1_hidden:
        c1_outcome = False
    elif not c1:
        c1_outcome = None
    elif not C1_OUTCOMES.isdisjoint(c1):
        c1_outcome = True
    else:
        c1_outcome = None if UNSURE in c1 else False

    if c1_agent is False or c1_outcome is False:
        c1_judgment = False
    elif c1_agent is None or c1_outcome is None:
        c1_judgment = None
    else:
        c1_judgment = True

    if c2_hidden:
        c2_outcome = False
    elif not c2:
        c2_outcome = None
    elif not C2_OUTCOMES.isdisjoint(c2):
        c2_outcome = True
    else:
        c2_outcome = None if UNSURE in c2 else False

    if c2_ppp is False or c2_outcome is False:
        c2_judgment = False
    elif c2_ppp is None or c2_outcome is None:
        c2_judgment = None
    else:
        c2_judgment = True

    if u_hidden:
        x_unanticipated = False
    elif u is None or u == "" or u == UNSURE:
        x_unanticipated = None
    else:
        x_unanticipated = u == "yes"

    if v_hidden:
        x_voluntary = False
    elif v == UNSURE:
        x_voluntary = None
    else:
        x_voluntary = v == "yes"

    x_federal = None if f is None or f == "" or f == UNSURE else f == "yes"

    # Findings, in evaluation order; a triggered finding explains itself clause by clause.
    hidden = {G: g_hidden, C1: c1_hidden, P: p_hidden, C2: c2_hidden, U: u_hidden, V: v_hidden}
    findings = (
        _found("c1_agent", T_C1_AGENT, c1_agent, 20, () if g_hidden else ((G, g),), ((L_C1_AGENT, c1_agent),)),
        _found(
            "c1_outcome", T_C1_OUTCOME, c1_outcome, 25, () if c1_hidden else ((C1, c1),), ((L_C1_OUTCOME, c1_outcome),)
        ),
        _found(
            "c1_judgment",
            T_C1_JUDGMENT,
            c1_judgment,
            15,
            (),
            ((L_C1_AGENT_REF, c1_agent), (L_C1_OUTCOME_REF, c1_outcome)),
            J_C1,
        ),
        _found("c2_ppp", T_C2_PPP, c2_ppp, 20, () if p_hidden else ((P, p),), ((L_C2_PPP, c2_ppp),)),
        _found(
            "c2_outcome", T_C2_OUTCOME, c2_outcome, 25, () if c2_hidden else ((C2, c2),), ((L_C2_OUTCOME, c2_outcome),)
        ),
        _found(
            "c2_judgment",
            T_C2_JUDGMENT,
            c2_judgment,
            15,
            (),
            ((L_C2_PPP_REF, c2_ppp), (L_C2_OUTCOME_REF, c2_outcome)),
            J_C2,
        ),
        _found(
            "x_unanticipated",
            T_X_UNANTICIPATED,
            x_unanticipated,
            10,
            () if u_hidden else ((U, u),),
            ((L_X_UNANTICIPATED, x_unanticipated),),
            J_X_UNANTICIPATED,
        ),
        _found(
            "x_voluntary", T_X_VOLUNTARY, x_voluntary, 0, () if v_hidden else ((V, v),), ((L_X_VOLUNTARY, x_voluntary),)
        ),
        _found("x_federal", T_X_FEDERAL, x_federal, 0, ((F, f),), ((L_X_FEDERAL, x_federal),)),
    )

    # The gates, most cautious first.
    if c1_judgment is False or c2_judgment is False:
        both = False
    elif c1_judgment is None or c2_judgment is None:
        both = None
    else:
        both = True
    if both is not False:
        outcome = ("refer_ire_both", "Refer to the review entity as possible Category 1 and Category 2 research")
        severity, via_unsure = Severity.HIGH, both is None
        clauses = (Clause(L_C1_JUDGMENT_REF, c1_judgment), Clause(L_C2_JUDGMENT_REF, c2_judgment))
    elif c1_judgment is not False:
        outcome = ("refer_ire_cat1", "Refer to the review entity as possible Category 1 research (DURC)")
        severity, via_unsure = Severity.HIGH, c1_judgment is None
        clauses = (Clause(L_C1_JUDGMENT_REF, c1_judgment),)
    elif c2_judgment is not False:
        outcome = ("refer_ire_cat2", "Refer to the review entity as possible Category 2 research (PEPP)")
        severity, via_unsure = Severity.HIGH, c2_judgment is None
        clauses = (Clause(L_C2_JUDGMENT_REF, c2_judgment),)
    elif x_unanticipated is not False:
        outcome = ("report_unanticipated", "Pause and report an unanticipated result to the review entity")
        severity, via_unsure = Severity.HIGH, x_unanticipated is None
        clauses = (Clause(L_X_UNANTICIPATED_REF, x_unanticipated),)
    elif x_voluntary is not False:
        outcome = ("voluntary_review", "Voluntary review by the review entity")
        severity, via_unsure = Severity.LOW, x_voluntary is None
        clauses = (Clause(L_X_VOLUNTARY_REF, x_voluntary),)
    else:
        # out_of_scope_pi_attested: not any(c1_judgment, c2_judgment, x_unanticipated), severity none, so
        # it fires only when definitely true. (Here all three are already False, so it always does.)
        if c1_judgment is True or c2_judgment is True or x_unanticipated is True:
            out_of_scope = False
        elif c1_judgment is None or c2_judgment is None or x_unanticipated is None:
            out_of_scope = None
        else:
            out_of_scope = True
        if out_of_scope is True:
            outcome = (
                "out_of_scope_pi_attested",
                "Out of scope of both categories, as attested by the principal investigator",
            )
            severity, via_unsure = Severity.NONE, False
            clauses = (
                Clause(L_C1_JUDGMENT_REF, c1_judgment),
                Clause(L_C2_JUDGMENT_REF, c2_judgment),
                Clause(L_X_UNANTICIPATED_REF, x_unanticipated),
            )
        else:
            outcome = ("coordinator_check", "The review coordinator checks the screening")
            severity, via_unsure, clauses = Severity.LOW, False, ()

    # Visible questions without an answer (all required but the optional one), and those answered unsure.
    missing, unsure = [], []
    for qid, answer, is_hidden in (
        (W, w, False),
        (G, g, g_hidden),
        (C1, c1, c1_hidden),
        (P, p, p_hidden),
        (C2, c2, c2_hidden),
        (U, u, u_hidden),
        (V, v, v_hidden),
        (F, f, False),
    ):
        if is_hidden:
            continue
        if answer is None or answer == "" or answer == []:
            if qid != V:
                missing.append(qid)
        elif answer == UNSURE or (isinstance(answer, list) and UNSURE in answer):
            unsure.append(qid)

    triggered_weight = sum(finding.weight for finding in findings if finding.triggered)
    return Screening(
        set_id=REFERENCE_SET,
        set_version=1,
        set_digest="",
        engine_version="hand-written",
        outcome_id=outcome[0],
        outcome_title=outcome[1],
        severity=severity,
        outcome_via_unsure=via_unsure,
        outcome_clauses=clauses,
        score=round(100 * triggered_weight / TOTAL_WEIGHT),
        findings=findings,
        required_judgments=tuple(
            (finding.criterion_id, finding.human_judgment)
            for finding in findings
            if finding.triggered and finding.human_judgment
        ),
        missing=tuple(missing),
        unsure=tuple(unsure),
        hidden=tuple(qid for qid in (W, G, C1, P, C2, U, V, F) if hidden.get(qid)),
    )


def _found(
    criterion_id: str,
    title: str,
    value: bool | None,
    weight: int,
    looked_at: tuple[tuple[str, Any], ...],
    leaves: tuple[tuple[str, bool | None], ...],
    judgment: HumanJudgment | None = None,
) -> Finding:
    triggered = value is not False
    return Finding(
        criterion_id=criterion_id,
        title=title,
        triggered=triggered,
        via_unsure=value is None,
        weight=weight,
        answers=looked_at,
        clauses=tuple(Clause(text, leaf) for text, leaf in leaves) if triggered else (),
        human_judgment=judgment,
    )


# -- measuring ---------------------------------------------------------------------------------------
def median_seconds(*runs: Callable[[], object]) -> list[float]:
    """Median of REPETITIONS timed calls of each run, after one warm-up call each.

    The runs take turns within each repetition, so that a busy machine slows them alike.
    """
    for run in runs:
        run()  # warm-up
    times: list[list[float]] = [[] for _ in runs]
    for _ in range(REPETITIONS):
        for index, run in enumerate(runs):
            gc.collect()
            start = time.perf_counter()
            run()
            times[index].append(time.perf_counter() - start)
    return [statistics.median(each) for each in times]


def compare(engine: list[Screening], by_hand: list[Screening]) -> dict[str, int]:
    counts = {"outcome": 0, "triggered": 0, "other": 0}
    shown = 0
    for index, (mine, theirs) in enumerate(zip(engine, by_hand, strict=True)):
        # The hand-written rules know the policy, not the file: its version and digest are the engine's to say.
        theirs = dataclasses.replace(
            theirs, set_digest=mine.set_digest, set_version=mine.set_version, engine_version=mine.engine_version
        )
        if mine == theirs:
            continue
        if mine.outcome_id != theirs.outcome_id:
            counts["outcome"] += 1
        elif _triggered(mine) != _triggered(theirs):
            counts["triggered"] += 1
        else:
            counts["other"] += 1
        if shown < 3:
            shown += 1
            print(f"MISMATCH #{index}: engine {mine.outcome_id} {_triggered(mine)} score={mine.score}", file=sys.stderr)
            print(f"            by hand {theirs.outcome_id} {_triggered(theirs)} score={theirs.score}", file=sys.stderr)
            for field in dataclasses.fields(Screening):
                a, b = getattr(mine, field.name), getattr(theirs, field.name)
                if a != b:
                    print(
                        f"    {field.name}: engine={a!r}\n    {' ' * len(field.name)}  by hand={b!r}", file=sys.stderr
                    )
    return counts


def _triggered(result: Screening) -> list[str]:
    return [f.criterion_id for f in result.findings if f.triggered]




def main() -> int:
    sets = load_criteria(CRITERIA_DIR)
    proposals = generate_answers(all_questions(sets), PROPOSALS, SEED)

    reference = sets[REFERENCE_SET]
    engine_results = [screen(reference, answers) for answers in proposals]
    hand_results = [screen_usg_durc_pepp_2024(answers) for answers in proposals]
    mismatches = compare(engine_results, hand_results)
    outcomes: dict[str, int] = {}
    for result in engine_results:
        outcomes[result.outcome_id] = outcomes.get(result.outcome_id, 0) + 1

    def run_engine() -> list[Screening]:
        return [screen(reference, answers) for answers in proposals]

    def run_by_hand() -> list[Screening]:
        return [screen_usg_durc_pepp_2024(answers) for answers in proposals]

    engine_seconds, hand_seconds = median_seconds(run_engine, run_by_hand)
    ratio = engine_seconds / hand_seconds
    passed = ratio <= TARGET and not any(mismatches.values())

    per_set = {}
    for set_id, criteria_set in sorted(sets.items()):
        (seconds,) = median_seconds(lambda criteria_set=criteria_set: [screen(criteria_set, a) for a in proposals])
        per_set[set_id] = {"seconds": round(seconds, 4), "proposals_per_second": round(PROPOSALS / seconds)}

    print(f"BENCH B7_screening_engine ratio={ratio:.2f} target<={TARGET} {'PASS' if passed else 'FAIL'}")
    for set_id, figures in per_set.items():
        print(
            f"  {set_id}: {figures['proposals_per_second']:,} proposals/s ({PROPOSALS:,} in {figures['seconds']:.3f} s)"
        )
    if any(mismatches.values()):
        print(f"MISMATCH between the engine and the hand-written rules: {mismatches}", file=sys.stderr)

    write_results("screening",
        {
            "proposals": PROPOSALS,
            "repetitions": REPETITIONS,
            "seed": SEED,
            "reference_set": REFERENCE_SET,
            "engine_seconds": round(engine_seconds, 4),
            "hand_written_seconds": round(hand_seconds, 4),
            "ratio": round(ratio, 2),
            "target": TARGET,
            "passed": passed,
            "mismatches": mismatches,
            "reference_outcomes": dict(sorted(outcomes.items())),
            "sets": per_set,
            "python": sys.version.split()[0],
        }
    )
    return 0 if passed else 1


if __name__ == "__main__":
    sys.exit(main())
