"""Contacts in the JSON API: the same services and the same policy as the pages."""

from __future__ import annotations

import uuid
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Header, Request

from app.authz.access import ChildAccess
from app.authz.due_items import may_close_due_items, may_confirm_done
from app.authz.guards import ChildScope, CurrentActor, RequestPolicy
from app.authz.policy import Category
from app.contacts import due, due_closing, pages, service
from app.contacts.schemas import (
    ContactChange,
    ContactIn,
    ContactOut,
    DoneConfirmation,
    DueItemClose,
    DueItemOut,
    ScheduleResult,
    StatusChange,
)
from app.db import DbSession
from app.errors import NotFound

router = APIRouter(prefix="/api/v1", tags=["contacts"])


# FastAPI reads a request's body before the endpoint runs; these dependencies ask the policy first,
# so that someone who may not do it gets the same 404 whatever they send.
def _scheduler(access: ChildScope) -> ChildAccess:
    if not service.may_schedule(access):
        raise NotFound()
    return access


def _changer(contact_id: uuid.UUID, access: ChildScope, db: DbSession) -> ChildAccess:
    if not service.may_organise(db, access, service.get_contact(db, access, contact_id)):
        raise NotFound()
    return access


def _confirmer(contact_id: uuid.UUID, access: ChildScope, db: DbSession) -> ChildAccess:
    service.get_contact(db, access, contact_id)
    if not may_confirm_done(access):
        raise NotFound()
    return access


def _closer(access: ChildScope) -> ChildAccess:
    if not may_close_due_items(access):
        raise NotFound()
    return access


Scheduler = Annotated[ChildAccess, Depends(_scheduler)]
Closer = Annotated[ChildAccess, Depends(_closer)]
Confirmer = Annotated[ChildAccess, Depends(_confirmer)]
Changer = Annotated[ChildAccess, Depends(_changer)]
NOT_FOUND: dict[int | str, dict[str, Any]] = {404: {"description": "Not found, or not shared with you."}}
CHANGES: dict[int | str, dict[str, Any]] = {
    **NOT_FOUND,
    409: {"description": "Changed meanwhile: read it again and send the new version."},
    422: {"description": "Field errors, in the reader's language."},
}


@router.get(
    "/children/{child_id}/contacts",
    response_model=list[ContactOut],
    response_model_exclude_none=True,
    responses=NOT_FOUND,
)
def contacts(access: ChildScope, db: DbSession) -> list[ContactOut]:
    """The child's contacts; time and place are absent where the policy withholds them."""
    if not access.can_see(Category.CONTACT_RECORDS):
        raise NotFound()
    return pages.views(db, access, service.child_contacts(db, access))


@router.post(
    "/children/{child_id}/contacts", response_model=ScheduleResult, status_code=201, responses=CHANGES
)
def schedule(
    request: Request,
    data: ContactIn,
    access: Scheduler,
    db: DbSession,
    idempotency_key: Annotated[str | None, Header()] = None,
) -> ScheduleResult:
    """Schedule a contact (or a series of family time), or record one that happened.
    Sending the same Idempotency-Key twice creates it once (the answer says duplicate: true)."""
    if idempotency_key and not data.idempotency_key:
        data.idempotency_key = idempotency_key[:64]
    result = service.schedule(db, access, request.app.state.settings, data)
    return ScheduleResult(
        contacts=pages.views(db, access, result.contacts),
        warnings=result.warnings,
        duplicate=result.duplicate,
    )


@router.get(
    "/children/{child_id}/contacts/{contact_id}",
    response_model=ContactOut,
    response_model_exclude_none=True,
    responses=NOT_FOUND,
)
def contact(contact_id: uuid.UUID, access: ChildScope, db: DbSession) -> ContactOut:
    [view] = pages.views(db, access, [service.get_contact(db, access, contact_id)])
    return view


@router.patch(
    "/children/{child_id}/contacts/{contact_id}",
    response_model=ContactOut,
    response_model_exclude_none=True,
    responses=CHANGES,
)
def change(
    request: Request, contact_id: uuid.UUID, data: ContactChange, access: Changer, db: DbSession
) -> ContactOut:
    """Move a contact, change its place or who takes part. Everyone taking part is told."""
    changed, _warnings = service.change(db, access, request.app.state.settings, contact_id, data)
    [view] = pages.views(db, access, [changed])
    return view


@router.post(
    "/children/{child_id}/contacts/{contact_id}/status",
    response_model=ContactOut,
    response_model_exclude_none=True,
    responses=CHANGES,
)
def status(
    request: Request, contact_id: uuid.UUID, data: StatusChange, access: Changer, db: DbSession
) -> ContactOut:
    """Confirm, mark as done, cancel or record that it did not happen (the last two need a reason)."""
    changed = service.set_status(db, access, request.app.state.settings, contact_id, data)
    [view] = pages.views(db, access, [changed])
    return view


@router.post(
    "/children/{child_id}/contacts/{contact_id}/confirm-done",
    response_model=ContactOut,
    response_model_exclude_none=True,
    responses=CHANGES,
)
def confirm_done(
    contact_id: uuid.UUID, data: DoneConfirmation, access: Confirmer, db: DbSession
) -> ContactOut:
    """Staff confirm that a contact a birth parent or carer marked as done happened: only then does
    it count for what is due after the placement (done_confirmed: true)."""
    changed = service.confirm_done(db, access, contact_id, data.version)
    [view] = pages.views(db, access, [changed])
    return view


@router.post(
    "/children/{child_id}/contacts/{contact_id}/respond",
    response_model=ContactOut,
    response_model_exclude_none=True,
    responses=CHANGES,
)
def respond(
    request: Request, contact_id: uuid.UUID, response: str, access: ChildScope, db: DbSession
) -> ContactOut:
    """A participant's answer: accepted or declined."""
    changed = service.respond(db, access, request.app.state.settings, contact_id, response)
    [view] = pages.views(db, access, [changed])
    return view


@router.get("/children/{child_id}/due", response_model=list[DueItemOut], responses=NOT_FOUND)
def child_due(request: Request, access: ChildScope, db: DbSession) -> list[DueItemOut]:
    """What is due after the child's recent placements, and its state."""
    if not access.can_see(Category.CONTACT_RECORDS):
        raise NotFound()
    child = service.db_child(db, access)
    return due.due_items(db, request.app.state.settings, [child])


@router.post("/children/{child_id}/due/close", response_model=DueItemOut, responses=CHANGES)
def close_due_item(request: Request, data: DueItemClose, access: Closer, db: DbSession) -> DueItemOut:
    """The caseworker closes an item that will not be done; the reason is required and shown with
    who closed it and when (state: closed)."""
    return due_closing.close(db, access, request.app.state.settings, data)


@router.get("/me/due", response_model=list[DueItemOut])
def my_due(
    request: Request, actor: CurrentActor, policy: RequestPolicy, db: DbSession, whole_centre: bool = False
) -> list[DueItemOut]:
    """Due and overdue items of the children I answer for (supervisors: whole_centre=true)."""
    return due.my_due_list(db, request.app.state.settings, actor, policy, whole_centre=whole_centre)
