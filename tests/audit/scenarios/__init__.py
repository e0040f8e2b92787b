"""A scenario for every public function of every operations module: how to arrange a world in which the function
changes something, what to call it with, and the one audit event it must write (tests/audit/test_one_event.py).

Each module of this package registers its scenarios with `@scenario("portal.pkg.operations.function", "action")`
on a function that takes the test's Factory, builds what the call needs through the portal's own operations,
commits, and returns `call(*args, **kwargs)`: the test itself then calls the named function with them.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from tests.factories import Factory


@dataclass(frozen=True)
class Call:
    args: tuple[Any, ...] = ()
    kwargs: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Scenario:
    action: str
    arrange: Callable[[Factory], Call]


SCENARIOS: dict[str, Scenario] = {}
MODULES = ("accounts", "committees", "proposals", "reviews", "meetings", "decisions", "whatif", "report_scopes",
           "notifications", "consistency")


def call(*args: Any, **kwargs: Any) -> Call:
    return Call(args, kwargs)


def scenario(function: str, action: str) -> Callable[[Callable[[Factory], Call]], Callable[[Factory], Call]]:
    def register(arrange: Callable[[Factory], Call]) -> Callable[[Factory], Call]:
        assert function not in SCENARIOS, f"two scenarios for {function}"
        SCENARIOS[function] = Scenario(action, arrange)
        return arrange

    return register


def load_scenarios() -> dict[str, Scenario]:
    for name in MODULES:
        importlib.import_module(f"{__name__}.{name}")
    return SCENARIOS
