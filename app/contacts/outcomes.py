"""After a contact: how it went, how the child reacted, what the birth parent shared about
routines, food, sleep and comfort objects (one step adds that to the child's care information),
and next steps. Its audience follows the policy for contact records; its author may narrow it."""

from __future__ import annotations

import uuid

from pydantic import BaseModel, ConfigDict, Field
from sqlmodel import Session, select

from app import clock
from app.audit import service as audit
from app.authz import actions
from app.authz.access import ChildAccess
from app.authz.policy import Category
from app.caseinfo.models import Audience, CaseItem
from app.contacts.models import CONTACT_KIND_LABELS, Contact, ContactKind, ContactOutcome
from app.contacts.service import get_contact
from app.db import checked_version_write
from app.errors import Conflict, Forbidden, Invalid, NotFound
from app.i18n import N_, format_date, gettext

SHARED_LABELS = {
    "routines": N_("Routines"),
    "food": N_("Food"),
    "sleep": N_("Sleep"),
    "comfort_objects": N_("Comfort objects"),
}
SHARED_FIELDS = tuple(SHARED_LABELS)


class OutcomeIn(BaseModel):
    model_config = ConfigDict(str_strip_whitespace=True)

    version: int = 0
    how_it_went: str = Field(default="", max_length=5000)
    child_reaction: str = Field(default="", max_length=5000)
    routines: str = Field(default="", max_length=2000)
    food: str = Field(default="", max_length=2000)
    sleep: str = Field(default="", max_length=2000)
    comfort_objects: str = Field(default="", max_length=2000)
    next_steps: str = Field(default="", max_length=5000)
    audience: str = Audience.TEAM.value


def outcome_of(db: Session, contact: Contact) -> ContactOutcome | None:
    return db.exec(select(ContactOutcome).where(ContactOutcome.contact_id == contact.id)).first()


def save(db: Session, access: ChildAccess, contact_id: uuid.UUID, data: OutcomeIn) -> ContactOutcome:
    contact = get_contact(db, access, contact_id)
    outcome = outcome_of(db, contact)
    if not actions.may_write_outcome(access, contact, outcome):
        if contact.status != "done" and access.can_add(Category.CONTACT_RECORDS):
            raise Invalid(
                {"how_it_went": gettext("Mark the contact as done first; then record how it went.")}
            )
        raise Forbidden(
            gettext("Only the person who wrote how it went, or the caseworker, can change it.")
            if outcome is not None
            else gettext("You cannot record how this contact went.")
        )
    if data.audience not in (Audience.TEAM.value, Audience.PROFESSIONALS.value):
        raise Invalid({"audience": gettext("Choose one of the options.")})
    if not any(getattr(data, f) for f in ("how_it_went", "child_reaction", *SHARED_FIELDS, "next_steps")):
        raise Invalid({"how_it_went": gettext("Write at least how it went.")})
    fields = data.model_dump(exclude={"version"})
    if outcome is None:
        outcome = ContactOutcome(contact_id=contact.id, author_id=access.person_id, **fields)
        db.add(outcome)
        db.flush()
        audit.record_change(
            db, access.actor, outcome, None, child_id=access.child_id, category=Category.CONTACT_RECORDS.value
        )
        return outcome
    if outcome.version != data.version:
        raise _outcome_conflict(outcome)
    before = audit.snapshot(outcome)
    with checked_version_write(db, outcome, _outcome_conflict):
        for key, value in fields.items():
            setattr(outcome, key, value)
        outcome.updated_at = clock.now()
        db.add(outcome)
    audit.record_change(
        db, access.actor, outcome, before, child_id=access.child_id, category=Category.CONTACT_RECORDS.value
    )
    return outcome


def _outcome_conflict(outcome: ContactOutcome) -> Conflict:
    return Conflict(
        gettext("Someone else changed this record after you opened the form."),
        current={"how_it_went": outcome.how_it_went, "version": outcome.version},
    )


def add_to_care_info(db: Session, access: ChildAccess, contact_id: uuid.UUID) -> CaseItem:
    """One step: what the parent shared becomes an item of the child's care information."""
    contact = get_contact(db, access, contact_id)
    outcome = outcome_of(db, contact)
    if outcome is None or not actions.may_add_outcome_to_care_info(access, outcome):
        raise NotFound()
    lines = [
        f"{gettext(label)}: {getattr(outcome, field)}"
        for field, label in SHARED_LABELS.items()
        if getattr(outcome, field)
    ]
    if not lines:
        raise Invalid(
            {"routines": gettext("Nothing about routines, food, sleep or comfort objects was recorded.")}
        )
    title = gettext(
        "Shared by the family at %(kind)s on %(date)s",
        kind=gettext(CONTACT_KIND_LABELS[ContactKind(contact.kind)]),
        date=format_date(contact.starts_at),
    )
    item = CaseItem(
        child_id=contact.child_id,
        category=Category.CARE_INFO.value,
        title=title[:200],
        body="\n".join(lines),
        author_id=access.person_id,
    )
    db.add(item)
    outcome.added_to_care_info_at = clock.now()
    db.add(outcome)
    db.flush()
    audit.record_change(
        db, access.actor, item, None, child_id=access.child_id, category=Category.CARE_INFO.value
    )
    return item
