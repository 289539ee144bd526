"""The import pages: upload, preview row by row, confirm; and the template to fill in.

The preview is computed synchronously: a 2,000-row file is read and checked in a few seconds
(tests/imports/test_import_speed.py measures it), so the upload form only shows that it is working.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response
from sqlmodel import Session
from starlette.datastructures import UploadFile

from app.authz.actor import Actor
from app.authz.guards import CurrentActor
from app.db import DbSession
from app.errors import Invalid
from app.i18n import gettext, ngettext
from app.imports import service
from app.imports.reading import MAX_BYTES, too_large_message
from app.imports.template import explanations, template_csv, template_xlsx
from app.web import flash, is_htmx, redirect, render

router = APIRouter()

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@dataclass
class PostedFile:
    fields: dict[str, str]
    filename: str
    content: bytes
    too_large: bool


async def posted_file(request: Request) -> PostedFile:
    """The multipart form, read on the event loop; the file is read up to one byte past the limit,
    so that a file over 20 MB is refused with a message, whatever the browser said its size was."""
    form = await request.form()
    fields = {k: v for k, v in form.items() if isinstance(v, str)}
    upload = form.get("file")
    if not isinstance(upload, UploadFile):
        return PostedFile(fields, "", b"", False)
    content = await upload.read(MAX_BYTES + 1)
    return PostedFile(fields, upload.filename or "", content, len(content) > MAX_BYTES)


@router.get("/imports")
def import_form(request: Request, actor: CurrentActor, db: DbSession) -> Response:
    return render(request, "imports/upload.html", _form_context(db, actor, {}))


@router.get("/imports/template.xlsx")
def template_xlsx_download(actor: CurrentActor, db: DbSession) -> Response:
    service.centres(db, actor)
    return _download(template_xlsx(), XLSX_TYPE, "caseload-template.xlsx")


@router.get("/imports/template.csv")
def template_csv_download(actor: CurrentActor, db: DbSession) -> Response:
    service.centres(db, actor)
    return _download(template_csv().encode("utf-8"), "text/csv; charset=utf-8", "caseload-template.csv")


@router.post("/imports")
def import_upload(
    request: Request,
    actor: CurrentActor,
    db: DbSession,
    posted: Annotated[PostedFile, Depends(posted_file)],
) -> Response:
    service.centres(db, actor)  # the policy first, then the input
    values = {"centre_id": posted.fields.get("centre_id", "")}
    if posted.too_large:
        return _again(request, db, actor, values, {"file": too_large_message()}, status=413)
    if not posted.content:
        return _again(request, db, actor, values, {"file": gettext("Choose the file to import.")})
    try:
        centre_id = uuid.UUID(values["centre_id"]) if values["centre_id"] else None
    except ValueError:
        centre_id = None
    try:
        upload = service.upload(
            db, request.app.state.settings, actor, centre_id, posted.filename, posted.content
        )
    except Invalid as invalid:
        return _again(request, db, actor, values, invalid.errors)
    return redirect(request, f"/imports/{upload.id}")


@router.get("/imports/{upload_id}")
def import_preview(request: Request, upload_id: str, actor: CurrentActor, db: DbSession) -> Response:
    preview = service.preview(db, request.app.state.settings, actor, upload_id)
    return render(request, "imports/preview.html", _preview_context(preview))


@router.post("/imports/{upload_id}/confirm")
def import_confirm(request: Request, upload_id: str, actor: CurrentActor, db: DbSession) -> Response:
    result = service.confirm(db, request.app.state.settings, actor, upload_id)
    if result.plan.problems:
        context = _preview_context(result, refused=True)
        return render(request, "imports/preview.html", context, status_code=422)
    summary = result.plan.summary()
    flash(
        request,
        ngettext(
            "Imported: %(created)d child registered, %(updated)d updated, %(unchanged)d unchanged.",
            "Imported: %(created)d children registered, %(updated)d updated, %(unchanged)d unchanged.",
            summary["children_created"],
            created=summary["children_created"],
            updated=summary["children_updated"],
            unchanged=summary["children_unchanged"],
        ),
    )
    return redirect(request, "/children?scope=centre")


def _download(body: bytes, media_type: str, filename: str) -> Response:
    return Response(
        body, media_type=media_type, headers={"content-disposition": f'attachment; filename="{filename}"'}
    )


def _form_context(db: Session, actor: Actor, values: dict[str, Any], **extra: Any) -> dict[str, Any]:
    centres = service.centres(db, actor)
    return {
        "values": values,
        "errors": {},
        "centres": [(str(c.id), c.name) for c in centres],
        "explanations": explanations(),
        **extra,
    }


def _again(
    request: Request,
    db: Session,
    actor: Actor,
    values: dict[str, Any],
    errors: dict[str, str],
    status: int = 422,
) -> Response:
    if is_htmx(request):  # htmx swaps only a 2xx answer in; the form shows its errors either way
        status = 200
    return render(
        request, "imports/upload.html", _form_context(db, actor, values, errors=errors), status_code=status
    )


def _preview_context(preview: service.Preview, refused: bool = False) -> dict[str, Any]:
    return {
        "upload": preview.upload,
        "centre": preview.centre,
        "plan": preview.plan,
        "rows": preview.plan.rows(),
        "summary": preview.plan.summary(),
        "file_kind": preview.file_kind,
        "encoding": preview.encoding,
        "refused": refused,
    }
