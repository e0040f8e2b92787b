"""Applying a signature: the only place a Signature row is made.

A signature is a building block of a larger operation (submitting a version, signing a decision), so it writes
no audit event of its own: the operation's one event names the signature with `signature_facts`.
"""

from __future__ import annotations

from portal.auth.models import User
from portal.auth.passwords import verify_password
from portal.errors import PortalError
from portal.extensions import db
from portal.i18n.marks import N_
from portal.signatures.models import Signature


class SignatureRefused(PortalError):
    """The signer could not be confirmed; the message says what to correct."""


def sign(content_sha256: str, *, meaning: str, password: str, printed_name: str, actor: User) -> Signature:
    """Sign content by its hash after the signer re-enters their password."""
    if not verify_password(actor.password_hash, password):
        raise SignatureRefused(N_("The password you entered is not correct. Nothing was signed."))
    printed = " ".join(printed_name.split())
    if printed.casefold() != " ".join(actor.name.split()).casefold():
        raise SignatureRefused(N_("Type your name exactly as it appears on your account: %(name)s."), name=actor.name)
    signature = Signature(signer_id=actor.id, printed_name=actor.name, meaning=meaning, content_sha256=content_sha256)
    db.session.add(signature)
    db.session.flush()  # the caller's event names it by id
    return signature


def signature_facts(signature: Signature) -> dict[str, object]:
    return {
        "id": signature.id,
        "meaning": signature.meaning,
        "content_sha256": signature.content_sha256,
        "printed_name": signature.printed_name,
    }
