"""CSRF protection for every form and htmx request that changes something.

The token lives in the server-side session. Forms send it as the field csrf_token; htmx sends it
in the X-CSRF-Token header (set once on <body hx-headers>). The JSON API is exempt because it
authenticates with a bearer token only, never with the cookie.
"""

from __future__ import annotations

import hmac
import secrets

from fastapi import Request

from app.errors import DomainError
from app.i18n import gettext

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "TRACE"})
SESSION_KEY = "csrf"
FORM_FIELD = "csrf_token"
HEADER = "x-csrf-token"


class CsrfFailed(DomainError):
    status_code = 403


def csrf_token(request: Request) -> str:
    token = request.session.get(SESSION_KEY)
    if not token:
        token = secrets.token_urlsafe(32)
        request.session[SESSION_KEY] = token
    return str(token)


async def csrf_protect(request: Request) -> None:
    """Applied to the whole application; a no-op for safe methods and the bearer-token API."""
    if request.method in SAFE_METHODS or request.url.path.startswith("/api/"):
        return
    expected = request.session.get(SESSION_KEY)
    sent = request.headers.get(HEADER)
    if sent is None:
        content_type = request.headers.get("content-type", "")
        if content_type.startswith(("application/x-www-form-urlencoded", "multipart/form-data")):
            form = await request.form()  # cached by Starlette, so the route reads the same form
            value = form.get(FORM_FIELD)
            sent = value if isinstance(value, str) else None
    if not expected or not sent or not hmac.compare_digest(str(expected), sent):
        raise CsrfFailed(
            gettext("This form has expired or did not come from this portal. Reload the page and try again.")
        )
