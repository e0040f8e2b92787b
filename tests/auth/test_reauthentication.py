"""Re-authentication before signing (security-test-plan #14, 21 CFR 11.200): a signed-in session alone cannot sign;
the password must be entered again each time, and a signature without it is refused and records nothing."""

from __future__ import annotations

from sqlalchemy import select

from portal.decisions.models import Decision
from portal.extensions import db
from portal.signatures.models import Signature
from tests.auth.helpers import events
from tests.conftest import post
from tests.decisions.conftest import decision_form, world  # noqa: F401 - the fixture, shared with the decision tests
from tests.factories import PASSWORD
from tests.reviews.conftest import client_for


def _decision(w) -> Decision:  # noqa: ANN001
    db.session.expire_all()
    return db.session.scalar(select(Decision).where(Decision.proposal_id == w.proposal.id))


def test_signing_a_decision_without_the_password_is_refused(app, world):  # noqa: F811
    chair = client_for(app, world.chair)
    post(chair, f"/proposals/{world.proposal.id}/decision", decision_form())
    decision = _decision(world)
    signatures_before = len(db.session.scalars(select(Signature)).all())  # the investigator's, at submission

    missing = post(chair, f"/decisions/{decision.id}/sign", {"printed_name": world.chair.name})
    empty = post(chair, f"/decisions/{decision.id}/sign", {"printed_name": world.chair.name, "password": ""})

    for response in (missing, empty):
        assert response.status_code == 400
        assert "Enter your password." in response.get_data(as_text=True)
    assert _decision(world).signatures == []
    assert len(db.session.scalars(select(Signature)).all()) == signatures_before
    assert not [e for e in events("decision.signed") if e.actor_id == world.chair.id]
    # The same session, with the password entered again, signs.
    signed = post(chair, f"/decisions/{decision.id}/sign", {"printed_name": world.chair.name, "password": PASSWORD})
    assert signed.status_code == 302
    assert len(_decision(world).signatures) == 1
