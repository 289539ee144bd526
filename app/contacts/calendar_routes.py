"""Calendar pages: the private feed that calendar apps subscribe to, an .ics file per contact, and
the page in My account where a person makes, renews or stops their calendar link."""

from __future__ import annotations

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


@router.get("/calendar/{token}.ics")
def calendar_feed(request: Request, owner: FeedOwner, db: DbSession) -> Response:
    body = calendar.feed_ics(db, owner, request.app.state.settings)
    calendar.mark_used(db, owner)
    return Response(body, media_type=ICS_TYPE)


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
