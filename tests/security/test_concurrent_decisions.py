"""Two people writing the same thing at the same moment (security-test-plan.md check 23; v5 2.3.4/15.4.2): two
real processes, each with its own app and connection, post the same form together. A hook holds each one after it
has read what it checks (no decision pending; the review's lock_version), until both have read it (or 3 s pass), so
the database itself must serialise them: one write and one event; the other person gets 409 and a clear message.
On SQLite the write transaction (BEGIN IMMEDIATE) serialises; on PostgreSQL a row lock on the proposal (decisions)
or the review's version column (reviews)."""

from __future__ import annotations

import contextlib
import importlib
import multiprocessing
import threading
from pathlib import Path

from flask import Flask
from sqlalchemy import func, select

from portal.audit.models import AuditEvent
from portal.audit.verify import verify_chain
from portal.decisions.models import Decision
from portal.extensions import db
from portal.reviews.models import Review
from portal.reviews.operations import assign_reviewer, save_review
from tests.conftest import FreshContextClient, _make_app, csrf_token, sign_in
from tests.decisions.conftest import awaiting_decision, decision_form
from tests.factories import PASSWORD
from tests.reviews.conftest import complete_form, complete_values, items_of, make_world

HOLD_SECONDS = 3.0


def _post_together(url: str, instance: str, email: str, held: str, path: str, form: dict,
                   start, checked, results) -> None:  # noqa: ANN001
    """One person's browser in its own process: sign in, then post the form when the other is ready too. `held`
    ("module:function") is the read after which the process waits for the other."""
    module_name, function_name = held.split(":")
    module = importlib.import_module(module_name)
    original = getattr(module, function_name)

    def read_then_wait(*args, **kwargs):  # noqa: ANN002, ANN003, ANN202
        found = original(*args, **kwargs)
        # Both have read: only the database can stop a second write now. A broken barrier means the other is held
        # by the database, as it should be.
        with contextlib.suppress(threading.BrokenBarrierError):
            checked.wait(HOLD_SECONDS)
        return found

    setattr(module, function_name, read_then_wait)
    app = _make_app(url, Path(instance))
    app.test_client_class = FreshContextClient  # a fresh `g` per request, or the anonymous page's CSRF token sticks
    with app.app_context():
        client = app.test_client()
        sign_in(client, email, PASSWORD)
        token = csrf_token(client, "/dashboard")
        start.wait(30)
        response = client.post(path, data={"csrf_token": token, **form})
        results.put((email, response.status_code, response.get_data(as_text=True)))
        db.engine.dispose()


def _race(app: Flask, tmp_path: Path, held: str, path: str, posts: list[tuple[str, dict]]) -> list[tuple]:
    """Run the posts in two processes at once; their (email, status, body), lowest status first."""
    url = app.config["DATABASE_URL"]
    db.session.commit()  # and read nothing more: a new transaction here would hold SQLite's lock against the children
    db.engine.dispose()  # the children open their own connections
    context = multiprocessing.get_context("spawn")  # SQLite connections must not cross a fork()
    start, checked, results = context.Barrier(2), context.Barrier(2), context.Queue()
    workers = [context.Process(target=_post_together, args=(url, str(tmp_path / f"i{n}"), email, held, path, form,
                                                            start, checked, results))
               for n, (email, form) in enumerate(posts)]
    for worker in workers:
        worker.start()
    outcomes = sorted((results.get(timeout=60) for _ in workers), key=lambda r: r[1])
    for worker in workers:
        worker.join(timeout=30)
        assert worker.exitcode == 0
    return outcomes


def _count(*where) -> int:  # noqa: ANN002
    return db.session.scalar(select(func.count()).where(*where))


def test_two_processes_deciding_at_once_make_one_decision(app, factory, tmp_path):
    w = make_world(factory)
    awaiting_decision(w)
    proposal_id = w.proposal.id
    ids = {w.chair.email: w.chair.id, w.coordinator.email: w.coordinator.id}
    outcomes = _race(app, tmp_path, "portal.decisions.operations:pending_decision",
                     f"/proposals/{proposal_id}/decision", [(email, decision_form()) for email in ids])

    assert [status for _email, status, _body in outcomes] == [302, 409]
    assert "waiting for signatures" in outcomes[1][2] or "decided at the same moment" in outcomes[1][2]
    assert _count(Decision.proposal_id == proposal_id) == 1
    winner = db.session.scalar(select(Decision.created_by_id).where(Decision.proposal_id == proposal_id))
    assert winner == ids[outcomes[0][0]], "the stored decision is not the one the 302 was about"
    assert _count(AuditEvent.action == "decision.made") == 1
    assert verify_chain().intact


def test_two_windows_saving_the_same_review_copy_at_once_keep_one_text(app, factory, tmp_path):
    """The reviewer has the saved draft (lock_version 1) open in two browsers and saves both at the same moment."""
    w = make_world(factory)
    mine = assign_reviewer(w.proposal, w.ire, w.reviewer, due_on=None, actor=w.coordinator)
    db.session.commit()
    items = items_of(mine)
    draft = save_review(mine, items, complete_values(items), opened_lock=None, submit=False, actor=w.reviewer)
    db.session.commit()
    review_id, opened = draft.id, str(draft.lock_version)
    reviews_before = _count(AuditEvent.action.like("review.%"))
    texts = {"first": "Saved from the first window RW-1", "second": "Saved from the second window RW-2"}
    forms = [(w.reviewer.email, {**complete_form(items, action="save", lock_version=opened), "committee_comment": t})
             for t in texts.values()]
    outcomes = _race(app, tmp_path, "portal.reviews.operations:_assessments_json", f"/assignments/{mine.id}/review",
                     forms)

    assert [status for _email, status, _body in outcomes] == [302, 409]
    loser_page = outcomes[1][2]
    assert "was changed since you opened it" in loser_page
    db.session.expire_all()
    stored = db.session.get(Review, review_id).committee_comment
    assert stored in texts.values()
    loser_text = next(t for t in texts.values() if t != stored)
    assert loser_text in loser_page, "the person whose save lost must get their text back"
    assert _count(AuditEvent.action.like("review.%")) == reviews_before + 1
    assert verify_chain().intact
