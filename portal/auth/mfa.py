"""Two-step sign-in: TOTP codes (RFC 6238, through pyotp), recovery codes and the enrolment QR code. No Flask here.

Time comes from portal.clock, so tests walk it forward; a code is accepted for the current 30-second step and
one step either side (clock drift on phones), and only for a step later than the last one accepted.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from datetime import UTC, datetime

import pyotp
import segno

from portal.clock import utcnow

ISSUER = "Dual-Use Review Portal"
DRIFT_STEPS = 1
RECOVERY_CODE_COUNT = 10
# No 0/o, 1/l/i: codes are copied from paper. 31 symbols x 10 characters is about 49 bits per code.
_RECOVERY_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"
_RECOVERY_LENGTH = 10
_SEPARATORS = re.compile(r"[\s-]+")


def new_secret() -> str:
    return pyotp.random_base32()  # 160 bits, as RFC 4226 recommends


def current_step(moment: datetime | None = None) -> int:
    aware = (moment or utcnow()).replace(tzinfo=UTC)  # pyotp reads naive datetimes as local time
    return pyotp.TOTP(new_secret()).timecode(aware)


def matching_step(secret: str, code: str, *, after: int | None) -> int | None:
    """The time step whose code this is, if it is within the drift window and later than `after`."""
    code = _SEPARATORS.sub("", code or "")
    if not (len(code) == 6 and code.isdigit()):
        return None
    totp, now = pyotp.TOTP(secret), current_step()
    for step in range(now - DRIFT_STEPS, now + DRIFT_STEPS + 1):
        if (after is None or step > after) and hmac.compare_digest(totp.generate_otp(step), code):
            return step
    return None


def provisioning_uri(secret: str, account: str) -> str:
    return pyotp.TOTP(secret).provisioning_uri(name=account, issuer_name=ISSUER)


def qr_data_uri(uri: str) -> str:
    """The otpauth:// URI as an SVG QR code in a data: URI: made here, so no third party sees the secret."""
    return segno.make(uri, error="m").svg_data_uri(scale=5, border=2, dark="#1d2430")


def grouped(secret: str) -> str:
    """The key for typing into an app by hand, in groups of four."""
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def new_recovery_codes() -> list[str]:
    codes = [
        "".join(secrets.choice(_RECOVERY_ALPHABET) for _ in range(_RECOVERY_LENGTH)) for _ in range(RECOVERY_CODE_COUNT)
    ]
    return [f"{code[:5]}-{code[5:]}" for code in codes]


def recovery_code_hash(code: str) -> str | None:
    """SHA-256 of the code as typed, ignoring case, spaces and dashes; None when it cannot be a recovery code."""
    normal = _SEPARATORS.sub("", code or "").lower()
    if len(normal) != _RECOVERY_LENGTH or any(c not in _RECOVERY_ALPHABET for c in normal):
        return None
    return hashlib.sha256(normal.encode("ascii")).hexdigest()
