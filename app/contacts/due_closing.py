"""The caseworker closes a due item that will not be done, saying why (issue 7): recorded with who
and when, audited, and shown on the child's page instead of the item's state. Until then an overdue
item stays on the caseworker's list."""

from __future__ import annotations

from sqlmodel import Session, select

from app import clock
from app.audit import service as audit
from app.authz.access import ChildAccess
from app.authz.due_items import may_close_due_items
from app.authz.policy import Category
from app.children.models import Child
from app.config import Settings
from app.contacts.due import OPEN_STATES, due_items
from app.contacts.models import CONTACT_KIND_LABELS, ContactKind, DueItemClosure
from app.contacts.schemas import DueItemClose, DueItemOut
from app.errors import Invalid, NotFound
from app.i18n import format_date, gettext

# Field names of the page's form, so that an error lands next to what it is about.
ITEM_FIELD, REASON_FIELD = "item", "reason"


def open_items(db: Session, access: ChildAccess, settings: Settings) -> list[DueItemOut]:
    """The child's items that may be closed (due, overdue, scheduled, booked late, unconfirmed)."""
    if not may_close_due_items(access):
        raise NotFound()
    child = db.get(Child, access.child_id)
    if child is None:
        raise NotFound()
    return [i for i in due_items(db, settings, [child]) if i.state in OPEN_STATES]


def item_label(item: DueItemOut) -> str:
    return gettext(
        "%(kind)s, due by %(date)s",
        kind=gettext(CONTACT_KIND_LABELS[ContactKind(item.kind)]),
        date=format_date(item.deadline),
    )


def close(db: Session, access: ChildAccess, settings: Settings, data: DueItemClose) -> DueItemOut:
    items = open_items(db, access, settings)
    errors: dict[str, str] = {}
    item = next((i for i in items if i.placement_id == data.placement_id and i.kind == data.kind), None)
    if item is None:
        errors[ITEM_FIELD] = gettext("Choose one of the items still open.")
    if not data.reason:
        errors[REASON_FIELD] = gettext("Say why it will not be done, so that the team knows.")
    if errors or item is None:
        raise Invalid(errors)
    closure = db.exec(
        select(DueItemClosure).where(
            DueItemClosure.placement_id == item.placement_id, DueItemClosure.kind == item.kind
        )
    ).first()
    if closure is None:  # two caseworkers closing at once: the first reason stands
        closure = DueItemClosure(
            child_id=access.child_id,
            placement_id=item.placement_id,
            kind=item.kind,
            reason=data.reason,
            closed_by_id=access.person_id,
            closed_at=clock.now(),
        )
        db.add(closure)
        db.flush()
        audit.record_change(
            db, access.actor, closure, None, child_id=access.child_id, category=Category.CONTACT_RECORDS.value
        )
    child = db.get(Child, access.child_id)
    assert child is not None
    return next(
        i
        for i in due_items(db, settings, [child])
        if i.placement_id == item.placement_id and i.kind == item.kind
    )
