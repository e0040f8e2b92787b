"""In tests, a lazy load raises: a list page that touches a relationship its query did not load fails.

Why a `do_orm_execute` listener and not `raiseload("*")`: the pages' queries live in the packages' queries.py and
the guard must not change them; a listener on the Session class sees every ORM statement of every request the test
client makes (each request opens its own session), and tells a lazy load (`lazy_loaded_from` is the object whose
attribute was touched) from the statements of selectinload, which are relationship loads too but are issued once
by the query that asked for them. A many-to-one whose target is already in the session's identity map runs no
statement, so it is not a lazy load here either: only loads that cost a round trip count.

Not global: a page about one object (a proposal's reviews page) may lazy-load that object's relations, and every
page may lazy-load the signed-in person's own (their governance scopes): one object, a constant number of loads,
however many rows the page lists. Those are named in `allow` as (class name, primary key).
"""

from __future__ import annotations

from collections.abc import Collection, Iterator
from contextlib import contextmanager

from sqlalchemy import event
from sqlalchemy.orm import ORMExecuteState, Session


class LazyLoadError(AssertionError):
    """A page lazy-loaded a relationship while the guard was on."""


def _owner(state: ORMExecuteState) -> tuple[str, int | None]:
    loaded_from = state.lazy_loaded_from
    identity = loaded_from.identity
    return loaded_from.class_.__name__, identity[0] if identity else None


def _describe(state: ORMExecuteState) -> str:
    path = state.loader_strategy_path
    attribute = path[-1].key if path is not None and len(path) else "?"
    return f"{_owner(state)[0]}.{attribute}"


@contextmanager
def lazy_loads_refused(
    *, allow: Collection[tuple[str, int]] = (), raise_at_once: bool = True
) -> Iterator[list[str]]:
    """Inside the block a lazy load (other than from an object in `allow`) raises LazyLoadError at once; with
    `raise_at_once=False` it is only listed, so that one pass reports every lazy load of a page and the page's
    whole statement count. Either way the block fails on exit if any was attempted: a page whose error handler
    swallowed the exception (and answered 500) still fails the test."""
    attempted: list[str] = []

    def refuse(state: ORMExecuteState) -> None:
        if state.is_relationship_load and state.lazy_loaded_from is not None and _owner(state) not in allow:
            attempted.append(_describe(state))
            if raise_at_once:
                raise LazyLoadError(f"lazy load of {attempted[-1]}")

    event.listen(Session, "do_orm_execute", refuse)
    try:
        yield attempted
    finally:
        event.remove(Session, "do_orm_execute", refuse)
    if attempted:
        raise LazyLoadError(f"lazy loads: {', '.join(sorted(set(attempted)))}")
