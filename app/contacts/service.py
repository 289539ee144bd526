"""Scheduling and recording contacts, as the sharing policy allows.

Who may do what: anyone who may add contact records proposes a contact; its creator, its
facilitator and those who manage contact records change it; each participant answers for
themselves. Time and place reach someone under a protection order only for their own contacts.
"""

from __future__ import annotations

import calendar
import datetime as dt
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from app import clock
from app.accounts.models import Account
from app.audit import service as audit
from app.authz import actions
from app.authz.access import ChildAccess
from app.authz.due_items import may_confirm_done
from app.authz.policy import BIRTH_FAMILY_ROLES, Category
from app.authz.visibility import Viewer, may_name, team_viewers
from app.children.models import Child
from app.config import Settings
from app.contacts.models import (
    CONTACT_KIND_LABELS,
    CallArrangement,
    Contact,
    ContactKind,
    ContactMode,
    ContactParticipant,
    ContactSeries,
    ContactStatus,
    Place,
    PlaceKind,
    Recurrence,
    Response,
)
from app.contacts.schemas import ContactChange, ContactIn, StatusChange
from app.db import checked_version_write
from app.errors import Conflict, Invalid, NotFound
from app.i18n import TOKYO, gettext
from app.notifications.service import Event, mark_answered, notify

MAX_OCCURRENCES = 60
LONGEST_SERIES = dt.timedelta(days=366)
OPEN = (ContactStatus.PROPOSED.value, ContactStatus.CONFIRMED.value)


# --- Who may do what ----------------------------------------------------------------------------


# The decisions themselves are in app/authz/actions.py, shared with the pages that offer them.
may_schedule = actions.may_schedule_contact


def taking_part(db: Session, contact: Contact) -> set[uuid.UUID]:
    """Who takes part: the participants and the facilitator."""
    people = {p.person_id for p in participants_of(db, [contact.id])[contact.id]}
    return people | ({contact.facilitator_id} if contact.facilitator_id else set())


def may_organise(db: Session, access: ChildAccess, contact: Contact) -> bool:
    return actions.may_organise_contact(access, contact, taking_part(db, contact))


def may_change(db: Session, access: ChildAccess, contact: Contact) -> bool:
    return actions.may_change_contact(access, contact, taking_part(db, contact))


def place_visible(access: ChildAccess, place_kind: str) -> bool:
    """A foster home or facility is where the child lives: whereabouts (a foster home also with the
    family's consent); the birth family's home is their contact details."""
    if place_kind == PlaceKind.FOSTER_HOME:
        return access.can_see(Category.WHEREABOUTS) or access.can_see(Category.FOSTER_CONTACT)
    if place_kind == PlaceKind.FACILITY:
        return access.can_see(Category.WHEREABOUTS)
    if place_kind == PlaceKind.FAMILY_HOME:
        # Only the kind of place is shown, never the address: the family know their own home.
        return access.can_see(Category.BIRTH_FAMILY_CONTACT) or bool(access.roles & BIRTH_FAMILY_ROLES)
    return True


# --- Reading ------------------------------------------------------------------------------------


def get_contact(db: Session, access: ChildAccess, contact_id: uuid.UUID) -> Contact:
    if not access.can_see(Category.CONTACT_RECORDS):
        raise NotFound()
    contact = db.get(Contact, contact_id)
    if contact is None or contact.child_id != access.child_id or contact.archived_at is not None:
        raise NotFound()
    return contact


def participants_of(
    db: Session, contact_ids: Iterable[uuid.UUID]
) -> dict[uuid.UUID, list[ContactParticipant]]:
    ids = list(contact_ids)
    result: dict[uuid.UUID, list[ContactParticipant]] = {i: [] for i in ids}
    if ids:
        for row in db.exec(select(ContactParticipant).where(col(ContactParticipant.contact_id).in_(ids))):
            result[row.contact_id].append(row)
    return result


def child_contacts(db: Session, access: ChildAccess, *, since: dt.datetime | None = None) -> list[Contact]:
    if not access.can_see(Category.CONTACT_RECORDS):
        return []
    query = select(Contact).where(Contact.child_id == access.child_id, col(Contact.archived_at).is_(None))
    if since is not None:
        query = query.where(Contact.starts_at >= since)
    return list(db.exec(query.order_by(col(Contact.starts_at))))


def db_child(db: Session, access: ChildAccess) -> Child:
    child = db.get(Child, access.child_id)
    if child is None:
        raise NotFound()
    return child


# --- Scheduling ----------------------------------------------------------------------------------


@dataclass
class Scheduled:
    contacts: list[Contact]
    warnings: list[str]
    duplicate: bool = False


def to_utc(date: dt.date, time: dt.time) -> dt.datetime:
    return dt.datetime.combine(date, time, tzinfo=TOKYO).astimezone(dt.UTC)


def schedule(db: Session, access: ChildAccess, settings: Settings, data: ContactIn) -> Scheduled:
    if not may_schedule(access):
        raise NotFound()
    replay = _replay(db, access, data.idempotency_key)
    if replay is not None:
        return replay
    try:
        return _schedule_new(db, access, settings, data)
    except IntegrityError:
        # The same Idempotency-Key sent again while the first request was still saving: the unique
        # key stopped the second copy. Nothing of this request was written; answer as the first did.
        db.rollback()
        replay = _replay(db, access, data.idempotency_key)
        if replay is None:
            raise
        return replay


def _replay(db: Session, access: ChildAccess, key: str | None) -> Scheduled | None:
    """What a request with this Idempotency-Key already created (the whole series), if anything."""
    if not key:
        return None
    existing = db.exec(select(Contact).where(Contact.idempotency_key == key)).first()
    if existing is None:
        return None
    if existing.child_id != access.child_id:
        raise NotFound()
    contacts = [existing]
    if existing.series_id is not None:
        contacts = list(
            db.exec(
                select(Contact)
                .where(Contact.series_id == existing.series_id, col(Contact.archived_at).is_(None))
                .order_by(col(Contact.starts_at))
            )
        )
    return Scheduled(contacts, [], duplicate=True)


def _schedule_new(db: Session, access: ChildAccess, settings: Settings, data: ContactIn) -> Scheduled:
    viewers = _team(db, access)
    errors = _check_details(
        db, access, viewers, data.kind, data.mode, data.place_kind, data.place_id, data.participant_ids
    )
    errors.update(_check_kind_details(data))
    if data.facilitator_id is not None and data.facilitator_id not in viewers:
        errors["facilitator_id"] = gettext("Choose someone on the child's team.")
    dates, date_errors = _occurrence_dates(data)
    errors.update(date_errors)
    minutes = _minutes(data.start_time, data.end_time, errors)
    now = clock.now()
    if not errors:
        first = to_utc(dates[0], data.start_time)
        if first < now and not data.record_as_done:
            errors["date"] = gettext(
                "This time has passed. Choose a time to come, or tick “It already happened” to record it."
            )
        if first > now and data.record_as_done:
            errors["date"] = gettext("A contact that already happened needs a time in the past.")
    if errors:
        raise Invalid(errors)
    series = None
    if len(dates) > 1 or data.recurrence:
        series = ContactSeries(
            child_id=access.child_id,
            rule=data.recurrence or Recurrence.CUSTOM.value,
            first_date=dates[0],
            until_date=dates[-1],
            created_by_id=access.person_id,
        )
        db.add(series)
        db.flush()
    status = ContactStatus.DONE if data.record_as_done else ContactStatus.PROPOSED
    contacts = []
    for index, date in enumerate(dates):
        contact = Contact(
            **_done_fields(access, now, status),
            child_id=access.child_id,
            kind=data.kind,
            mode=data.mode,
            place_kind=data.place_kind,
            place_id=data.place_id if data.place_kind == PlaceKind.NEUTRAL else None,
            starts_at=to_utc(date, data.start_time),
            duration_minutes=minutes,
            status=status.value,
            facilitator_id=data.facilitator_id,
            carer_present=data.carer_present,
            call_arrangement=data.call_arrangement or None,
            note=data.note,
            series_id=series.id if series else None,
            created_by_id=access.person_id,
            idempotency_key=data.idempotency_key if index == 0 else None,
        )
        db.add(contact)
        db.flush()
        _set_participants(db, contact, set(data.participant_ids), access.person_id)
        audit.record_change(
            db, access.actor, contact, None, child_id=access.child_id, category=Category.CONTACT_RECORDS.value
        )
        contacts.append(contact)
    warnings = double_bookings(db, contacts, set(data.participant_ids), viewers, access)
    if status is ContactStatus.PROPOSED:
        others = set(data.participant_ids) - {access.person_id}
        notify(db, settings, others, _event("contact_proposed", contacts[0]))
    return Scheduled(contacts, warnings)


def _done_fields(access: ChildAccess, now: dt.datetime, status: ContactStatus) -> dict[str, Any]:
    """Who said it happened, and whether that already counts: staff confirm by saying so."""
    if status is not ContactStatus.DONE:
        return {}
    fields: dict[str, Any] = {"status_by_id": access.person_id, "status_at": now}
    if may_confirm_done(access):
        fields.update(done_confirmed_by_id=access.person_id, done_confirmed_at=now)
    return fields


def _team(db: Session, access: ChildAccess) -> dict[uuid.UUID, Viewer]:
    child = db.get(Child, access.child_id)
    assert child is not None
    return {v.person_id: v for v in team_viewers(db, child, access.policy, access.on)}


def _check_details(
    db: Session,
    access: ChildAccess,
    team: dict[uuid.UUID, Viewer],
    kind: str,
    mode: str,
    place_kind: str,
    place_id: uuid.UUID | None,
    participant_ids: list[uuid.UUID],
) -> dict[str, str]:
    errors: dict[str, str] = {}
    if kind not in {k.value for k in ContactKind}:
        errors["kind"] = gettext("Choose one of the options.")
    if mode not in {m.value for m in ContactMode}:
        errors["mode"] = gettext("Choose one of the options.")
    if place_kind not in {p.value for p in PlaceKind}:
        errors["place_kind"] = gettext("Choose one of the options.")
    elif not place_visible(access, place_kind):
        errors["place_kind"] = gettext(
            "You cannot choose this place: it is not shared with you. Choose a neutral place."
        )
    elif place_kind == PlaceKind.NEUTRAL and not _is_centre_place(db, access, place_id):
        errors["place_id"] = gettext("Choose one of the centre's places.")
    elif mode == ContactMode.IN_PERSON and place_kind == PlaceKind.REMOTE:
        errors["place_kind"] = gettext("A meeting in person needs a place.")
    strangers = [p for p in participant_ids if p not in team]
    if strangers:
        errors["participant_ids"] = gettext("Only people on the child's team can take part.")
    elif not participant_ids:
        errors["participant_ids"] = gettext("Choose who takes part.")
    return errors


def _check_kind_details(data: ContactIn) -> dict[str, str]:
    errors: dict[str, str] = {}
    if data.call_arrangement and data.call_arrangement not in {c.value for c in CallArrangement}:
        errors["call_arrangement"] = gettext("Choose one of the options.")
    if data.kind == ContactKind.COMFORT_CALL and not data.call_arrangement:
        errors["call_arrangement"] = gettext("Say who calls whom, so that no one's number is given away.")
    if data.recurrence and data.kind != ContactKind.FAMILY_TIME:
        errors["recurrence"] = gettext("Only family time can repeat.")
    if data.recurrence and data.record_as_done:
        errors["recurrence"] = gettext("A contact that already happened does not repeat.")
    return errors


def _is_centre_place(db: Session, access: ChildAccess, place_id: uuid.UUID | None) -> bool:
    place = db.get(Place, place_id) if place_id else None
    return place is not None and place.archived_at is None and place.centre_id == access.responsible_centre_id


def _minutes(start: dt.time, end: dt.time, errors: dict[str, str]) -> int:
    minutes = (end.hour * 60 + end.minute) - (start.hour * 60 + start.minute)
    if minutes <= 0:
        errors["end_time"] = gettext("The end is before the start. Check the times.")
    return minutes


def _occurrence_dates(data: ContactIn) -> tuple[list[dt.date], dict[str, str]]:
    """The dates of the contact: one, or those of a recurrence up to its last date."""
    if not data.recurrence:
        return [data.date], {}
    if data.recurrence == Recurrence.CUSTOM:
        dates = sorted({data.date, *data.custom_dates})
    elif data.recurrence in (Recurrence.WEEKLY, Recurrence.FORTNIGHTLY, Recurrence.MONTHLY):
        if data.until_date is None or data.until_date <= data.date:
            return [data.date], {"until_date": gettext("Choose the last date, after the first one.")}
        if data.until_date - data.date > LONGEST_SERIES:  # refused before the dates are counted out
            return [data.date], {"until_date": _too_long_series()}
        dates = list(_repeat(data.date, data.until_date, Recurrence(data.recurrence)))
    else:
        return [data.date], {"recurrence": gettext("Choose one of the options.")}
    if len(dates) > MAX_OCCURRENCES or dates[-1] - dates[0] > LONGEST_SERIES:
        return dates, {"until_date": _too_long_series()}
    return dates, {}


def _too_long_series() -> str:
    return gettext("A series can cover at most a year (%(count)d dates).", count=MAX_OCCURRENCES)


def _repeat(first: dt.date, until: dt.date, rule: Recurrence) -> Iterable[dt.date]:
    index = 0
    while True:
        if rule is Recurrence.MONTHLY:
            month = first.month - 1 + index
            year, month = first.year + month // 12, month % 12 + 1
            date = dt.date(year, month, min(first.day, calendar.monthrange(year, month)[1]))
        else:
            date = first + dt.timedelta(days=index * (7 if rule is Recurrence.WEEKLY else 14))
        if date > until:
            return
        yield date
        index += 1


def _set_participants(db: Session, contact: Contact, wanted: set[uuid.UUID], actor_id: uuid.UUID) -> None:
    existing = {
        p.person_id: p
        for p in db.exec(select(ContactParticipant).where(ContactParticipant.contact_id == contact.id))
    }
    for person_id in wanted - set(existing):
        answered = person_id == actor_id  # whoever proposes it is coming
        db.add(
            ContactParticipant(
                contact_id=contact.id,
                person_id=person_id,
                response=Response.ACCEPTED.value if answered else Response.PENDING.value,
                responded_at=clock.now() if answered else None,
            )
        )
    for person_id in set(existing) - wanted:
        db.delete(existing[person_id])  # who takes part is not a case record; the audit log keeps it


def double_bookings(
    db: Session,
    contacts: list[Contact],
    people: set[uuid.UUID],
    team: dict[uuid.UUID, Viewer],
    reader: ChildAccess | None = None,
) -> list[str]:
    """A warning for each participant who already has a contact at one of these times. It names no
    other child: the other appointment may be one the scheduler may not see. Nor does it name, or
    speak of, anyone the reader may not name (the carers, to someone under a protection order)."""
    busy: set[uuid.UUID] = set()
    ids = {c.id for c in contacts}
    for contact in contacts:
        rows = db.exec(
            select(Contact, ContactParticipant.person_id)
            .join(ContactParticipant, col(ContactParticipant.contact_id) == Contact.id)
            .where(
                col(ContactParticipant.person_id).in_(people),
                col(Contact.status).in_(OPEN),
                col(Contact.archived_at).is_(None),
                Contact.starts_at < contact.ends_at,
                Contact.starts_at > contact.starts_at - dt.timedelta(hours=24),
            )
        ).all()
        busy |= {
            person for other, person in rows if other.id not in ids and other.ends_at > contact.starts_at
        }
    # Someone no longer on the team (a form kept open while the case moved) is not named either.
    named = [p for p in busy if p in team and (reader is None or may_name(team[p], reader))]
    return [
        gettext("%(name)s already has an appointment at that time.", name=team[p].name)
        for p in sorted(named, key=lambda p: team[p].name)
    ]


def _event(kind: str, contact: Contact) -> Event:
    return Event(
        kind=kind,
        subject_label=CONTACT_KIND_LABELS[ContactKind(contact.kind)],
        when=contact.starts_at,
        link=f"/children/{contact.child_id}/contacts/{contact.id}",
        child_id=contact.child_id,
    )


def _everyone(db: Session, contact: Contact) -> set[uuid.UUID]:
    people = {
        p.person_id
        for p in db.exec(select(ContactParticipant).where(ContactParticipant.contact_id == contact.id))
    }
    return people | ({contact.facilitator_id} if contact.facilitator_id else set())


# --- Changes ----------------------------------------------------------------------------------


def change(
    db: Session, access: ChildAccess, settings: Settings, contact_id: uuid.UUID, data: ContactChange
) -> tuple[Contact, list[str]]:
    contact = get_contact(db, access, contact_id)
    if not may_organise(db, access, contact):
        raise NotFound()
    if not may_change(db, access, contact):
        raise Invalid({"status": gettext("Only a contact still to come can be changed.")})
    team = _team(db, access)
    errors = _check_details(
        db, access, team, contact.kind, data.mode, data.place_kind, data.place_id, data.participant_ids
    )
    minutes = _minutes(data.start_time, data.end_time, errors)
    starts = to_utc(data.date, data.start_time)
    if not errors and starts < clock.now():
        errors["date"] = gettext("This time has passed. Choose a time to come.")
    if errors:
        raise Invalid(errors)
    if contact.version != data.version:
        raise _contact_conflict(contact)
    before = audit.snapshot(contact)
    moved = starts != contact.starts_at or minutes != contact.duration_minutes
    with checked_version_write(db, contact, _contact_conflict):
        _apply_change(db, access, contact, data, starts, minutes, moved)
    audit.record_change(
        db, access.actor, contact, before, child_id=access.child_id, category=Category.CONTACT_RECORDS.value
    )
    notify(db, settings, _everyone(db, contact) - {access.person_id}, _event("contact_changed", contact))
    return contact, double_bookings(db, [contact], set(data.participant_ids), team, access)


def _contact_conflict(contact: Contact) -> Conflict:
    return Conflict(
        gettext("Someone else changed this contact after you opened the form."),
        current={"starts_at": contact.starts_at.isoformat(), "version": contact.version},
    )


def _apply_change(
    db: Session,
    access: ChildAccess,
    contact: Contact,
    data: ContactChange,
    starts: dt.datetime,
    minutes: int,
    moved: bool,
) -> None:
    contact.starts_at, contact.duration_minutes, contact.mode = starts, minutes, data.mode
    contact.place_kind = data.place_kind
    contact.place_id = data.place_id if data.place_kind == PlaceKind.NEUTRAL else None
    contact.note, contact.updated_at = data.note, clock.now()
    db.add(contact)
    _set_participants(db, contact, set(data.participant_ids), access.person_id)
    if moved:  # a new time needs new answers
        for participant in db.exec(
            select(ContactParticipant).where(ContactParticipant.contact_id == contact.id)
        ):
            if participant.person_id != access.person_id:
                participant.response, participant.responded_at = Response.PENDING.value, None
                db.add(participant)
        contact.status = ContactStatus.PROPOSED.value


def set_status(
    db: Session, access: ChildAccess, settings: Settings, contact_id: uuid.UUID, data: StatusChange
) -> Contact:
    contact = get_contact(db, access, contact_id)
    if not may_organise(db, access, contact):
        raise NotFound()
    wanted = data.status
    if wanted not in {s.value for s in ContactStatus} or wanted == ContactStatus.PROPOSED:
        raise Invalid({"status": gettext("Choose one of the options.")})
    if contact.status not in OPEN and wanted != contact.status:
        raise Invalid({"status": gettext("This contact is already closed.")})
    if wanted in (ContactStatus.CANCELLED, ContactStatus.DID_NOT_HAPPEN) and not data.reason.strip():
        raise Invalid({"reason": gettext("Say why, so that the team knows.")})
    started = actions.may_mark_done(access, contact, taking_part(db, contact))
    if wanted == ContactStatus.DONE and contact.status in OPEN and not started:
        raise Invalid({"status": gettext("A contact can be marked as done once it has started.")})
    if contact.version != data.version:
        raise _contact_conflict(contact)
    before = audit.snapshot(contact)
    with checked_version_write(db, contact, _contact_conflict):
        contact.status, contact.status_reason = wanted, data.reason.strip()
        contact.status_by_id, contact.status_at = access.person_id, clock.now()
        if wanted == ContactStatus.DONE and may_confirm_done(access):
            contact.done_confirmed_by_id, contact.done_confirmed_at = access.person_id, contact.status_at
        if contact.kind == ContactKind.FAMILY_TIME and data.carer_present is not None:
            contact.carer_present = data.carer_present
        db.add(contact)
    audit.record_change(
        db, access.actor, contact, before, child_id=access.child_id, category=Category.CONTACT_RECORDS.value
    )
    if wanted == ContactStatus.CANCELLED:
        notify(
            db, settings, _everyone(db, contact) - {access.person_id}, _event("contact_cancelled", contact)
        )
    return contact


def confirm_done(db: Session, access: ChildAccess, contact_id: uuid.UUID, version: int) -> Contact:
    """Staff confirm that a contact a birth parent or carer marked as done happened: from now on it
    counts for what is due after the placement."""
    contact = get_contact(db, access, contact_id)
    if not may_confirm_done(access):
        raise NotFound()
    if contact.status != ContactStatus.DONE:
        raise Invalid({"status": gettext("Only a contact marked as done can be confirmed.")})
    if contact.done_confirmed_at is not None:
        return contact  # confirmed already (a second tap, or a colleague): nothing changes
    if contact.version != version:
        raise Conflict(gettext("Someone else changed this contact after you opened the form."))
    before = audit.snapshot(contact)
    contact.done_confirmed_by_id, contact.done_confirmed_at = access.person_id, clock.now()
    db.add(contact)
    db.flush()
    audit.record_change(
        db, access.actor, contact, before, child_id=access.child_id, category=Category.CONTACT_RECORDS.value
    )
    return contact


def respond(
    db: Session, access: ChildAccess, settings: Settings, contact_id: uuid.UUID, answer: str
) -> Contact:
    """A participant says, in one tap, whether they come."""
    contact = get_contact(db, access, contact_id)
    participant = db.exec(
        select(ContactParticipant).where(
            ContactParticipant.contact_id == contact.id, ContactParticipant.person_id == access.person_id
        )
    ).first()
    if participant is None:
        raise NotFound()
    if answer not in (Response.ACCEPTED, Response.DECLINED):
        raise Invalid({"response": gettext("Choose one of the options.")})
    if contact.status not in OPEN:
        raise Invalid({"response": gettext("This contact is already closed.")})
    participant.response, participant.responded_at = answer, clock.now()
    db.add(participant)
    db.flush()
    mark_answered(db, access.person_id, _event("contact_proposed", contact).link)
    # People without a sign-in cannot answer here; the caseworker confirms with them by phone.
    answering = list(
        db.exec(
            select(ContactParticipant)
            .join(Account, col(Account.person_id) == ContactParticipant.person_id)
            .where(ContactParticipant.contact_id == contact.id, col(Account.disabled_at).is_(None))
        )
    )
    if all(p.response == Response.ACCEPTED for p in answering):
        contact.status = ContactStatus.CONFIRMED.value
    elif answer == Response.DECLINED:
        contact.status = ContactStatus.PROPOSED.value
        organisers = {contact.created_by_id} | ({contact.facilitator_id} if contact.facilitator_id else set())
        notify(db, settings, organisers - {access.person_id}, _event("contact_declined", contact))
    db.add(contact)
    audit.record(
        db,
        access.actor,
        answer,
        "contact",
        contact.id,
        child_id=access.child_id,
        category=Category.CONTACT_RECORDS.value,
    )
    return contact
