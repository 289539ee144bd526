"""Calendar pages: the private feed that calendar apps subscribe to, an .ics file per contact, and
the page in My account where a person makes, renews or stops their calendar link."""

from __future__ import annotations

import hashlib
import uuid
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response

from app.authz.actor import Actor
from app.authz.guards import ChildScope, CurrentActor, FeedOwner
from app.contacts import calendar
from app.db import DbSession
from app.i18n import gettext
from app.web import flash, is_htmx, redirect, render

router = APIRouter()
# The middleware adds Cache-Control: no-store to every answer outside /static, feeds included.
ICS_TYPE = "text/calendar; charset=utf-8"


@router.api_route("/calendar/{token}.ics", methods=["GET", "HEAD"], include_in_schema=False)
def calendar_feed(request: Request, owner: FeedOwner, db: DbSession) -> Response:
    """Calendar apps poll this often: they may ask with HEAD, or send back the ETag they hold and
    get a 304 without the feed when nothing changed."""
    body = calendar.feed_ics(db, owner, request.app.state.settings)
    calendar.mark_used(db, owner)
    tag = '"' + hashlib.sha256(body).hexdigest()[:32] + '"'
    # Still no-store (the middleware): the calendar app keeps the events, not an HTTP cache.
    headers = {"ETag": tag}
    if _matches(request.headers.get("if-none-match", ""), tag):
        return Response(status_code=304, headers=headers)
    return Response(body, media_type=ICS_TYPE, headers=headers)


def _matches(if_none_match: str, tag: str) -> bool:
    """RFC 9110 13.1.2: a list of tags, weak or strong, or "*"."""
    sent = {t.strip().removeprefix("W/") for t in if_none_match.split(",") if t.strip()}
    return "*" in sent or tag in sent


@router.get("/children/{child_id}/contacts/{contact_id}.ics")
def contact_ics(request: Request, contact_id: uuid.UUID, access: ChildScope, db: DbSession) -> Response:
    body = calendar.contact_ics(db, access, contact_id, request.app.state.settings)
    return Response(
        body, media_type=ICS_TYPE, headers={"Content-Disposition": 'attachment; filename="contact.ics"'}
    )


def _context(db: DbSession, actor: Actor, **extra: Any) -> dict[str, Any]:
    return {"feed": calendar.current_feed(db, actor.person_id), "new_url": None, **extra}


@router.get("/account/calendar")
def calendar_page(request: Request, actor: CurrentActor, db: DbSession) -> Response:
    """The page; for htmx (the card on My account), only the link's state and its buttons."""
    block = "calendar_link" if is_htmx(request) else None
    return render(request, "contacts/calendar.html", _context(db, actor), block=block)


@router.post("/account/calendar")
def calendar_renew(request: Request, actor: CurrentActor, db: DbSession) -> Response:
    """Make a link, or a new one in place of the old: shown on this answer only (only its hash is kept)."""
    token = calendar.renew_feed(db, actor.person_id, actor=actor)
    url = calendar.feed_url(request.app.state.settings, token)
    return render(request, "contacts/calendar.html", _context(db, actor, new_url=url))


@router.post("/account/calendar/revoke")
def calendar_revoke(request: Request, actor: CurrentActor, db: DbSession) -> Response:
    if calendar.revoke_feed(db, actor.person_id, actor=actor):
        flash(
            request, gettext("Your calendar link was stopped. Calendars that used it get no more contacts.")
        )
    return redirect(request, "/account/calendar")
