"""POST /api/v1/children: the intake over the JSON API, with the same rules as the form."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from fastapi.responses import JSONResponse, Response

from app.authz.guards import RequestPolicy, StaffActor
from app.children import service as children
from app.children.schemas import ChildDetail
from app.db import DbSession
from app.errors import Conflict
from app.intake import service
from app.intake.schemas import IntakeIn

router = APIRouter(prefix="/api/v1", tags=["children"])

RESPONSES: dict[int | str, dict[str, Any]] = {
    404: {"description": "You are not a caseworker or supervisor of a child guidance centre."},
    409: {
        "description": "Possible duplicates at the centre (`duplicates`: what matched; the child's id and "
        "name only when you may already see that child). Send `confirm_not_duplicate: true` to register."
    },
    422: {"description": "Field errors (including a case number already used at the centre)."},
}


@router.post(
    "/children",
    status_code=201,
    response_model=ChildDetail,
    response_model_exclude_unset=True,
    responses=RESPONSES,
)
def register(data: IntakeIn, actor: StaffActor, policy: RequestPolicy, db: DbSession) -> Any:
    """Register a child at your centre with the first step of care; you join the team as caseworker."""
    try:
        child = service.register_child(db, actor, policy, data)
    except Conflict as conflict:
        body = {"detail": conflict.message, "duplicates": conflict.details["duplicates"]}
        return JSONResponse(body, status_code=409)
    access = service.registered_access(db, actor, policy, child.id)
    detail = children.child_detail(db, access, what="api intake")
    return Response(
        detail.model_dump_json(exclude_unset=True), status_code=201, media_type="application/json"
    )
