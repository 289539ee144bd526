"""The JSON API for consents: the same services as the pages (app/sharing/consents.py)."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any, Literal

from fastapi import APIRouter
from pydantic import BaseModel

from app.authz.guards import ChildScope
from app.db import DbSession
from app.sharing import consents
from app.sharing.models import ConsentKind

router = APIRouter(prefix="/api/v1", tags=["consents"])

NOT_FOUND: dict[int | str, dict[str, Any]] = {
    404: {"description": "No such child or consent, or not in your scope (the two look the same)."}
}


class ConsentChoiceOut(BaseModel):
    kind: str
    person_id: uuid.UUID
    name: str
    roles: str
    state: Literal["none", "waiting", "shared"]
    consent_id: uuid.UUID | None = None


class AgreementOut(BaseModel):
    consent_id: uuid.UUID
    given_by: str
    recipient: str
    given_at: dt.datetime
    agreed_at: dt.datetime | None = None


class ConsentsOut(BaseModel):
    # Whom the reader may show their own details to (a family member), or their household's (foster family).
    mine: list[ConsentChoiceOut]
    # For the caseworker: the foster family's consents, waiting for their agreement or agreed.
    to_agree: list[AgreementOut]


class ConsentIn(BaseModel):
    kind: Literal["share_family_contact", "share_foster_contact"]
    recipient_id: uuid.UUID
    give: bool


class AgreementIn(BaseModel):
    agree: bool


def _out(access: ChildScope, db: DbSession) -> ConsentsOut:
    mine = [
        ConsentChoiceOut(
            kind=kind.value,
            person_id=c.person_id,
            name=c.name,
            roles=c.roles,
            state=c.state,
            consent_id=c.consent.id if c.consent else None,
        )
        for kind, choices in (
            (ConsentKind.SHARE_FAMILY_CONTACT, consents.family_choices(db, access)),
            (ConsentKind.SHARE_FOSTER_CONTACT, consents.foster_choices(db, access)),
        )
        for c in choices
    ]
    to_agree = [
        AgreementOut(
            consent_id=c.id, given_by=giver, recipient=recipient, given_at=c.given_at, agreed_at=c.agreed_at
        )
        for c, giver, recipient in consents.foster_consents_to_agree(db, access)
    ]
    return ConsentsOut(mine=mine, to_agree=to_agree)


@router.get("/children/{child_id}/consents", response_model=ConsentsOut, responses=NOT_FOUND)
def consent_list(access: ChildScope, db: DbSession) -> ConsentsOut:
    return _out(access, db)


@router.post("/children/{child_id}/consents", response_model=ConsentsOut, responses=NOT_FOUND)
def consent_set(data: ConsentIn, access: ChildScope, db: DbSession) -> ConsentsOut:
    consents.set_consent(db, access, data.kind, data.recipient_id, data.give)
    return _out(access, db)


@router.post(
    "/children/{child_id}/consents/{consent_id}/agree", response_model=ConsentsOut, responses=NOT_FOUND
)
def consent_agree(consent_id: uuid.UUID, data: AgreementIn, access: ChildScope, db: DbSession) -> ConsentsOut:
    consents.agree(db, access, consent_id, data.agree)
    return _out(access, db)
