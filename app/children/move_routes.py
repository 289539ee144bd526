"""Moving a case, as pages and as JSON: a new lead caseworker, a transfer to another centre, and
placements started, changed and ended over the API (the placement pages are in routes.py)."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import Response
from pydantic import BaseModel, Field
from sqlmodel import Session, col, select

from app import clock
from app.authz.access import ChildAccess
from app.authz.guards import ChildScope
from app.authz.policy import Category
from app.children import moves, pages, service
from app.children.schemas import MemberOut, PlacementCreate, PlacementEnd, PlacementOut
from app.db import DbSession
from app.errors import Conflict, Invalid
from app.forms import problem_text
from app.i18n import gettext
from app.orgs.models import Organisation, OrgKind
from app.people.models import Person
from app.teams import service as team_service
from app.web import flash, redirect, render

Errors = dict[str, str]
router = APIRouter()
api = APIRouter(prefix="/api/v1", tags=["children"])


@router.get("/children/{child_id}/move")
def move_page(request: Request, access: ChildScope, db: DbSession) -> Response:
    pages.require(access, Category.BASIC_PROFILE)
    return render(request, "children/move.html", _context(db, access))


@router.post("/children/{child_id}/lead")
def lead_change(
    request: Request,
    access: ChildScope,
    db: DbSession,
    lead_caseworker_id: Annotated[str, Form()] = "",
    version: Annotated[str, Form()] = "",
) -> Response:
    pages.require(access, Category.BASIC_PROFILE)
    values = {"lead_caseworker_id": lead_caseworker_id}
    try:
        moves.change_lead(db, access, _uuid(lead_caseworker_id, "lead_caseworker_id"), _int(version))
    except (Invalid, Conflict) as problem:
        return _again(request, db, access, values, problem)
    flash(request, gettext("The lead caseworker was changed."))
    return redirect(request, f"/children/{access.child_id}")


@router.post("/children/{child_id}/transfer")
def centre_transfer(
    request: Request,
    access: ChildScope,
    db: DbSession,
    centre_id: Annotated[str, Form()] = "",
    on: Annotated[str, Form()] = "",
    version: Annotated[str, Form()] = "",
    confirmed: Annotated[str, Form()] = "",
) -> Response:
    pages.require(access, Category.BASIC_PROFILE)
    values = {"centre_id": centre_id, "on": on}
    try:
        if confirmed != "on":
            raise Invalid({"confirmed": gettext("Tick the box to confirm the transfer.")})
        moves.transfer(db, access, _uuid(centre_id, "centre_id"), _date(on, "on"), _int(version))
    except (Invalid, Conflict) as problem:
        return _again(request, db, access, values, problem)
    flash(request, gettext("The case was transferred. The receiving centre's supervisors now see the child."))
    # The sender may no longer reach the child: back to their list, not to a page that is now 404.
    return redirect(request, "/children")


def _again(
    request: Request, db: Session, access: ChildAccess, values: dict[str, str], problem: Exception
) -> Response:
    errors = problem.errors if isinstance(problem, Invalid) else {"form": problem_text(problem)}
    status = 409 if isinstance(problem, Conflict) else 422
    return render(request, "children/move.html", _context(db, access, values, errors), status_code=status)


def _context(
    db: Session,
    access: ChildAccess,
    values: dict[str, str] | None = None,
    errors: dict[str, str] | None = None,
) -> dict[str, Any]:
    child = service.load_child(db, access)
    leads = db.exec(
        select(Person)
        .where(col(Person.id).in_(moves.centre_staff(db, child.responsible_centre_id, access.on)))
        .order_by(col(Person.family_name_kana), col(Person.given_name_kana))
    )
    centres = db.exec(
        select(Organisation)
        .where(
            Organisation.kind == OrgKind.CHILD_GUIDANCE_CENTRE.value,
            col(Organisation.archived_at).is_(None),
            Organisation.id != child.responsible_centre_id,
        )
        .order_by(col(Organisation.name))
    )
    return {
        "access": access,
        "child": child,
        "values": {"lead_caseworker_id": str(child.lead_caseworker_id or ""), "on": access.on.isoformat()}
        | (values or {}),
        "errors": errors or {},
        "leads": [(str(p.id), p.display_name) for p in leads],
        "centres": [(str(o.id), o.name) for o in centres],
    }


def _uuid(value: str, field: str) -> uuid.UUID:
    try:
        return uuid.UUID(value)
    except ValueError:
        raise Invalid({field: gettext("Choose one of the options.")}) from None


def _date(value: str, field: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise Invalid({field: gettext("Enter a date, for example 2026-04-01.")}) from None


def _int(value: str) -> int:
    try:
        return int(value)
    except ValueError:
        raise Invalid({"version": gettext("This value is not valid.")}) from None


# --- JSON API -----------------------------------------------------------------------------

NOT_FOUND: dict[int | str, dict[str, Any]] = {
    404: {"description": "No such child, or not in your scope, or you may not change its case."},
    409: {"description": "Changed meanwhile: read it again and resend with the current version."},
    422: {"description": "Field errors."},
}


class PlacementMove(PlacementCreate):
    """A new placement; the current one ends the same day with `previous_end_reason`."""

    previous_end_reason: str = "transfer"


class LeadChange(BaseModel):
    person_id: uuid.UUID
    version: int


class Transfer(BaseModel):
    centre_id: uuid.UUID
    on: dt.date = Field(default_factory=clock.today)
    version: int


@api.post(
    "/children/{child_id}/placements", status_code=201, response_model=PlacementOut, responses=NOT_FOUND
)
def api_add_placement(data: PlacementMove, access: ChildScope, db: DbSession) -> PlacementOut:
    """Start a placement: from temporary protection to a placement, or from one placement to the next."""
    move = PlacementCreate.model_validate(data.model_dump(exclude={"previous_end_reason"}))
    placement = service.add_placement(db, access, move, data.previous_end_reason)
    return service.placement_out(db, access, placement, service.Disclosure(access, "api placement"))


@api.post(
    "/children/{child_id}/placements/{placement_id}/end", response_model=PlacementOut, responses=NOT_FOUND
)
def api_end_placement(
    placement_id: uuid.UUID, data: PlacementEnd, access: ChildScope, db: DbSession
) -> PlacementOut:
    """End a placement with a reason (ending care when no placement follows)."""
    placement = service.end_placement(db, access, placement_id, data)
    return service.placement_out(db, access, placement, service.Disclosure(access, "api placement"))


@api.put("/children/{child_id}/lead", status_code=204, responses=NOT_FOUND)
def api_change_lead(data: LeadChange, access: ChildScope, db: DbSession) -> Response:
    """A new lead caseworker of the child's centre."""
    moves.change_lead(db, access, data.person_id, data.version)
    return Response(status_code=204)


@api.post("/children/{child_id}/transfer", status_code=204, responses=NOT_FOUND)
def api_transfer(data: Transfer, access: ChildScope, db: DbSession) -> Response:
    """Transfer the case to another child guidance centre (the sending centre's staff leave the team)."""
    moves.transfer(db, access, data.centre_id, data.on, data.version)
    return Response(status_code=204)


class MemberAdd(BaseModel):
    person_id: uuid.UUID
    role: str
    start_date: dt.date = Field(default_factory=clock.today)


class MemberEnd(BaseModel):
    end_date: dt.date = Field(default_factory=clock.today)
    version: int


@api.post("/children/{child_id}/team", status_code=201, response_model=MemberOut, responses=NOT_FOUND)
def api_add_member(data: MemberAdd, access: ChildScope, db: DbSession) -> MemberOut:
    """Put a person on the child's team in a role (families usually join by invitation)."""
    membership = team_service.add_member(db, access, data.person_id, data.role, data.start_date)
    return _member(db, access, membership.id)


@api.post("/children/{child_id}/team/{membership_id}/end", response_model=MemberOut, responses=NOT_FOUND)
def api_end_member(membership_id: uuid.UUID, data: MemberEnd, access: ChildScope, db: DbSession) -> MemberOut:
    """End a membership (never deleted): from end_date the person no longer sees the child."""
    team_service.end_membership(db, access, membership_id, data.end_date, data.version)
    return _member(db, access, membership_id)


def _member(db: Session, access: ChildAccess, membership_id: uuid.UUID) -> MemberOut:
    """The membership as the reader may see it (the same view as the team list)."""
    members = team_service.team_members(db, access, include_former=True)
    return next(m for m in members if m.membership_id == membership_id)
