"""Reminders of contacts, the day before and 2 hours before, in the portal and by e-mail.

The worker runs `send_reminders` every minute. A reminder is due once its moment (start minus
the offset) has come and the contact has not started; one whose moment passed while no worker ran
is sent late rather than lost, but never after the contact started. Each reminder is recorded in
`reminder_sent` in the same transaction as its notification and e-mail: the row's unique key
(contact, person, offset, start time) lets only one of two racing workers commit, so nobody is
reminded twice. A contact moved to a new time gets new reminders; a cancelled one gets none.
"""

from __future__ import annotations

import datetime as dt
import logging
import uuid
from collections import defaultdict
from dataclasses import dataclass

from sqlalchemy import Engine
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from app import clock
from app.config import Settings
from app.contacts.models import (
    CONTACT_KIND_LABELS,
    Contact,
    ContactKind,
    ContactParticipant,
    ContactStatus,
    ReminderSent,
    Response,
)
from app.notifications.service import Event, notify

log = logging.getLogger("qpi.reminders")

# Minutes before the start: the day before, and 2 hours before.
OFFSETS = (24 * 60, 2 * 60)
OPEN = (ContactStatus.PROPOSED.value, ContactStatus.CONFIRMED.value)


@dataclass
class ReminderReport:
    sent: int = 0  # reminders this worker recorded and notified
    raced: int = 0  # reminders another worker recorded first


def due_offsets(starts_at: dt.datetime, now: dt.datetime) -> list[int]:
    """The offsets whose moment has come for a contact that has not started yet."""
    if now >= starts_at:
        return []
    return [offset for offset in OFFSETS if starts_at - dt.timedelta(minutes=offset) <= now]


def send_reminders(engine: Engine, settings: Settings, now: dt.datetime | None = None) -> ReminderReport:
    """The periodic job: remind each participant (who has not declined) of their coming contacts."""
    now = now or clock.now()
    report = ReminderReport()
    with Session(engine) as db:
        pending = _pending(db, now)
    for (contact_id, person_id, starts_at), offsets in pending.items():
        with Session(engine) as db:
            try:
                if _remind(db, settings, contact_id, person_id, starts_at, offsets):
                    db.commit()
                    report.sent += 1
                else:
                    db.rollback()
            except IntegrityError:  # another worker recorded this reminder first
                db.rollback()
                report.raced += 1
    if report.sent:
        log.info("sent %d contact reminders", report.sent)
    return report


Key = tuple[uuid.UUID, uuid.UUID, dt.datetime]  # contact, person, the contact's start


def _pending(db: Session, now: dt.datetime) -> dict[Key, list[int]]:
    """Who is owed which reminders now: (contact, person, start) -> due offsets not yet recorded."""
    rows = db.exec(
        select(Contact.id, Contact.starts_at, ContactParticipant.person_id)
        .join(ContactParticipant, col(ContactParticipant.contact_id) == Contact.id)
        .where(
            col(Contact.status).in_(OPEN),
            col(Contact.archived_at).is_(None),
            Contact.starts_at > now,
            Contact.starts_at <= now + dt.timedelta(minutes=max(OFFSETS)),
            ContactParticipant.response != Response.DECLINED.value,
        )
    ).all()
    if not rows:
        return {}
    done: set[tuple[uuid.UUID, uuid.UUID, int, dt.datetime]] = {
        (r.contact_id, r.person_id, r.offset_minutes, r.starts_at)
        for r in db.exec(
            select(ReminderSent).where(col(ReminderSent.contact_id).in_({row[0] for row in rows}))
        )
    }
    pending: dict[Key, list[int]] = defaultdict(list)
    for contact_id, starts_at, person_id in rows:
        for offset in due_offsets(starts_at, now):
            if (contact_id, person_id, offset, starts_at) not in done:
                pending[(contact_id, person_id, starts_at)].append(offset)
    return dict(pending)


def _remind(
    db: Session,
    settings: Settings,
    contact_id: uuid.UUID,
    person_id: uuid.UUID,
    starts_at: dt.datetime,
    offsets: list[int],
) -> bool:
    """Record the due reminders and notify the person once, in the caller's transaction. Several
    offsets due at once (the contact was booked late, or no worker ran) make one reminder, not a
    burst of identical ones. False when the contact changed meanwhile (the next round decides)."""
    contact = db.get(Contact, contact_id)
    if (
        contact is None
        or contact.status not in OPEN
        or contact.archived_at is not None
        or contact.starts_at != starts_at
        or clock.now() >= contact.starts_at  # never once it has started
    ):
        return False
    participant = db.exec(
        select(ContactParticipant).where(
            ContactParticipant.contact_id == contact_id, ContactParticipant.person_id == person_id
        )
    ).first()
    if participant is None or participant.response == Response.DECLINED.value:
        return False
    for offset in offsets:
        db.add(
            ReminderSent(
                contact_id=contact_id, person_id=person_id, offset_minutes=offset, starts_at=contact.starts_at
            )
        )
    db.flush()  # the unique key stops a second worker here, before anything is sent
    event = Event(
        kind="contact_reminder",
        subject_label=CONTACT_KIND_LABELS[ContactKind(contact.kind)],
        when=contact.starts_at,
        link=f"/children/{contact.child_id}/contacts/{contact.id}",
        child_id=contact.child_id,
    )
    nearest = min(offsets)
    notify(
        db,
        settings,
        [person_id],
        event,
        dedupe=f"reminder:{contact.id}:{nearest}:{contact.starts_at.isoformat()}",
    )
    return True
