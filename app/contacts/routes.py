"""Contact pages: schedule, see, answer, change, close and record how it went. Phone first."""

from __future__ import annotations

import uuid
from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import Response
from pydantic import ValidationError
from starlette.datastructures import FormData

from app.authz import actions
from app.authz.due_items import may_close_due_items, may_confirm_done
from app.authz.guards import ChildScope, CurrentActor, RequestPolicy
from app.authz.policy import Category
from app.children.pages import can_see_whole_centre
from app.contacts import due, due_closing, outcomes, pages, service
from app.contacts.mine import upcoming_for
from app.contacts.models import ContactKind, ContactStatus
from app.contacts.schemas import ContactChange, DueItemClose, StatusChange
from app.contacts.service import OPEN
from app.db import DbSession
from app.errors import Conflict, Forbidden, Invalid, NotFound
from app.forms import PostedForm, field_errors, problem_text
from app.i18n import TOKYO, gettext
from app.web import flash, is_htmx, redirect, render

router = APIRouter()
FIELDS = (
    "mode",
    "place",
    "date",
    "start_time",
    "end_time",
    "facilitator_id",
    "carer_present",
    "call_arrangement",
    "note",
    "record_as_done",
    "recurrence",
    "until_date",
    "custom_dates",
    "idempotency_key",
    "version",
)


def _form(form: FormData) -> dict[str, Any]:
    values: dict[str, Any] = {k: str(form.get(k, "")).strip() for k in FIELDS}
    values["participant_ids"] = [str(v) for v in form.getlist("participant_ids")]
    return values


def _kind(kind: str) -> ContactKind:
    try:
        return ContactKind(kind)
    except ValueError:
        raise NotFound() from None


@router.get("/children/{child_id}/contacts/new")
def contact_new(request: Request, access: ChildScope, db: DbSession, kind: str = "comfort_call") -> Response:
    if not service.may_schedule(access):
        raise NotFound()
    chosen = _kind(kind)
    return render(
        request,
        "contacts/form.html",
        pages.form_context(db, access, chosen.value, pages.new_values(db, access, chosen)),
    )


@router.post("/children/{child_id}/contacts")
def contact_create(
    request: Request, access: ChildScope, db: DbSession, form: PostedForm, kind: str = ""
) -> Response:
    if not service.may_schedule(access):
        raise NotFound()
    values = _form(form)
    chosen = _kind(kind or str(form.get("kind", "")))
    try:
        result = service.schedule(
            db, access, request.app.state.settings, pages.contact_in(chosen.value, values)
        )
    except (ValidationError, Invalid) as problem:
        errors = problem.errors if isinstance(problem, Invalid) else field_errors(problem)
        return render(
            request,
            "contacts/form.html",
            pages.form_context(db, access, chosen.value, values, errors=errors),
            status_code=422,
        )
    first = result.contacts[0]
    if not result.duplicate:
        message = (
            gettext("Recorded.")
            if first.status == ContactStatus.DONE
            else gettext("Scheduled. Everyone taking part was told and can answer in one tap.")
        )
        flash(request, message)
        for warning in result.warnings:
            flash(request, warning, "info")
    return redirect(request, f"/children/{access.child_id}/contacts/{first.id}")


@router.post("/children/{child_id}/contacts/check")
def contact_check(request: Request, access: ChildScope, db: DbSession, form: PostedForm) -> Response:
    """While the form is filled in: who already has an appointment at that time (htmx)."""
    if not service.may_schedule(access):
        raise NotFound()
    values = _form(form)
    warnings: list[str] = []
    try:
        data = pages.contact_in(str(form.get("kind", "comfort_call")), values)
        probe = service.Contact(
            child_id=access.child_id,
            kind=data.kind,
            mode=data.mode,
            place_kind=data.place_kind,
            starts_at=service.to_utc(data.date, data.start_time),
            status="proposed",
            duration_minutes=max(service._minutes(data.start_time, data.end_time, {}), 1),
            created_by_id=access.person_id,
        )
        warnings = service.double_bookings(
            db, [probe], set(data.participant_ids), pages.team(db, access), access
        )
    except (ValidationError, ValueError):
        warnings = []
    return render(request, "contacts/form.html", {"warnings": warnings}, block="warnings")


@router.get("/children/{child_id}/contacts")
def contact_list(request: Request, access: ChildScope, db: DbSession) -> Response:
    if not access.can_see(Category.CONTACT_RECORDS):
        raise NotFound()
    contacts = pages.views(db, access, service.child_contacts(db, access))
    return render(
        request,
        "contacts/list.html",
        {
            "access": access,
            "contacts": list(reversed(contacts)),
            **pages.child_section(db, access, request.app.state.settings),
        },
    )


@router.get("/children/{child_id}/contacts/{contact_id}")
def contact_page(request: Request, contact_id: uuid.UUID, access: ChildScope, db: DbSession) -> Response:
    return render(
        request,
        "contacts/detail.html",
        _detail_context(db, access, contact_id),
        block="answer" if is_htmx(request) and request.headers.get("hx-target") == "answer" else None,
    )


def _detail_context(db: DbSession, access: ChildScope, contact_id: uuid.UUID, **extra: Any) -> dict[str, Any]:
    """The contact's page, with only the actions the policy gives this reader (app/authz/actions.py)."""
    contact = service.get_contact(db, access, contact_id)
    [view] = pages.views(db, access, [contact])
    outcome = outcomes.outcome_of(db, contact)
    people = service.taking_part(db, contact)
    may_write_outcome = actions.may_write_outcome(access, contact, outcome)
    return {
        "access": access,
        "contact": view,
        "may_change": actions.may_change_contact(access, contact, people),
        "may_cancel": actions.may_cancel_contact(access, contact, people),
        "may_mark_done": actions.may_mark_done(access, contact, people),
        "may_record_not_happened": actions.may_record_not_happened(access, contact, people),
        "may_confirm_done": may_confirm_done(access),
        "may_write_outcome": may_write_outcome,
        # The form starts from the saved record only for those who may change it: its text is not
        # shown, in a text box, to anyone the record's audience leaves out.
        "outcome_values": outcome.model_dump() if outcome and may_write_outcome else {},
        "may_add_to_care_info": actions.may_add_outcome_to_care_info(access, outcome),
        "errors": {},
        **extra,
    }


@router.post("/children/{child_id}/contacts/{contact_id}/respond")
def contact_respond(
    request: Request,
    contact_id: uuid.UUID,
    access: ChildScope,
    db: DbSession,
    response: Annotated[str, Form()] = "",
) -> Response:
    try:
        service.respond(db, access, request.app.state.settings, contact_id, response)
    except Invalid as invalid:
        flash(request, " ".join(invalid.errors.values()), "error")
    if is_htmx(request):
        return render(
            request, "contacts/detail.html", _detail_context(db, access, contact_id), block="answer"
        )
    return redirect(request, f"/children/{access.child_id}/contacts/{contact_id}")


@router.get("/children/{child_id}/contacts/{contact_id}/edit")
def contact_edit(request: Request, contact_id: uuid.UUID, access: ChildScope, db: DbSession) -> Response:
    contact = service.get_contact(db, access, contact_id)
    if not service.may_change(db, access, contact):
        raise NotFound()
    participants = service.participants_of(db, [contact.id])[contact.id]
    local = contact.starts_at.astimezone(TOKYO)
    values = {
        "date": local.date().isoformat(),
        "start_time": local.strftime("%H:%M"),
        "end_time": contact.ends_at.astimezone(TOKYO).strftime("%H:%M"),
        "mode": contact.mode,
        "place": f"neutral:{contact.place_id}" if contact.place_id else contact.place_kind,
        "participant_ids": [str(p.person_id) for p in participants],
        "note": contact.note,
        "version": contact.version,
    }
    return render(
        request, "contacts/form.html", pages.form_context(db, access, contact.kind, values, editing=contact)
    )


@router.post("/children/{child_id}/contacts/{contact_id}/edit")
def contact_update(
    request: Request, contact_id: uuid.UUID, access: ChildScope, db: DbSession, form: PostedForm
) -> Response:
    contact = service.get_contact(db, access, contact_id)
    values = _form(form)
    if not service.may_change(db, access, contact):
        # Changed or closed meanwhile, or no longer theirs to change: say so, and keep what they typed.
        return render(
            request,
            "contacts/form.html",
            pages.form_context(
                db,
                access,
                contact.kind,
                values,
                editing=contact,
                errors={"form": gettext("This contact can no longer be changed by you.")},
            ),
            status_code=409 if service.may_organise(db, access, contact) else 403,
        )
    fields = pages.form_to_input(contact.kind, values)
    try:
        change = ContactChange.model_validate({**fields, "version": values.get("version") or 0})
        _contact, warnings = service.change(db, access, request.app.state.settings, contact_id, change)
    except (ValidationError, Invalid) as problem:
        errors = problem.errors if isinstance(problem, Invalid) else field_errors(problem)
        return render(
            request,
            "contacts/form.html",
            pages.form_context(db, access, contact.kind, values, errors=errors, editing=contact),
            status_code=422,
        )
    except Conflict as conflict:
        return render(
            request,
            "contacts/form.html",
            pages.form_context(
                db, access, contact.kind, values, editing=contact, conflict=conflict.details.get("current")
            ),
            status_code=409,
        )
    flash(request, gettext("Changed. Everyone taking part was told."))
    for warning in warnings:
        flash(request, warning, "info")
    return redirect(request, f"/children/{access.child_id}/contacts/{contact_id}")


@router.post("/children/{child_id}/contacts/{contact_id}/status")
def contact_status(
    request: Request,
    contact_id: uuid.UUID,
    access: ChildScope,
    db: DbSession,
    status: Annotated[str, Form()] = "",
    reason: Annotated[str, Form()] = "",
    carer_present: Annotated[str, Form()] = "",
    version: Annotated[str, Form()] = "0",
    confirm: Annotated[str, Form()] = "",
) -> Response:
    contact = service.get_contact(db, access, contact_id)
    if not service.may_organise(db, access, contact):
        return render(
            request,
            "contacts/detail.html",
            _detail_context(
                db, access, contact_id, errors={"status": gettext("This contact is not yours to change.")}
            ),
            status_code=403,
        )
    present = None if not carer_present else carer_present == "yes"
    try:
        # The input is checked before the confirmation is asked for: a reason too long or a damaged
        # version is said at once, not after "yes, cancel it".
        change = StatusChange.model_validate(
            {"version": version, "status": status, "reason": reason, "carer_present": present}
        )
        if (
            status == ContactStatus.CANCELLED
            and confirm != "yes"
            and reason.strip()
            and contact.status in OPEN
        ):
            # Cancelling tells everyone taking part and cannot be undone: ask first, keeping the reason.
            return render(
                request,
                "contacts/detail.html",
                _detail_context(db, access, contact_id, confirm_cancel=True, reason=reason),
            )
        service.set_status(db, access, request.app.state.settings, contact_id, change)
    except (ValidationError, Invalid, Conflict) as problem:
        message = problem_text(problem)
        return render(
            request,
            "contacts/detail.html",
            _detail_context(db, access, contact_id, errors={"status": message}, reason=reason),
            status_code=409 if isinstance(problem, Conflict) else 422,
        )
    if status == ContactStatus.CANCELLED:
        flash(request, gettext("Cancelled. Everyone taking part was told."))
    elif status == ContactStatus.DONE and not may_confirm_done(access):
        flash(request, gettext("Saved. It counts as done once staff confirm that it happened."))
    else:
        flash(request, gettext("Saved."))
    return redirect(request, f"/children/{access.child_id}/contacts/{contact_id}")


@router.post("/children/{child_id}/contacts/{contact_id}/confirm")
def contact_confirm_done(
    request: Request,
    contact_id: uuid.UUID,
    access: ChildScope,
    db: DbSession,
    version: Annotated[int, Form()] = 0,
) -> Response:
    """Staff confirm that a contact a birth parent or carer marked as done happened."""
    service.get_contact(db, access, contact_id)
    if not may_confirm_done(access):
        raise NotFound()
    try:
        service.confirm_done(db, access, contact_id, version)
    except (Invalid, Conflict) as problem:
        message = " ".join(problem.errors.values()) if isinstance(problem, Invalid) else problem.message
        return render(
            request,
            "contacts/detail.html",
            _detail_context(db, access, contact_id, errors={"status": message}),
            status_code=409 if isinstance(problem, Conflict) else 422,
        )
    flash(request, gettext("Confirmed: it counts for what is due after the placement."))
    return redirect(request, f"/children/{access.child_id}/contacts/{contact_id}")


@router.post("/children/{child_id}/contacts/{contact_id}/outcome")
def contact_outcome(
    request: Request, contact_id: uuid.UUID, access: ChildScope, db: DbSession, form: PostedForm
) -> Response:
    service.get_contact(db, access, contact_id)
    values = {k: str(form.get(k, "")).strip() for k in outcomes.OutcomeIn.model_fields}
    try:
        data = outcomes.OutcomeIn.model_validate({**values, "version": values.get("version") or 0})
        outcomes.save(db, access, contact_id, data)
    except (ValidationError, Invalid, Conflict, Forbidden) as problem:
        # Whatever the reason, the page comes back with what was typed and why it was not saved.
        errors = (
            problem.errors
            if isinstance(problem, Invalid)
            else field_errors(problem)
            if isinstance(problem, ValidationError)
            else {"how_it_went": problem.message}
        )
        status = 422 if isinstance(problem, (Invalid, ValidationError)) else problem.status_code
        return render(
            request,
            "contacts/detail.html",
            _detail_context(
                db, access, contact_id, errors=errors, outcome_values=values, refused_outcome=True
            ),
            status_code=status,
        )
    flash(request, gettext("Saved."))
    return redirect(request, f"/children/{access.child_id}/contacts/{contact_id}#outcome")


@router.post("/children/{child_id}/contacts/{contact_id}/outcome/care-info")
def contact_outcome_to_care_info(
    request: Request, contact_id: uuid.UUID, access: ChildScope, db: DbSession
) -> Response:
    try:
        outcomes.add_to_care_info(db, access, contact_id)
    except Invalid as invalid:
        flash(request, " ".join(invalid.errors.values()), "error")
        return redirect(request, f"/children/{access.child_id}/contacts/{contact_id}#outcome")
    flash(request, gettext("Added to the child's care information."))
    return redirect(request, f"/children/{access.child_id}#cat-care_info")


@router.get("/children/{child_id}/due/close")
def due_close_form(request: Request, access: ChildScope, db: DbSession, item: str = "") -> Response:
    """The caseworker closes an item that will not be done (the child's page links here per item)."""
    return _due_close_page(request, access, db, {"item": item, "reason": ""})


@router.post("/children/{child_id}/due/close")
def due_close(
    request: Request,
    access: ChildScope,
    db: DbSession,
    item: Annotated[str, Form()] = "",
    reason: Annotated[str, Form()] = "",
) -> Response:
    if not may_close_due_items(access):
        raise NotFound()
    values = {"item": item, "reason": reason}
    placement_id, _, kind = item.partition(":")
    try:
        data = DueItemClose.model_validate({"placement_id": placement_id, "kind": kind, "reason": reason})
        due_closing.close(db, access, request.app.state.settings, data)
    except (ValidationError, Invalid) as problem:
        errors = problem.errors if isinstance(problem, Invalid) else _close_errors(problem, reason)
        return _due_close_page(request, access, db, values, errors=errors, status_code=422)
    flash(request, gettext("Closed. The reason shows on the child's page."))
    return redirect(request, f"/children/{access.child_id}#contacts")


def _close_errors(problem: ValidationError, reason: str) -> dict[str, str]:
    """A malformed item or an over-long reason, next to the field it is about."""
    errors = field_errors(problem)
    if "placement_id" in errors or "kind" in errors:
        errors[due_closing.ITEM_FIELD] = gettext("Choose one of the items still open.")
    if not reason.strip():
        errors[due_closing.REASON_FIELD] = gettext("Say why it will not be done, so that the team knows.")
    return {k: v for k, v in errors.items() if k in (due_closing.ITEM_FIELD, due_closing.REASON_FIELD)}


def _due_close_page(
    request: Request,
    access: ChildScope,
    db: DbSession,
    values: dict[str, str],
    *,
    errors: dict[str, str] | None = None,
    status_code: int = 200,
) -> Response:
    items = due_closing.open_items(db, access, request.app.state.settings)
    return render(
        request,
        "contacts/due_close.html",
        {
            "access": access,
            "items": items,
            "options": [(f"{i.placement_id}:{i.kind}", due_closing.item_label(i)) for i in items],
            "values": values,
            "errors": errors or {},
        },
        status_code=status_code,
    )


@router.get("/contacts")
def my_contacts(
    request: Request, actor: CurrentActor, policy: RequestPolicy, db: DbSession, scope: str = "mine"
) -> Response:
    """My coming contacts, and the due and overdue items of the children I answer for."""
    whole_centre = scope == "centre" and can_see_whole_centre(actor, policy)
    settings = request.app.state.settings
    return render(
        request,
        "contacts/mine.html",
        {
            "upcoming": upcoming_for(db, actor, policy),
            "due_items": due.my_due_list(db, settings, actor, policy, whole_centre=whole_centre),
            "scope": "centre" if whole_centre else "mine",
            "can_see_centre": can_see_whole_centre(actor, policy),
        },
    )
