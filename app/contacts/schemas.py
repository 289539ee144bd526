"""What goes in and out about contacts. Time, place and phone numbers are unset where the policy
withholds them from the reader (a hard rule for people under a protection order)."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field

# The dates a contact may have. Without bounds a year-1 date overflowed when converted to UTC and a
# series "until 9999" ran past the last date Python knows: both answered 500.
EARLIEST_DATE = dt.date(2000, 1, 1)
LATEST_DATE = dt.date(2100, 12, 31)
ContactDate = Annotated[dt.date, Field(ge=EARLIEST_DATE, le=LATEST_DATE)]


class ContactIn(BaseModel):
    """A contact to schedule (or, with record_as_done, one that already happened)."""

    model_config = ConfigDict(str_strip_whitespace=True)

    kind: str
    mode: str = "in_person"
    place_kind: str = "neutral"
    place_id: uuid.UUID | None = None
    date: ContactDate
    start_time: dt.time
    end_time: dt.time
    participant_ids: list[uuid.UUID] = []
    facilitator_id: uuid.UUID | None = None
    carer_present: bool | None = None
    call_arrangement: str | None = None
    note: str = Field(default="", max_length=2000)
    record_as_done: bool = False
    recurrence: str = ""  # "", weekly, fortnightly, monthly, custom
    until_date: ContactDate | None = None
    custom_dates: list[ContactDate] = []
    idempotency_key: str | None = Field(default=None, max_length=64)


class ContactChange(BaseModel):
    """A change of time, place or participants; version is the one the change was based on."""

    model_config = ConfigDict(str_strip_whitespace=True)

    version: int
    date: ContactDate
    start_time: dt.time
    end_time: dt.time
    mode: str
    place_kind: str
    place_id: uuid.UUID | None = None
    participant_ids: list[uuid.UUID] = []
    note: str = Field(default="", max_length=2000)


class DoneConfirmation(BaseModel):
    version: int


class StatusChange(BaseModel):
    version: int
    status: str
    reason: str = Field(default="", max_length=500)
    carer_present: bool | None = None


class PlaceOut(BaseModel):
    kind: str
    name: str | None = None
    address: str | None = None


class ParticipantOut(BaseModel):
    role: str
    response: str
    person_id: uuid.UUID | None = None
    name: str | None = None
    phone: str | None = None


class OutcomeOut(BaseModel):
    how_it_went: str
    child_reaction: str
    routines: str
    food: str
    sleep: str
    comfort_objects: str
    next_steps: str
    audience: str
    author: str
    version: int
    added_to_care_info: bool


class ContactOut(BaseModel):
    id: uuid.UUID
    child_id: uuid.UUID
    kind: str
    mode: str
    status: str
    version: int
    duration_minutes: int
    status_reason: str | None = None
    # Unset for someone under a protection order who is not taking part.
    starts_at: dt.datetime | None = None
    ends_at: dt.datetime | None = None
    place: PlaceOut | None = None
    participants: list[ParticipantOut] = []
    facilitator: str | None = None
    carer_present: bool | None = None
    call_arrangement: str | None = None
    note: str | None = None
    series_id: uuid.UUID | None = None
    my_response: str | None = None
    outcome: OutcomeOut | None = None
    # Done contacts: whether staff recorded or confirmed that it happened (only then does it count
    # for what is due after the placement).
    done_confirmed: bool | None = None


class DueItemOut(BaseModel):
    child_id: uuid.UUID
    child_name: str
    kind: str
    placement_id: uuid.UUID
    placement_kind: str
    placement_start: dt.date
    placement_end: dt.date | None = None
    deadline: dt.date
    # satisfied, awaiting_confirmation (marked done, not yet by staff), scheduled, booked_late (the
    # contact comes after the deadline), due, overdue, no_longer_applies (the placement ended by then),
    # closed (by the caseworker, with a reason)
    state: str
    contact_id: uuid.UUID | None = None
    closed_reason: str | None = None
    closed_by: str | None = None
    closed_at: dt.datetime | None = None


class DueItemClose(BaseModel):
    """Close a due item that will not be done: the reason is required (the team reads it)."""

    model_config = ConfigDict(str_strip_whitespace=True)

    placement_id: uuid.UUID
    kind: str
    reason: str = Field(max_length=500)


class ScheduleResult(BaseModel):
    contacts: list[ContactOut]
    warnings: list[str] = []
    duplicate: bool = False
