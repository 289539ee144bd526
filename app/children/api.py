"""The JSON API over the same services as the pages. Fields the reader may not see are absent."""

from __future__ import annotations

import uuid
from typing import Any

from fastapi import APIRouter
from pydantic import BaseModel

from app.authz.guards import ChildScope, CurrentActor, RequestPolicy
from app.children import service
from app.children.schemas import ChildDetail, ChildSummary, ChildUpdate, MemberOut, PlacementOut
from app.db import DbSession
from app.teams import service as team_service

router = APIRouter(prefix="/api/v1", tags=["children"])

NOT_FOUND: dict[int | str, dict[str, Any]] = {
    404: {"description": "No such child, or not in your scope (the two look the same)."}
}


class PositionOut(BaseModel):
    organisation_id: uuid.UUID
    organisation_kind: str
    position: str


class MeOut(BaseModel):
    person_id: uuid.UUID
    name: str
    email: str
    locale: str
    is_admin: bool
    positions: list[PositionOut]


@router.get("/me", response_model=MeOut, tags=["me"])
def me(actor: CurrentActor) -> MeOut:
    """Who the token belongs to."""
    return MeOut(
        person_id=actor.person_id,
        name=actor.display_name,
        email=actor.email,
        locale=actor.locale,
        is_admin=actor.is_admin,
        positions=[
            PositionOut(
                organisation_id=p.organisation_id, organisation_kind=p.organisation_kind, position=p.position
            )
            for p in actor.positions
        ],
    )


@router.get("/children", response_model=list[ChildSummary], response_model_exclude_unset=True)
def children(
    actor: CurrentActor, policy: RequestPolicy, db: DbSession, q: str = "", whole_centre: bool = False
) -> list[ChildSummary]:
    """The children whose team you are on; supervisors may ask for their whole centre."""
    return service.list_children(db, actor, policy, search=q, whole_centre=whole_centre)


@router.get(
    "/children/{child_id}", response_model=ChildDetail, response_model_exclude_unset=True, responses=NOT_FOUND
)
def child(access: ChildScope, db: DbSession) -> ChildDetail:
    """One child, with only the fields the sharing policy lets you see."""
    return service.child_detail(db, access, what="api child")


@router.patch(
    "/children/{child_id}",
    response_model=ChildDetail,
    response_model_exclude_unset=True,
    responses={
        **NOT_FOUND,
        409: {"description": "Changed meanwhile; the answer carries both versions."},
        422: {"description": "Field errors."},
    },
)
def update_child(change: ChildUpdate, access: ChildScope, db: DbSession) -> ChildDetail:
    """Change the basic profile. Send the version you read; a stale version answers 409."""
    service.update_child(db, access, change)
    return service.child_detail(db, access, what="api child")


@router.get(
    "/children/{child_id}/placements",
    response_model=list[PlacementOut],
    response_model_exclude_unset=True,
    responses=NOT_FOUND,
)
def placements(access: ChildScope, db: DbSession) -> list[PlacementOut]:
    return service.placement_history(db, access)


@router.get(
    "/children/{child_id}/team",
    response_model=list[MemberOut],
    response_model_exclude_unset=True,
    responses=NOT_FOUND,
)
def team(access: ChildScope, db: DbSession) -> list[MemberOut]:
    return team_service.team_members(db, access)
