"""The intake form: register a child at one's own centre, with a warning about possible duplicates."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response
from pydantic import ValidationError
from sqlmodel import Session
from starlette.datastructures import FormData

from app import clock
from app.authz.actor import Actor
from app.authz.guards import RequestPolicy, StaffActor
from app.authz.intake import intake_centres
from app.children.models import PlacementKind, Sex
from app.children.pages import placement_choices
from app.db import DbSession
from app.errors import Conflict, Invalid, NotFound
from app.forms import blank_to_none, field_errors
from app.i18n import gettext
from app.intake import service
from app.intake.schemas import IntakeIn
from app.orgs.models import Organisation
from app.web import flash, redirect, render

router = APIRouter()

FIELDS = (
    "family_name",
    "given_name",
    "family_name_kana",
    "given_name_kana",
    "date_of_birth",
    "sex",
    "case_number",
    "centre_id",
    "lead_caseworker_id",
    "kind",
    "start_date",
    "household_id",
    "facility_id",
    "agency_id",
)
CHECKBOXES = ("date_of_birth_estimated", "confirm_not_duplicate")


@router.get("/children/new")
def intake_form(request: Request, actor: StaffActor, db: DbSession) -> Response:
    centres = _centres(actor)
    values: dict[str, Any] = {
        "kind": PlacementKind.TEMPORARY_PROTECTION.value,
        "start_date": clock.today().isoformat(),
        "centre_id": str(centres[0]) if len(centres) == 1 else "",
        "lead_caseworker_id": str(actor.person_id),
    }
    return render(request, "children/new.html", _context(db, actor, values))


async def posted_form(request: Request) -> FormData:
    """The form body, read on the event loop so that the route itself can be a plain function
    (its database work then runs in the thread pool, never blocking other requests)."""
    return await request.form()


@router.post("/children/new")
def intake_submit(
    request: Request,
    actor: StaffActor,
    policy: RequestPolicy,
    db: DbSession,
    form: Annotated[FormData, Depends(posted_form)],
) -> Response:
    _centres(actor)  # the policy first, then the input
    values: dict[str, Any] = {k: str(form.get(k, "")) for k in FIELDS}
    values.update({k: form.get(k) == "on" for k in CHECKBOXES})
    try:
        data = IntakeIn.model_validate(
            blank_to_none(values, keep=("family_name", "given_name", "family_name_kana", "given_name_kana"))
        )
        child = service.register_child(db, actor, policy, data)
    except ValidationError as error:
        return _again(request, db, actor, values, errors=field_errors(error))
    except Invalid as invalid:
        return _again(request, db, actor, values, errors=invalid.errors)
    except Conflict as conflict:
        return _again(request, db, actor, values, duplicates=conflict.details["duplicates"], status=409)
    flash(request, gettext("The child was registered. You are on the child's team as caseworker."))
    return redirect(request, f"/children/{child.id}")


def _centres(actor: Actor) -> list[Any]:
    centres = sorted(intake_centres(actor), key=str)
    if not centres:
        raise NotFound()
    return centres


def _again(
    request: Request,
    db: Session,
    actor: Actor,
    values: dict[str, Any],
    *,
    errors: dict[str, str] | None = None,
    duplicates: list[dict[str, Any]] | None = None,
    status: int = 422,
) -> Response:
    """The form again with everything typed, the problems and, for a possible duplicate, the
    question whether this is another child."""
    values["confirm_not_duplicate"] = False
    context = _context(db, actor, values, errors=errors or {}, duplicates=duplicates or [])
    return render(request, "children/new.html", context, status_code=status)


def _context(db: Session, actor: Actor, values: dict[str, Any], **extra: Any) -> dict[str, Any]:
    centres = _centres(actor)
    today = clock.today()
    leads: dict[str, str] = {}
    for centre_id in centres:
        for person in service.centre_caseworkers(db, centre_id, today):
            leads.setdefault(str(person.id), person.display_name)
    return {
        "values": values,
        "errors": {},
        "duplicates": [],
        "centres": [(str(c), _name(db, c)) for c in centres],
        "leads": sorted(leads.items(), key=lambda item: item[1]),
        "sex_options": [s.value for s in Sex],
        "kinds": [k.value for k in PlacementKind],
        **placement_choices(db),
        **extra,
    }


def _name(db: Session, organisation_id: Any) -> str:
    organisation = db.get(Organisation, organisation_id)
    return organisation.name if organisation else ""
