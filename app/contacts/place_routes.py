"""Administrators keep each centre's list of neutral places for contacts."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import Response
from sqlmodel import col, select

from app import clock
from app.audit import service as audit
from app.authz.guards import AdminActor
from app.contacts.models import Place
from app.db import DbSession
from app.errors import NotFound
from app.i18n import gettext
from app.orgs.models import Organisation, OrgKind
from app.web import flash, redirect, render

router = APIRouter(prefix="/admin/places")


@router.get("")
def places(request: Request, actor: AdminActor, db: DbSession) -> Response:
    centres = db.exec(
        select(Organisation)
        .where(
            Organisation.kind == OrgKind.CHILD_GUIDANCE_CENTRE.value, col(Organisation.archived_at).is_(None)
        )
        .order_by(col(Organisation.name))
    ).all()
    rows = db.exec(
        select(Place, Organisation)
        .join(Organisation, col(Organisation.id) == Place.centre_id)
        .where(col(Place.archived_at).is_(None))
        .order_by(col(Organisation.name), col(Place.name))
    ).all()
    return render(
        request,
        "contacts/places.html",
        {"rows": rows, "centres": [(str(c.id), c.name) for c in centres], "errors": {}, "values": {}},
    )


@router.post("")
def place_create(
    request: Request,
    actor: AdminActor,
    db: DbSession,
    centre_id: Annotated[str, Form()] = "",
    name: Annotated[str, Form()] = "",
    address: Annotated[str, Form()] = "",
) -> Response:
    centre = db.get(Organisation, _uuid(centre_id)) if centre_id else None
    if centre is None or centre.kind != OrgKind.CHILD_GUIDANCE_CENTRE or not name.strip():
        flash(request, gettext("Choose the centre and give the place a name."), "error")
        return redirect(request, "/admin/places")
    place = Place(centre_id=centre.id, name=name.strip()[:200], address=address.strip()[:300])
    db.add(place)
    db.flush()
    audit.record_change(db, actor, place, None)
    flash(request, gettext("The place was added."))
    return redirect(request, "/admin/places")


@router.post("/{place_id}/archive")
def place_archive(request: Request, place_id: uuid.UUID, actor: AdminActor, db: DbSession) -> Response:
    place = db.get(Place, place_id)
    if place is None:
        raise NotFound()
    before = audit.snapshot(place)
    place.archived_at, place.archive_reason = clock.now(), "removed from the list"
    db.add(place)
    audit.record_change(db, actor, place, before, action="archive")
    flash(request, gettext("The place was taken off the list. Contacts held there keep it."))
    return redirect(request, "/admin/places")


def _uuid(value: str) -> uuid.UUID | None:
    try:
        return uuid.UUID(value)
    except ValueError:
        return None
