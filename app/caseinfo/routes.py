"""Pages and API for information items: add, edit (author or manager), archive."""

from __future__ import annotations

import uuid
from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import Response
from pydantic import ValidationError
from starlette.datastructures import FormData

from app.authz import actions
from app.authz.access import ChildAccess
from app.authz.guards import ChildScope
from app.authz.policy import Category
from app.authz.visibility import may_name, team_viewers
from app.caseinfo import service
from app.caseinfo.models import Audience
from app.children.models import Child
from app.db import DbSession
from app.errors import Conflict, Invalid, NotFound
from app.forms import PostedForm, field_errors, form_version
from app.i18n import gettext
from app.web import flash, redirect, render

router = APIRouter()
api = APIRouter(prefix="/api/v1", tags=["information items"])


def _values(form: FormData) -> tuple[dict[str, str], list[str]]:
    values = {k: str(form.get(k, "")).strip() for k in ("category", "title", "body", "audience", "version")}
    return values, [str(v) for v in form.getlist("named")]


def _form_context(
    db: DbSession, access: ChildAccess, values: dict[str, Any], named: list[str], **extra: Any
) -> dict[str, Any]:
    child = db.get(Child, access.child_id)
    assert child is not None
    category = Category(values["category"]) if values.get("category") in set(Category) else None
    viewers = team_viewers(db, child, access.policy, access.on)
    # Only people the reader may name: under a protection order, the carers are not listed.
    people = [
        (str(v.person_id), v.name)
        for v in viewers
        if (category is None or v.access.can_see(category)) and may_name(v, access)
    ]
    return {
        "access": access,
        "values": values,
        "named": named,
        "errors": {},
        "people": people,
        "category_options": [
            (c.value, str(access.policy.categories[c].label)) for c in Category if access.can_add(c)
        ],
        "audiences": [a.value for a in Audience],
        **extra,
    }


@router.get("/children/{child_id}/items/new")
def item_new(request: Request, access: ChildScope, db: DbSession, category: str = "care_info") -> Response:
    if category not in set(Category) or not access.can_add(Category(category)):
        category = next((c.value for c in Category if access.can_add(c)), "")
    if not category:
        raise NotFound()
    values = {"category": category, "title": "", "body": "", "audience": Audience.TEAM.value}
    return render(request, "caseinfo/item_form.html", _form_context(db, access, values, []))


@router.post("/children/{child_id}/items")
def item_create(request: Request, access: ChildScope, db: DbSession, form: PostedForm) -> Response:
    values, named = _values(form)
    service.require_can_add(access, values["category"])
    try:
        item = service.add_item(db, access, service.ItemIn.model_validate({**values, "named": named}))
    except (ValidationError, Invalid) as problem:
        errors = problem.errors if isinstance(problem, Invalid) else field_errors(problem)
        return render(
            request,
            "caseinfo/item_form.html",
            _form_context(db, access, values, named, errors=errors),
            status_code=422,
        )
    flash(request, gettext("Saved."))
    return redirect(request, f"/children/{access.child_id}#cat-{item.category}")


@router.get("/children/{child_id}/items/{item_id}/edit")
def item_edit(request: Request, item_id: uuid.UUID, access: ChildScope, db: DbSession) -> Response:
    item = service.get_editable(db, access, item_id)
    values = {
        "category": item.category,
        "title": item.title,
        "body": item.body,
        "audience": item.audience,
        "version": item.version,
    }
    return render(
        request,
        "caseinfo/item_form.html",
        _form_context(db, access, values, list(item.audience_person_ids), item=item),
    )


@router.post("/children/{child_id}/items/{item_id}/edit")
def item_update(
    request: Request, item_id: uuid.UUID, access: ChildScope, db: DbSession, form: PostedForm
) -> Response:
    item = service.get_readable(db, access, item_id)
    values, named = _values(form)
    values["category"] = item.category
    if not actions.may_edit_item(access, item):
        # No longer theirs to change: say so, and keep what they typed.
        return render(
            request,
            "caseinfo/item_form.html",
            _form_context(
                db,
                access,
                values,
                named,
                item=item,
                errors={"form": gettext("Only its author, or who manages this category, can change it.")},
            ),
            status_code=403,
        )
    try:
        version = form_version(values.get("version"))
        service.update_item(
            db, access, item_id, service.ItemIn.model_validate({**values, "named": named}), version
        )
    except (ValidationError, Invalid) as problem:
        errors = problem.errors if isinstance(problem, Invalid) else field_errors(problem)
        return render(
            request,
            "caseinfo/item_form.html",
            _form_context(db, access, values, named, errors=errors, item=item),
            status_code=422,
        )
    except Conflict as conflict:
        return render(
            request,
            "caseinfo/item_form.html",
            _form_context(db, access, values, named, item=item, conflict=conflict.details["current"]),
            status_code=409,
        )
    flash(request, gettext("Saved."))
    return redirect(request, f"/children/{access.child_id}#cat-{item.category}")


@router.post("/children/{child_id}/items/{item_id}/archive")
def item_archive(
    request: Request,
    item_id: uuid.UUID,
    access: ChildScope,
    db: DbSession,
    reason: Annotated[str, Form()] = "",
) -> Response:
    try:
        item = service.archive_item(db, access, item_id, reason)
    except Invalid as invalid:
        flash(request, " ".join(invalid.errors.values()), "error")
        return redirect(request, f"/children/{access.child_id}/items/{item_id}/edit")
    flash(request, gettext("The item was archived. It is kept in the record's history."))
    return redirect(request, f"/children/{access.child_id}#cat-{item.category}")


@api.get("/children/{child_id}/items", response_model=list[service.ItemOut])
def items_api(access: ChildScope, db: DbSession) -> list[service.ItemOut]:
    """The child's information items you may see (each category and narrowed audience applied)."""
    return service.items_for_api(db, access)
