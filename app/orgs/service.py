"""Organisations: administrators create, edit and archive them (never delete)."""

from __future__ import annotations

import uuid

from pydantic import BaseModel, ConfigDict, Field
from sqlmodel import Session, col, select

from app import clock
from app.audit import service as audit
from app.authz.actor import Actor
from app.db import checked_version_write
from app.errors import Conflict, Invalid, NotFound
from app.i18n import gettext
from app.orgs.models import Organisation, OrgKind, Region


class OrganisationIn(BaseModel):
    model_config = ConfigDict(str_strip_whitespace=True)

    name: str = Field(min_length=1, max_length=200)
    kind: str
    region: str
    address: str = Field(default="", max_length=300)
    phone: str = Field(default="", max_length=40)


def list_organisations(db: Session, *, kind: str = "", include_archived: bool = False) -> list[Organisation]:
    query = select(Organisation)
    if kind:
        query = query.where(Organisation.kind == kind)
    if not include_archived:
        query = query.where(col(Organisation.archived_at).is_(None))
    return list(
        db.exec(query.order_by(col(Organisation.kind), col(Organisation.region), col(Organisation.name)))
    )


def get_organisation(db: Session, org_id: uuid.UUID) -> Organisation:
    org = db.get(Organisation, org_id)
    if org is None:
        raise NotFound()
    return org


def _check(data: OrganisationIn) -> None:
    errors: dict[str, str] = {}
    if data.kind not in {k.value for k in OrgKind}:
        errors["kind"] = gettext("Choose one of the options.")
    if data.region not in {r.value for r in Region}:
        errors["region"] = gettext("Choose one of the options.")
    if errors:
        raise Invalid(errors)


def create_organisation(db: Session, actor: Actor, data: OrganisationIn) -> Organisation:
    _check(data)
    org = Organisation(**data.model_dump())
    db.add(org)
    db.flush()
    audit.record_change(db, actor, org, None)
    return org


def update_organisation(
    db: Session, actor: Actor, org_id: uuid.UUID, data: OrganisationIn, version: int
) -> Organisation:
    org = get_organisation(db, org_id)
    _check(data)
    if org.version != version:
        raise _org_conflict(org, data)
    before = audit.snapshot(org)
    with checked_version_write(db, org, lambda saved: _org_conflict(saved, data)):
        for key, value in data.model_dump().items():
            setattr(org, key, value)
        org.updated_at = clock.now()
        db.add(org)
    audit.record_change(db, actor, org, before)
    return org


def _org_conflict(org: Organisation, data: OrganisationIn) -> Conflict:
    return Conflict(
        gettext("Someone else changed this organisation after you opened the form."),
        current={k: str(getattr(org, k)) for k in data.model_dump()} | {"version": org.version},
    )


def archive_organisation(db: Session, actor: Actor, org_id: uuid.UUID, reason: str) -> Organisation:
    org = get_organisation(db, org_id)
    if not reason.strip():
        raise Invalid({"reason": gettext("Say why it is archived.")})
    before = audit.snapshot(org)
    org.archived_at, org.archive_reason = clock.now(), reason.strip()[:500]
    db.add(org)
    db.flush()
    audit.record_change(db, actor, org, before, action="archive")
    return org
