"""The import's steps: upload (kept server-side), preview (a plan, nothing written), confirm (the
same file planned again against the database as it is now, then saved all or nothing)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session

from app.authz.actor import Actor
from app.authz.imports import caseload_centres
from app.config import Settings
from app.errors import Conflict, Invalid, NotFound
from app.i18n import gettext
from app.imports import storage
from app.imports.apply import apply_plan
from app.imports.columns import COLUMNS
from app.imports.lookups import Lookups, load_lookups
from app.imports.plan import Plan, Problem, make_plan
from app.imports.reading import Unreadable, read_sheet
from app.orgs.models import Organisation


@dataclass
class Preview:
    upload: storage.Upload
    centre: Organisation
    plan: Plan
    file_kind: str = ""
    encoding: str = ""
    found: Lookups | None = None


def centres(db: Session, actor: Actor) -> list[Organisation]:
    found = caseload_centres(db, actor)
    if not found:
        raise NotFound()  # the import does not exist for this person
    return found


def centre_for(db: Session, actor: Actor, wanted: uuid.UUID | None) -> Organisation:
    allowed = centres(db, actor)
    if wanted is None and len(allowed) == 1:
        return allowed[0]
    for centre in allowed:
        if centre.id == wanted:
            return centre
    raise Invalid({"centre_id": gettext("Choose a centre whose caseload you may import.")})


def upload(
    db: Session, settings: Settings, actor: Actor, centre_id: uuid.UUID | None, filename: str, content: bytes
) -> storage.Upload:
    centre = centre_for(db, actor, centre_id)
    return storage.keep(settings, actor.person_id, centre.id, filename, content)


def find_upload(
    db: Session, settings: Settings, actor: Actor, upload_id: str
) -> tuple[storage.Upload, Organisation]:
    """The upload, for its uploader, while they still may import for its centre; else 404."""
    upload_record = storage.find(settings, upload_id, actor.person_id)
    if upload_record is None:
        raise NotFound()
    for centre in centres(db, actor):
        if centre.id == upload_record.centre_id:
            return upload_record, centre
    raise NotFound()


def preview(db: Session, settings: Settings, actor: Actor, upload_id: str) -> Preview:
    upload_record, centre = find_upload(db, settings, actor, upload_id)
    return _plan(db, upload_record, centre)


def _plan(db: Session, upload_record: storage.Upload, centre: Organisation) -> Preview:
    try:
        sheet = read_sheet(upload_record.content)
    except Unreadable as unreadable:
        plan = Plan(centre_id=centre.id, problems=[Problem(1, "", str(unreadable))])
        return Preview(upload_record, centre, plan)
    emails = _emails(sheet.rows)
    found = load_lookups(db, centre, emails)
    plan = make_plan(sheet.rows, found)
    return Preview(upload_record, centre, plan, sheet.kind, sheet.encoding, found)


def _emails(rows: list[list[str]]) -> set[str]:
    from app.imports.columns import split_members

    found: set[str] = set()
    for row in rows[1:]:
        for cell in row:
            if "@" in cell:
                found.update(part.lower() for part in split_members(cell) if "@" in part)
    return found


def confirm(db: Session, settings: Settings, actor: Actor, upload_id: str) -> Preview:
    """Plan the kept file again (the database may have changed since the preview) and save it
    if, and only if, nothing is wrong. The caller sees plan.problems when nothing was saved."""
    upload_record, centre = find_upload(db, settings, actor, upload_id)
    result = _plan(db, upload_record, centre)
    if result.plan.problems or result.found is None:
        return result
    try:
        apply_plan(db, actor, result.plan, result.found)
        db.flush()  # a unique case number taken meanwhile shows here, not as a failed commit (a 500)
    except IntegrityError as race:
        db.rollback()
        raise Conflict(
            gettext(
                "Someone saved children of this centre meanwhile (this file, confirmed twice?). "
                "Open the preview again: it shows what is there now."
            )
        ) from race
    return result


def header_row() -> list[str]:
    return [c.japanese for c in COLUMNS]
