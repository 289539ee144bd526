"""Pages: my children, a child's page, and the forms that change a child's case core."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import Response
from pydantic import ValidationError

from app import clock
from app.authz.access import ChildAccess
from app.authz.guards import ChildScope, CurrentActor, RequestPolicy
from app.authz.imports import caseload_centres
from app.authz.intake import intake_centres
from app.authz.policy import Category
from app.children import pages, service
from app.children.models import EndReason, PlacementKind, Sex
from app.children.schemas import ChildUpdate, PlacementCreate, PlacementEnd
from app.db import DbSession
from app.errors import Conflict, Invalid
from app.forms import PostedForm, problem_text
from app.i18n import gettext
from app.web import flash, is_htmx, redirect, render

router = APIRouter()


@router.get("/children")
def my_children(
    request: Request,
    actor: CurrentActor,
    policy: RequestPolicy,
    db: DbSession,
    q: str = "",
    scope: str = "mine",
) -> Response:
    centre_wide = scope == "centre" and pages.can_see_whole_centre(actor, policy)
    children = service.list_children(db, actor, policy, search=q, whole_centre=centre_wide)
    context = {
        "children": children,
        "q": q,
        "scope": "centre" if centre_wide else "mine",
        "can_see_centre": pages.can_see_whole_centre(actor, policy),
        "can_register": bool(intake_centres(actor)),
        "can_import": bool(caseload_centres(db, actor)),
    }
    return render(request, "children/list.html", context, block="results" if is_htmx(request) else None)


@router.get("/children/{child_id}")
def child_page(request: Request, access: ChildScope, db: DbSession) -> Response:
    return render(
        request, "children/detail.html", pages.child_page_context(db, access, request.app.state.settings)
    )


# --- Basic profile ------------------------------------------------------------------------


@router.get("/children/{child_id}/edit")
def child_edit_form(request: Request, access: ChildScope, db: DbSession) -> Response:
    pages.require(access, Category.BASIC_PROFILE)
    child = service.load_child(db, access)
    values = {k: getattr(child, k) for k in (*service.EDITABLE_BASIC, "school_name", "version")}
    return render(request, "children/edit.html", _edit_context(access, values))


def _edit_context(access: ChildAccess, values: dict[str, Any], **extra: Any) -> dict[str, Any]:
    return {
        "access": access,
        "values": values,
        "errors": {},
        "conflict": None,
        "sex_options": [s.value for s in Sex],
        "can_edit_school": access.can_manage(Category.WHEREABOUTS),
        **extra,
    }


@router.post("/children/{child_id}/edit")
def child_edit(request: Request, access: ChildScope, db: DbSession, posted: PostedForm) -> Response:
    pages.require(access, Category.BASIC_PROFILE)  # the policy first, then the input
    form = dict(posted.items())
    values = {k: str(v) for k, v in form.items() if k != "csrf_token"}
    try:
        change = ChildUpdate.model_validate(
            pages.blank_to_none(values, keep=("school_name", "family_name_kana", "given_name_kana"))
        )
        service.update_child(db, access, change)
    except ValidationError as error:
        return render(
            request,
            "children/edit.html",
            _edit_context(access, values, errors=pages.field_errors(error)),
            status_code=422,
        )
    except Invalid as invalid:
        return render(
            request,
            "children/edit.html",
            _edit_context(access, values, errors=invalid.errors),
            status_code=422,
        )
    except Conflict as conflict:
        # Keep what this person typed, and show what the other person saved.
        return render(
            request,
            "children/edit.html",
            _edit_context(access, values, conflict=conflict.details.get("current")),
            status_code=409,
        )
    flash(request, gettext("The child's details were saved."))
    return redirect(request, f"/children/{access.child_id}")


@router.post("/children/{child_id}/archive")
def child_archive(
    request: Request, access: ChildScope, db: DbSession, reason: Annotated[str, Form()] = ""
) -> Response:
    try:
        service.archive_child(db, access, reason)
    except Invalid as invalid:
        flash(request, " ".join(invalid.errors.values()), "error")
        return redirect(request, f"/children/{access.child_id}/edit")
    flash(request, gettext("The child's record was archived. It is kept, and no longer listed."))
    return redirect(request, "/children")


# --- Placements ----------------------------------------------------------------------------


@router.get("/children/{child_id}/placements/new")
def placement_form(request: Request, access: ChildScope, db: DbSession) -> Response:
    pages.require(access, Category.WHEREABOUTS)
    values = {"start_date": clock.today().isoformat(), "kind": PlacementKind.FOSTER_FAMILY.value}
    return render(request, "children/placement_new.html", pages.placement_form_context(db, access, values))


@router.post("/children/{child_id}/placements")
def placement_create(
    request: Request,
    access: ChildScope,
    db: DbSession,
    kind: Annotated[str, Form()] = "",
    start_date: Annotated[str, Form()] = "",
    household_id: Annotated[str, Form()] = "",
    facility_id: Annotated[str, Form()] = "",
    agency_id: Annotated[str, Form()] = "",
    previous_end_reason: Annotated[str, Form()] = EndReason.TRANSFER.value,
) -> Response:
    pages.require(access, Category.BASIC_PROFILE)
    pages.require(access, Category.WHEREABOUTS)
    values = {
        "kind": kind,
        "start_date": start_date,
        "household_id": household_id,
        "facility_id": facility_id,
        "agency_id": agency_id,
    }
    typed = values | {"previous_end_reason": previous_end_reason}
    try:
        data = PlacementCreate.model_validate(pages.blank_to_none(values))
        service.add_placement(db, access, data, previous_end_reason)
    except ValidationError as error:
        return render(
            request,
            "children/placement_new.html",
            pages.placement_form_context(
                db,
                access,
                values | {"previous_end_reason": previous_end_reason},
                errors=pages.field_errors(error),
            ),
            status_code=422,
        )
    except Invalid as invalid:
        return render(
            request,
            "children/placement_new.html",
            pages.placement_form_context(db, access, typed, errors=invalid.errors),
            status_code=422,
        )
    flash(request, gettext("The placement was recorded."))
    return redirect(request, f"/children/{access.child_id}")


@router.post("/children/{child_id}/placements/{placement_id}/end")
def placement_end(
    request: Request,
    placement_id: uuid.UUID,
    access: ChildScope,
    db: DbSession,
    end_date: Annotated[str, Form()] = "",
    end_reason: Annotated[str, Form()] = "",
    version: Annotated[int, Form()] = 0,
) -> Response:
    pages.require(access, Category.BASIC_PROFILE)
    try:
        data = PlacementEnd(version=version, end_date=dt.date.fromisoformat(end_date), end_reason=end_reason)
        service.end_placement(db, access, placement_id, data)
    except (ValueError, Invalid, Conflict) as problem:
        message = problem_text(problem)
        flash(request, message, "error")
        return redirect(request, f"/children/{access.child_id}#placements")
    flash(request, gettext("The placement was ended."))
    return redirect(request, f"/children/{access.child_id}#placements")
