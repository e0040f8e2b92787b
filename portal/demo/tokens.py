"""The demo's personal API tokens: the coordinator's read-only token, printed with the demo logins so the API can
be tried at once, and the investigator's grants-system token beside a revoked one, so the tokens page shows
each state."""

from __future__ import annotations

from portal.auth.api_tokens import Scope
from portal.auth.models import User
from portal.auth.token_operations import create_token, create_token_with_text, revoke_token

# A fixed, published token for the fictional demo only, printed by `flask demo seed`; it is stored, like every
# token, as its hash. Real tokens are random and shown once (create_token).
DEMO_API_TOKEN = "dur_demo_northbridge_coordinator_read_only"  # noqa: S105 - printed for the demo on purpose
OWNER_EMAIL = "coordinator@northbridge.example"
READ_ONLY_LABEL = "Demo: read-only API access"
SYNC_LABEL = "Grants system sync"
_READ_ONLY = (Scope.PROPOSALS_READ, Scope.DECISIONS_READ, Scope.REPORTS_READ, Scope.AUDIT_READ)


def seed_tokens(users: list[User]) -> None:
    by_email = {user.email: user for user in users}
    create_token_with_text(
        actor=by_email[OWNER_EMAIL], name=READ_ONLY_LABEL, scopes=_READ_ONLY, days=365, text=DEMO_API_TOKEN
    )
    investigator = by_email["investigator@northbridge.example"]
    create_token(actor=investigator, name=SYNC_LABEL, scopes=[Scope.PROPOSALS_READ, Scope.PROPOSALS_WRITE],
                 days=90)
    old, _text = create_token(actor=investigator, name="Old laptop script", scopes=[Scope.PROPOSALS_READ], days=30)
    revoke_token(old, actor=investigator)
