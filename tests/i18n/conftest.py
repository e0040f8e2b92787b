from __future__ import annotations

import pytest

from tests.i18n.catalogue import compile_if_stale


@pytest.fixture(scope="session", autouse=True)
def compiled_catalogue() -> None:
    """The pages here are rendered in Chinese: the compiled catalogue must match the committed .po."""
    compile_if_stale()
