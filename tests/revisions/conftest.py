"""The revision tests build on the reviews' world: a screened proposal routed to the review entity."""

from tests.reviews.conftest import world  # noqa: F401 - the shared fixture
