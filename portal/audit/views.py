"""The auditor's page, /audit: the chain's status, then the events of the admin's institution, filtered.

For institution admins (portal.audit.permissions). Each page is a constant number of statements: the chain walk
behind the status line (one streaming SELECT, so the page costs a full walk: fine for the log sizes of one
institution's portal; `flask audit verify` is the tool for a very long chain), and one SELECT for the events.
"""

from __future__ import annotations

from datetime import date

from flask import Blueprint, abort, render_template, request
from flask_login import current_user, login_required
from werkzeug.datastructures import MultiDict

from portal.audit.permissions import can_read_audit
from portal.audit.queries import EventFilter, chain_status, event_page

bp = Blueprint("audit", __name__)
TEXT_LIMIT = 100


def _date(args: MultiDict, name: str, problems: list[str]) -> date | None:
    value = args.get(name, "").strip()
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        problems.append(f"“{value[:TEXT_LIMIT]}” is not a date: write it as YYYY-MM-DD.")
        return None


def _filter(args: MultiDict) -> tuple[EventFilter, list[str]]:
    problems: list[str] = []
    text = {name: args.get(name, "").strip()[:TEXT_LIMIT] for name in ("action", "actor", "target_type", "target_id")}
    wanted = EventFilter(**text, since=_date(args, "since", problems), until=_date(args, "until", problems))
    return wanted, problems


SEQ_MAX = 2**31 - 1  # audit_events.seq is an INTEGER: a larger key would overflow PostgreSQL's bound parameter


def _before(args: MultiDict) -> int | None:
    value = args.get("before", "")
    if not (value.isascii() and value.isdigit() and len(value) < 12):  # "²".isdigit() is true, int("²") fails
        return None
    return min(int(value), SEQ_MAX)


@bp.route("/audit")
@login_required
def events():  # noqa: ANN201
    if not can_read_audit(current_user):
        abort(404)
    wanted, problems = _filter(request.args)
    page = event_page(current_user, wanted, _before(request.args))
    status, anchor_problem = chain_status()
    links = {k: v for k, v in request.args.items() if k != "before" and k in EventFilter.__dataclass_fields__}
    return render_template(
        "audit/events.html", page=page, wanted=wanted, problems=problems, status=status,
        anchor_problem=anchor_problem, links=links,
    ), 400 if problems else 200
