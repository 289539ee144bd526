"""Server-rendered pages: the Jinja2 environment, rendering, htmx helpers and flash messages.

With jinja2-fragments an htmx request gets one block of the very page template a full load
renders, so a page and its fragment never drift apart.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any
from urllib.parse import quote, urlsplit

from fastapi import Request
from fastapi.responses import RedirectResponse, Response
from jinja2_fragments.fastapi import Jinja2Blocks
from markupsafe import Markup

from app.accounts.csrf import csrf_token
from app.authz.visibility import describe_viewer
from app.caseinfo.models import AUDIENCE_LABELS
from app.children.models import END_REASON_LABELS, PLACEMENT_KIND_LABELS, SEX_LABELS
from app.config import BASE_DIR
from app.contacts.models import (
    CALL_ARRANGEMENT_LABELS,
    CONTACT_KIND_LABELS,
    CONTACT_MODE_LABELS,
    CONTACT_STATUS_LABELS,
    PLACE_KIND_LABELS,
    RECURRENCE_LABELS,
    RESPONSE_LABELS,
)
from app.i18n import (
    LOCALES,
    N_,
    format_age,
    format_date,
    format_datetime,
    format_time,
    get_locale,
    gettext,
    ngettext,
)
from app.orgs.models import ORG_KIND_LABELS, POSITION_LABELS, REGION_LABELS

templates = Jinja2Blocks(directory=str(BASE_DIR / "templates"))
env = templates.env
env.add_extension("jinja2.ext.i18n")
env.install_gettext_callables(gettext=gettext, ngettext=ngettext, newstyle=True)  # type: ignore[attr-defined]
env.policies["ext.i18n.trimmed"] = True

DUE_STATE_LABELS = {
    "satisfied": N_("Done"),
    "awaiting_confirmation": N_("Done, waiting for staff to confirm"),
    "scheduled": N_("Scheduled"),
    "booked_late": N_("Booked late"),
    "due": N_("Due"),
    "overdue": N_("Overdue"),
    "no_longer_applies": N_("No longer applies"),
    "closed": N_("Closed"),
}

# How a due item's state is coloured: done is fine, late or missed is a problem, the rest waits.
DUE_STATE_PILLS = {
    "satisfied": "ok",
    "overdue": "bad",
    "booked_late": "bad",
    "due": "warn",
    "awaiting_confirmation": "warn",
}

# Vocabularies a template may label: {{ label("placement_kind", p.kind) }}.
LABEL_SETS: dict[str, Mapping[Any, str]] = {
    "placement_kind": PLACEMENT_KIND_LABELS,
    "end_reason": END_REASON_LABELS,
    "sex": SEX_LABELS,
    "org_kind": ORG_KIND_LABELS,
    "region": REGION_LABELS,
    "position": POSITION_LABELS,
    "audience": AUDIENCE_LABELS,
    "contact_kind": CONTACT_KIND_LABELS,
    "contact_mode": CONTACT_MODE_LABELS,
    "contact_status": CONTACT_STATUS_LABELS,
    "place_kind": PLACE_KIND_LABELS,
    "call_arrangement": CALL_ARRANGEMENT_LABELS,
    "response": RESPONSE_LABELS,
    "recurrence": RECURRENCE_LABELS,
    "due_state": DUE_STATE_LABELS,
}


def label(vocabulary: str, value: object) -> str:
    if value is None or value == "":
        return ""
    message = LABEL_SETS[vocabulary].get(value)
    return gettext(message) if message else str(value)


env.globals.update(
    label=label,
    format_date=format_date,
    format_datetime=format_datetime,
    format_time=format_time,
    format_age=format_age,
    due_pill=lambda state: DUE_STATE_PILLS.get(state, ""),
    describe_viewer=describe_viewer,
    LOCALES=LOCALES,
)
env.filters["zip_labels"] = lambda values, vocabulary: [(v, label(vocabulary, v)) for v in values]
env.filters["rename_error"] = lambda errors, old, new: (
    {**errors, new: errors[old]} if old in errors else errors
)
env.filters["nl2br"] = lambda text: Markup("<br>").join(str(text or "").splitlines())


def is_htmx(request: Request) -> bool:
    return request.headers.get("hx-request") == "true"


def flash(request: Request, message: str, kind: str = "success") -> None:
    """A message shown once on the next page (kept in the server-side session)."""
    messages = list(request.session.get("flash", []))
    messages.append({"kind": kind, "text": message})
    request.session["flash"] = messages


def _pop_flash(request: Request) -> list[dict[str, str]]:
    messages = request.session.get("flash") or []
    if messages:
        request.session["flash"] = []
    return list(messages)


def base_context(request: Request) -> dict[str, Any]:
    settings = request.app.state.settings
    actor = getattr(request.state, "actor", None)
    return {
        "request": request,
        "actor": actor,
        "unread_notifications": _unread_notifications(request, actor),
        "csrf_token": csrf_token(request),
        "locale": get_locale(),
        "flash_messages": _pop_flash(request),
        "is_development": settings.is_development,
        "current_path": request.url.path,
    }


def _unread_notifications(request: Request, actor: Any) -> int:
    """The count on the nav's notifications link."""
    if actor is None:
        return 0
    from sqlmodel import Session

    from app.db import request_session
    from app.notifications.service import unread_count

    current = request_session(request)
    if current is not None:
        return unread_count(current, actor.person_id)
    with Session(request.app.state.engine) as db:  # an error page, after the request's session closed
        return unread_count(db, actor.person_id)


def render(
    request: Request,
    template: str,
    context: Mapping[str, Any] | None = None,
    *,
    block: str | None = None,
    status_code: int = 200,
    headers: Mapping[str, str] | None = None,
) -> Response:
    ctx = {**base_context(request), **(context or {})}
    if block is not None:
        return templates.TemplateResponse(
            request, template, ctx, status_code=status_code, headers=headers, block_name=block
        )
    return templates.TemplateResponse(request, template, ctx, status_code=status_code, headers=headers)


def redirect(request: Request, url: str) -> Response:
    """After a successful POST: a 303 for a form, an HX-Redirect for htmx."""
    if is_htmx(request):
        return Response(status_code=204, headers={"HX-Redirect": url})
    return RedirectResponse(url, status_code=303)


def safe_next(value: str | None, default: str = "/") -> str:
    """Only same-site paths may be a redirect target after sign-in."""
    if not value:
        return default
    parts = urlsplit(value)
    if parts.scheme or parts.netloc or not value.startswith("/") or value.startswith("//"):
        return default
    return value


def client_ip(request: Request) -> str:
    return request.client.host if request.client else ""


def sign_in_url(request: Request) -> str:
    """The sign-in page, coming back here after; it says why, when a session has just ended."""
    target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    url = "/sign-in?next=" + quote(target, safe="")
    state = request.scope.get("qpi.session")
    if state is not None and state.expired_reason:
        url += f"&ended={quote(state.expired_reason)}"
    return url
