"""The import over the JSON API: upload (answers with the preview), preview again, confirm.
Same policy and same checks as the pages; problems come in the language of Accept-Language."""

from __future__ import annotations

import uuid
from typing import Annotated, Any

from fastapi import APIRouter, File, Form, Request, UploadFile
from fastapi.responses import JSONResponse
from pydantic import BaseModel

from app.authz.guards import CurrentActor
from app.db import DbSession
from app.errors import Invalid
from app.i18n import gettext
from app.imports import service
from app.imports.reading import MAX_BYTES, too_large_message

router = APIRouter(prefix="/api/v1", tags=["import"])


class ImportProblem(BaseModel):
    row: int
    column: str
    message: str


class ImportRow(BaseModel):
    row: int
    case_number: str
    name: str
    action: str  # create | update | unchanged | "" (a row with problems that names no child)
    problems: list[ImportProblem]


class ImportPreview(BaseModel):
    id: str
    centre_id: uuid.UUID
    saved: bool = False
    summary: dict[str, int]
    problems: list[ImportProblem]
    rows: list[ImportRow]


RESPONSES: dict[int | str, dict[str, Any]] = {
    404: {"description": "You are not a supervisor of a child guidance centre, nor an administrator."},
    413: {"description": "The file is larger than 20 MB."},
    422: {
        "description": "No centre could be chosen (`errors.centre_id`), or, on confirm, "
        "the file has problems: nothing was saved."
    },
}


def _body(preview: service.Preview, saved: bool = False) -> dict[str, Any]:
    plan = preview.plan
    return ImportPreview(
        id=preview.upload.id,
        centre_id=preview.centre.id,
        saved=saved,
        summary=plan.summary(),
        problems=[ImportProblem(**p.as_dict()) for p in plan.problems],
        rows=[ImportRow(**r) for r in plan.rows()],
    ).model_dump(mode="json")


@router.post("/imports", status_code=201, response_model=ImportPreview, responses=RESPONSES)
def upload(
    request: Request,
    actor: CurrentActor,
    db: DbSession,
    file: Annotated[
        UploadFile | None, File(description="CSV (Shift_JIS or UTF-8) or .xlsx, at most 20 MB")
    ] = None,
    centre_id: Annotated[str, Form()] = "",
) -> Any:
    """Upload a caseload file and get its preview, row by row. Nothing is saved until you confirm."""
    service.centres(db, actor)  # the policy first, then the input
    if file is None:
        raise Invalid({"file": gettext("Choose the file to import.")})
    try:
        wanted = uuid.UUID(centre_id) if centre_id else None
    except ValueError:
        wanted = None
    content = file.file.read(MAX_BYTES + 1)  # a plain route: the checks run in the thread pool
    if len(content) > MAX_BYTES:
        return JSONResponse({"detail": too_large_message()}, status_code=413)
    settings = request.app.state.settings
    kept = service.upload(db, settings, actor, wanted, file.filename or "", content)
    return JSONResponse(_body(service.preview(db, settings, actor, kept.id)), status_code=201)


@router.get("/imports/{upload_id}", response_model=ImportPreview, responses=RESPONSES)
def preview(request: Request, upload_id: str, actor: CurrentActor, db: DbSession) -> Any:
    """The preview of a file you uploaded, checked against the portal as it is now."""
    return _body(service.preview(db, request.app.state.settings, actor, upload_id))


@router.post("/imports/{upload_id}/confirm", response_model=ImportPreview, responses=RESPONSES)
def confirm(request: Request, upload_id: str, actor: CurrentActor, db: DbSession) -> Any:
    """Save the file you previewed, all or nothing (`saved`); with problems, nothing is saved (422)."""
    result = service.confirm(db, request.app.state.settings, actor, upload_id)
    if result.plan.problems:
        return JSONResponse(_body(result), status_code=422)
    return _body(result, saved=True)
