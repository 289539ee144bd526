"""Administration pages: organisations and people. Administrators read no case content here."""

from __future__ import annotations

import uuid
from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import Response
from pydantic import ValidationError
from starlette.datastructures import FormData

from app.accounts.oidc import links_of
from app.authz.admin import admin_sees_contact_details
from app.authz.guards import AdminActor
from app.db import DbSession
from app.errors import Conflict, Invalid
from app.forms import PostedForm, field_errors, form_version
from app.i18n import gettext
from app.orgs import service as orgs
from app.orgs.models import OrgKind, Position, Region
from app.people import service as people
from app.web import flash, redirect, render

router = APIRouter(prefix="/admin")

ORG_FIELDS = ("name", "kind", "region", "address", "phone")
NAME_FIELDS = ("family_name", "given_name", "family_name_kana", "given_name_kana")
PERSON_FIELDS = (*NAME_FIELDS, "email", "phone")


def _vocab() -> dict[str, Any]:
    return {
        "kinds": [k.value for k in OrgKind],
        "regions": [r.value for r in Region],
        "positions": [p.value for p in Position],
    }


# --- Organisations ------------------------------------------------------------------------


@router.get("/organisations")
def organisations(request: Request, actor: AdminActor, db: DbSession, kind: str = "") -> Response:
    rows = orgs.list_organisations(db, kind=kind)
    return render(request, "admin/organisations.html", {"organisations": rows, "kind": kind, **_vocab()})


@router.get("/organisations/new")
def organisation_new(request: Request, actor: AdminActor) -> Response:
    values = {"kind": OrgKind.FOSTERING_AGENCY.value, "region": Region.NAGANO.value}
    return render(
        request, "admin/organisation_form.html", {"values": values, "errors": {}, "org_id": None, **_vocab()}
    )


@router.post("/organisations")
def organisation_create(request: Request, actor: AdminActor, db: DbSession, form: PostedForm) -> Response:
    values = _form_values(form, ORG_FIELDS)
    try:
        org = orgs.create_organisation(db, actor, orgs.OrganisationIn.model_validate(values))
    except (ValidationError, Invalid) as problem:
        return render(
            request,
            "admin/organisation_form.html",
            {"values": values, "errors": _errors(problem), "org_id": None, **_vocab()},
            status_code=422,
        )
    flash(request, gettext("%(name)s was created.", name=org.name))
    return redirect(request, "/admin/organisations")


@router.get("/organisations/{org_id}/edit")
def organisation_edit(request: Request, org_id: uuid.UUID, actor: AdminActor, db: DbSession) -> Response:
    org = orgs.get_organisation(db, org_id)
    values = {k: getattr(org, k) for k in (*ORG_FIELDS, "version")}
    return render(
        request,
        "admin/organisation_form.html",
        {"values": values, "errors": {}, "org_id": org_id, "org": org, **_vocab()},
    )


@router.post("/organisations/{org_id}/edit")
def organisation_update(
    request: Request, org_id: uuid.UUID, actor: AdminActor, db: DbSession, form: PostedForm
) -> Response:
    values = _form_values(form, (*ORG_FIELDS, "version"))
    context: dict[str, Any] = {
        "values": values,
        "org_id": org_id,
        "org": orgs.get_organisation(db, org_id),
        **_vocab(),
    }
    try:
        orgs.update_organisation(
            db, actor, org_id, orgs.OrganisationIn.model_validate(values), form_version(values.get("version"))
        )
    except (ValidationError, Invalid) as problem:
        return render(
            request, "admin/organisation_form.html", {**context, "errors": _errors(problem)}, status_code=422
        )
    except Conflict as conflict:
        return render(
            request,
            "admin/organisation_form.html",
            {**context, "errors": {}, "conflict": conflict.details.get("current")},
            status_code=409,
        )
    flash(request, gettext("The organisation was saved."))
    return redirect(request, "/admin/organisations")


@router.post("/organisations/{org_id}/archive")
def organisation_archive(
    request: Request, org_id: uuid.UUID, actor: AdminActor, db: DbSession, reason: Annotated[str, Form()] = ""
) -> Response:
    try:
        orgs.archive_organisation(db, actor, org_id, reason)
    except Invalid as invalid:
        flash(request, " ".join(invalid.errors.values()), "error")
        return redirect(request, f"/admin/organisations/{org_id}/edit")
    flash(request, gettext("The organisation was archived. Its records are kept."))
    return redirect(request, "/admin/organisations")


# --- People ---------------------------------------------------------------------------------


@router.get("/people")
def people_list(request: Request, actor: AdminActor, db: DbSession, q: str = "") -> Response:
    return render(request, "admin/people.html", {"rows": people.list_people(db, q), "q": q})


@router.get("/people/new")
def person_new(request: Request, actor: AdminActor) -> Response:
    return render(request, "admin/person_form.html", {"values": {}, "errors": {}, "person_id": None})


@router.post("/people")
def person_create(request: Request, actor: AdminActor, db: DbSession, form: PostedForm) -> Response:
    values = _form_values(form, PERSON_FIELDS)
    try:
        person = people.create_person(db, actor, people.PersonIn.model_validate(values))
    except (ValidationError, Invalid) as problem:
        return render(
            request,
            "admin/person_form.html",
            {"values": values, "errors": _errors(problem), "person_id": None},
            status_code=422,
        )
    flash(request, gettext("%(name)s was added.", name=person.display_name))
    return redirect(request, f"/admin/people/{person.id}")


@router.get("/people/{person_id}")
def person_page(request: Request, person_id: uuid.UUID, actor: AdminActor, db: DbSession) -> Response:
    return render(request, "admin/person.html", _person_context(db, person_id))


def _person_context(db: DbSession, person_id: uuid.UUID, **extra: Any) -> dict[str, Any]:
    person = people.get_person(db, person_id)
    shown = admin_sees_contact_details(db, person_id)
    return {
        "contact_shown": shown,
        "person": person,
        "account": people.account_of(db, person_id),
        "staff_positions": people.positions_of(db, person_id),
        "identity_links": links_of(db, person_id),
        "organisations": [(str(o.id), o.name) for o in orgs.list_organisations(db)],
        "values": {k: getattr(person, k) for k in (*(PERSON_FIELDS if shown else NAME_FIELDS), "version")},
        "errors": {},
        "conflict": None,
        **_vocab(),
        **extra,
    }


@router.post("/people/{person_id}/edit")
def person_update(
    request: Request, person_id: uuid.UUID, actor: AdminActor, db: DbSession, form: PostedForm
) -> Response:
    fields = PERSON_FIELDS if admin_sees_contact_details(db, person_id) else NAME_FIELDS
    values = _form_values(form, (*fields, "version"))
    try:
        people.update_person(
            db, actor, person_id, people.PersonIn.model_validate(values), form_version(values.get("version"))
        )
    except (ValidationError, Invalid) as problem:
        return render(
            request,
            "admin/person.html",
            _person_context(db, person_id, values=values, errors=_errors(problem)),
            status_code=422,
        )
    except Conflict as conflict:
        return render(
            request,
            "admin/person.html",
            _person_context(db, person_id, values=values, conflict=conflict.details.get("current")),
            status_code=409,
        )
    flash(request, gettext("The person was saved."))
    return redirect(request, f"/admin/people/{person_id}")


@router.post("/people/{person_id}/account")
def person_account(
    request: Request,
    person_id: uuid.UUID,
    actor: AdminActor,
    db: DbSession,
    email: Annotated[str, Form()] = "",
    password: Annotated[str, Form()] = "",
    is_admin: Annotated[bool, Form()] = False,
) -> Response:
    try:
        people.create_account(db, actor, person_id, email, password, is_admin=is_admin)
    except Invalid as invalid:
        errors = {f"account_{k}": v for k, v in invalid.errors.items()}
        return render(
            request,
            "admin/person.html",
            _person_context(db, person_id, errors=errors, account_email=email),
            status_code=422,
        )
    flash(request, gettext("The sign-in was created."))
    return redirect(request, f"/admin/people/{person_id}")


@router.post("/people/{person_id}/disable")
def person_disable(request: Request, person_id: uuid.UUID, actor: AdminActor, db: DbSession) -> Response:
    try:
        people.set_disabled(db, actor, person_id, True)
    except Invalid as invalid:
        flash(request, " ".join(invalid.errors.values()), "error")
        return redirect(request, f"/admin/people/{person_id}")
    flash(request, gettext("The sign-in was disabled and all its sessions were ended."))
    return redirect(request, f"/admin/people/{person_id}")


@router.post("/people/{person_id}/enable")
def person_enable(request: Request, person_id: uuid.UUID, actor: AdminActor, db: DbSession) -> Response:
    people.set_disabled(db, actor, person_id, False)
    flash(request, gettext("The sign-in was enabled."))
    return redirect(request, f"/admin/people/{person_id}")


@router.post("/people/{person_id}/reset-second-factor")
def person_reset_second_factor(
    request: Request, person_id: uuid.UUID, actor: AdminActor, db: DbSession
) -> Response:
    people.reset_second_factor(db, actor, person_id)
    flash(
        request,
        gettext(
            "The second factor was reset and every session ended. At the next sign-in the person "
            "sets up a new one (staff must)."
        ),
    )
    return redirect(request, f"/admin/people/{person_id}")


@router.post("/people/{person_id}/positions")
def person_position_add(
    request: Request,
    person_id: uuid.UUID,
    actor: AdminActor,
    db: DbSession,
    organisation_id: Annotated[str, Form()] = "",
    position: Annotated[str, Form()] = "",
) -> Response:
    try:
        people.add_position(db, actor, person_id, uuid.UUID(organisation_id), position)
    except (ValueError, Invalid) as problem:
        errors = (
            problem.errors
            if isinstance(problem, Invalid)
            else {"organisation_id": gettext("Choose one of the options.")}
        )
        return render(
            request, "admin/person.html", _person_context(db, person_id, errors=errors), status_code=422
        )
    flash(request, gettext("The position was added."))
    return redirect(request, f"/admin/people/{person_id}")


@router.post("/people/{person_id}/positions/{position_id}/end")
def person_position_end(
    request: Request, person_id: uuid.UUID, position_id: uuid.UUID, actor: AdminActor, db: DbSession
) -> Response:
    people.end_position(db, actor, person_id, position_id)
    flash(request, gettext("The position was ended."))
    return redirect(request, f"/admin/people/{person_id}")


# --- Helpers ---------------------------------------------------------------------------------


def _form_values(form: FormData, fields: tuple[str, ...]) -> dict[str, str]:
    return {name: str(form.get(name, "")).strip() for name in fields}


def _errors(problem: ValidationError | Invalid) -> dict[str, str]:
    return problem.errors if isinstance(problem, Invalid) else field_errors(problem)
