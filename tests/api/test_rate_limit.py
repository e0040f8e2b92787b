"""The API's rate limit is per token, and past it the answer is a 429 problem (issue 8: the same limits as the
pages apply to the API)."""

from __future__ import annotations

import pytest

from portal.auth.roles import Role
from tests.api.conftest import as_user, problem


@pytest.fixture
def app_config() -> dict[str, object]:
    return {"API_RATE_LIMIT": "5 per minute"}


def test_calls_past_the_tokens_rate_limit_get_429(api, factory) -> None:  # noqa: ANN001
    pi = factory.user(Role.INVESTIGATOR)
    headers = as_user(pi)
    answers = [api.get("/api/v1/proposals", headers=headers).status_code for _ in range(6)]
    assert answers == [200] * 5 + [429]
    body = problem(api.get("/api/v1/proposals", headers=headers), 429)
    assert body["title"] == "Too many attempts"
    # The limit is the token's: another person's token is not held back.
    colleague = factory.user(Role.COORDINATOR, institution=pi.institution)
    assert api.get("/api/v1/proposals", headers=as_user(colleague)).status_code == 200

