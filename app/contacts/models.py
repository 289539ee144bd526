"""Co-parenting contacts: comfort calls, icebreaker meetings, family time, support meetings and the
caseworker's interviews, with their participants, places, recurrences and outcomes."""

from __future__ import annotations

import datetime as dt
import uuid
from enum import StrEnum

from sqlalchemy import JSON, Column, UniqueConstraint
from sqlmodel import Field, SQLModel

from app.i18n import N_
from app.modeling import Archivable, Timestamped, Versioned, fk, id_field, utc_field


class ContactKind(StrEnum):
    COMFORT_CALL = "comfort_call"
    ICEBREAKER = "icebreaker"
    FAMILY_TIME = "family_time"
    SUPPORT_MEETING = "support_meeting"
    INTERVIEW_CHILD = "interview_child"
    INTERVIEW_FAMILY = "interview_family"


CONTACT_KIND_LABELS = {
    ContactKind.COMFORT_CALL: N_("Comfort call"),
    ContactKind.ICEBREAKER: N_("Icebreaker meeting"),
    ContactKind.FAMILY_TIME: N_("Family time"),
    ContactKind.SUPPORT_MEETING: N_("Support meeting"),
    ContactKind.INTERVIEW_CHILD: N_("Caseworker interview with the child"),
    ContactKind.INTERVIEW_FAMILY: N_("Caseworker interview with the family"),
}


class ContactMode(StrEnum):
    IN_PERSON = "in_person"
    PHONE = "phone"
    VIDEO = "video"


CONTACT_MODE_LABELS = {
    ContactMode.IN_PERSON: N_("In person"),
    ContactMode.PHONE: N_("By phone"),
    ContactMode.VIDEO: N_("By video call"),
}


class ContactStatus(StrEnum):
    PROPOSED = "proposed"
    CONFIRMED = "confirmed"
    DONE = "done"
    CANCELLED = "cancelled"
    DID_NOT_HAPPEN = "did_not_happen"

    @property
    def is_open(self) -> bool:
        return self in (ContactStatus.PROPOSED, ContactStatus.CONFIRMED)


CONTACT_STATUS_LABELS = {
    ContactStatus.PROPOSED: N_("Proposed"),
    ContactStatus.CONFIRMED: N_("Confirmed"),
    ContactStatus.DONE: N_("Done"),
    ContactStatus.CANCELLED: N_("Cancelled"),
    ContactStatus.DID_NOT_HAPPEN: N_("Did not happen"),
}


class PlaceKind(StrEnum):
    """Where a contact happens. A foster home is whereabouts: shown only as the policy allows."""

    NEUTRAL = "neutral"
    FOSTER_HOME = "foster_home"
    FACILITY = "facility"
    FAMILY_HOME = "family_home"
    REMOTE = "remote"


PLACE_KIND_LABELS = {
    PlaceKind.NEUTRAL: N_("A neutral place"),
    PlaceKind.FOSTER_HOME: N_("The foster home"),
    PlaceKind.FACILITY: N_("The facility where the child lives"),
    PlaceKind.FAMILY_HOME: N_("The birth family's home"),
    PlaceKind.REMOTE: N_("By phone or video"),
}


class CallArrangement(StrEnum):
    """How a comfort call is made without a number being given away by the call itself."""

    CASEWORKER_CONNECTS = "caseworker_connects"
    CARER_CALLS_WITHHELD = "carer_calls_withheld"
    PARENT_CALLS_WITHHELD = "parent_calls_withheld"
    CARER_CALLS = "carer_calls"
    PARENT_CALLS = "parent_calls"


CALL_ARRANGEMENT_LABELS = {
    CallArrangement.CASEWORKER_CONNECTS: N_("The caseworker connects the call (no number is shared)"),
    CallArrangement.CARER_CALLS_WITHHELD: N_("The carer calls the parent with a withheld number"),
    CallArrangement.PARENT_CALLS_WITHHELD: N_("The parent calls the carer with a withheld number"),
    CallArrangement.CARER_CALLS: N_("The carer calls the parent"),
    CallArrangement.PARENT_CALLS: N_("The parent calls the carer"),
}


class Response(StrEnum):
    PENDING = "pending"
    ACCEPTED = "accepted"
    DECLINED = "declined"


RESPONSE_LABELS = {
    Response.PENDING: N_("Not answered yet"),
    Response.ACCEPTED: N_("Will take part"),
    Response.DECLINED: N_("Cannot come"),
}


class Recurrence(StrEnum):
    WEEKLY = "weekly"
    FORTNIGHTLY = "fortnightly"
    MONTHLY = "monthly"
    CUSTOM = "custom"


RECURRENCE_LABELS = {
    Recurrence.WEEKLY: N_("Every week"),
    Recurrence.FORTNIGHTLY: N_("Every two weeks"),
    Recurrence.MONTHLY: N_("Every month"),
    Recurrence.CUSTOM: N_("On the dates I list"),
}


class Place(Versioned, Archivable, Timestamped, table=True):
    """A neutral place a centre uses for contacts (a room at the centre, a community hall...)."""

    id: uuid.UUID = id_field()
    centre_id: uuid.UUID = fk("organisation.id")
    name: str = Field(max_length=200)
    address: str = Field(default="", max_length=300)
    note: str = Field(default="", max_length=500)


class ContactSeries(Timestamped, table=True):
    """Recurring family time: the rule, kept so the occurrences can be told apart and explained."""

    __tablename__ = "contact_series"

    id: uuid.UUID = id_field()
    child_id: uuid.UUID = fk("child.id")
    rule: str = Field(max_length=16)
    first_date: dt.date
    until_date: dt.date
    created_by_id: uuid.UUID = fk("person.id", index=False)


class Contact(Versioned, Archivable, Timestamped, table=True):
    id: uuid.UUID = id_field()
    child_id: uuid.UUID = fk("child.id")
    kind: str = Field(max_length=32, index=True)
    mode: str = Field(max_length=16)
    place_kind: str = Field(max_length=16)
    place_id: uuid.UUID | None = fk("place.id", nullable=True)
    starts_at: dt.datetime = utc_field(nullable=False, index=True)
    duration_minutes: int
    status: str = Field(max_length=16, index=True)
    status_reason: str = Field(default="", max_length=500)
    status_by_id: uuid.UUID | None = fk("person.id", nullable=True, index=False)
    status_at: dt.datetime | None = utc_field()
    # "It happened" counts for what is due after a placement only once staff recorded or confirmed
    # it: a birth parent's or a carer's "done" waits for the caseworker's confirmation.
    done_confirmed_by_id: uuid.UUID | None = fk("person.id", nullable=True, index=False)
    done_confirmed_at: dt.datetime | None = utc_field()
    facilitator_id: uuid.UUID | None = fk("person.id", nullable=True, index=False)
    # Family time: was the foster parent or key worker there (里親同席)?
    carer_present: bool | None = None
    # Comfort call: who calls whom, and how.
    call_arrangement: str | None = Field(default=None, max_length=32)
    note: str = Field(default="", max_length=2000)
    series_id: uuid.UUID | None = fk("contact_series.id", nullable=True)
    created_by_id: uuid.UUID = fk("person.id", index=False)
    # A double tap on a phone sends the same key twice: the second finds the first contact.
    idempotency_key: str | None = Field(default=None, max_length=64, unique=True)

    @property
    def ends_at(self) -> dt.datetime:
        return self.starts_at + dt.timedelta(minutes=self.duration_minutes)


class ContactParticipant(Timestamped, table=True):
    __tablename__ = "contact_participant"
    __table_args__ = (UniqueConstraint("contact_id", "person_id"),)

    id: uuid.UUID = id_field()
    contact_id: uuid.UUID = fk("contact.id")
    person_id: uuid.UUID = fk("person.id")
    response: str = Field(default=Response.PENDING.value, max_length=16)
    responded_at: dt.datetime | None = utc_field()


class ContactOutcome(Versioned, Timestamped, table=True):
    """How a contact went. Its audience follows the policy (contact records), narrowable by its author."""

    __tablename__ = "contact_outcome"

    id: uuid.UUID = id_field()
    contact_id: uuid.UUID = Field(foreign_key="contact.id", unique=True)
    how_it_went: str = Field(default="", max_length=5000)
    child_reaction: str = Field(default="", max_length=5000)
    # What the birth parent shared about the child's routines, food, sleep and comfort objects.
    routines: str = Field(default="", max_length=2000)
    food: str = Field(default="", max_length=2000)
    sleep: str = Field(default="", max_length=2000)
    comfort_objects: str = Field(default="", max_length=2000)
    next_steps: str = Field(default="", max_length=5000)
    category: str = Field(default="contact_records", max_length=32)
    audience: str = Field(default="team", max_length=16)
    audience_person_ids: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    author_id: uuid.UUID = fk("person.id", index=False)
    added_to_care_info_at: dt.datetime | None = utc_field()


class DueItemClosure(Timestamped, table=True):
    """A due item (app/contacts/due.py) the caseworker closed without the contact, and why: an
    overdue item stays listed until the contact happens or someone answers for it here."""

    __tablename__ = "due_item_closure"
    __table_args__ = (UniqueConstraint("placement_id", "kind"),)

    id: uuid.UUID = id_field()
    child_id: uuid.UUID = fk("child.id")
    placement_id: uuid.UUID = fk("placement.id", index=False)
    kind: str = Field(max_length=32)
    reason: str = Field(max_length=500)
    closed_by_id: uuid.UUID = fk("person.id", index=False)
    closed_at: dt.datetime = utc_field(nullable=False)


class CalendarFeed(Timestamped, table=True):
    """A person's private iCalendar feed: the URL carries a random token, stored hashed; revocable."""

    __tablename__ = "calendar_feed"

    id: uuid.UUID = id_field()
    person_id: uuid.UUID = fk("person.id")
    token_hash: str = Field(max_length=64, unique=True)
    revoked_at: dt.datetime | None = utc_field()
    last_used_at: dt.datetime | None = utc_field()


class ReminderSent(SQLModel, table=True):
    """One reminder per contact, person, offset and start time: workers that race insert only once."""

    __tablename__ = "reminder_sent"
    __table_args__ = (UniqueConstraint("contact_id", "person_id", "offset_minutes", "starts_at"),)

    id: uuid.UUID = id_field()
    contact_id: uuid.UUID = fk("contact.id")
    person_id: uuid.UUID = fk("person.id", index=False)
    offset_minutes: int
    starts_at: dt.datetime = utc_field(nullable=False)
    created_at: dt.datetime = utc_field(nullable=False, default_now=True)
