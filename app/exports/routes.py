"""Downloads of a centre's caseload (CSV with a BOM for Japanese Excel, and .xlsx)."""

from __future__ import annotations

import uuid

from fastapi import APIRouter
from fastapi.responses import Response
from sqlmodel import Session

from app.authz.actor import Actor
from app.authz.guards import CurrentActor
from app.db import DbSession
from app.errors import NotFound
from app.exports.caseload import caseload_csv, caseload_xlsx, filename
from app.imports import service as imports
from app.orgs.models import Organisation

router = APIRouter()

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _centres(db: Session, actor: Actor, centre_id: uuid.UUID | None) -> list[Organisation]:
    allowed = imports.centres(db, actor)  # 404 for anyone who may not export
    if centre_id is None:
        return allowed
    chosen = [c for c in allowed if c.id == centre_id]
    if not chosen:
        raise NotFound()
    return chosen


@router.get("/exports/caseload.csv")
def export_csv(actor: CurrentActor, db: DbSession, centre_id: uuid.UUID | None = None) -> Response:
    body = caseload_csv(db, actor, _centres(db, actor, centre_id))
    return _download(body, "text/csv; charset=utf-8", filename("csv"))


@router.get("/exports/caseload.xlsx")
def export_xlsx(actor: CurrentActor, db: DbSession, centre_id: uuid.UUID | None = None) -> Response:
    body = caseload_xlsx(db, actor, _centres(db, actor, centre_id))
    return _download(body, XLSX_TYPE, filename("xlsx"))


def _download(body: bytes, media_type: str, name: str) -> Response:
    return Response(
        body, media_type=media_type, headers={"content-disposition": f'attachment; filename="{name}"'}
    )
