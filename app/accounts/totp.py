"""The second factor: time-based one-time codes (RFC 6238) from an authenticator app."""

from __future__ import annotations

import pyotp
import segno

from app import clock
from app.accounts.models import Account

ISSUER = "QPI portal"


def new_secret() -> str:
    return pyotp.random_base32()  # 160 bits


def provisioning_uri(secret: str, email: str) -> str:
    return pyotp.TOTP(secret).provisioning_uri(name=email, issuer_name=ISSUER)


def qr_svg(uri: str) -> str:
    """The otpauth:// URI as an inline SVG QR code, for the authenticator app to scan."""
    return str(segno.make(uri, error="m").svg_inline(scale=5, dark="#1d2733"))


def _normalise(code: str) -> str:
    return "".join(ch for ch in code if ch.isdigit())


def matching_step(secret: str, code: str, now: float | None = None) -> int | None:
    """The time step a code belongs to (this one, or one either side for clock drift), or None."""
    totp = pyotp.TOTP(secret)
    code = _normalise(code)
    if len(code) != totp.digits:
        return None
    now = clock.now().timestamp() if now is None else now
    current = int(now // totp.interval)
    for step in (current, current - 1, current + 1):
        if pyotp.utils.strings_equal(totp.generate_otp(step), code):
            return step
    return None


def verify_and_consume(account: Account, code: str) -> bool:
    """True for a valid code not used before; records its step so it cannot be replayed."""
    if not account.totp_secret:
        return False
    step = matching_step(account.totp_secret, code)
    if step is None or (account.totp_last_step is not None and step <= account.totp_last_step):
        return False
    account.totp_last_step = step
    return True
