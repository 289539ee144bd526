"""What goes out about a child, and what comes in. Fields the reader may not see are left unset,
so the pages and the JSON API (which drops unset fields) show exactly what the policy allows."""

from __future__ import annotations

import datetime as dt
import uuid

from pydantic import BaseModel, ConfigDict, Field


class Named(BaseModel):
    id: uuid.UUID
    name: str


class PlacementOut(BaseModel):
    id: uuid.UUID
    kind: str
    start_date: dt.date
    end_date: dt.date | None = None
    end_reason: str | None = None
    is_current: bool
    days: int | None = None
    version: int
    # Whereabouts: only for readers the policy allows.
    place_name: str | None = None
    place_address: str | None = None
    # The foster family's phone (foster family contact details) or the facility's (whereabouts).
    place_phone: str | None = None


class MemberOut(BaseModel):
    membership_id: uuid.UUID
    version: int
    role: str
    start_date: dt.date
    end_date: dt.date | None = None
    # Unset when a hard rule hides who the person is (a carer, to someone under a protection order).
    person_id: uuid.UUID | None = None
    name: str | None = None
    email: str | None = None
    phone: str | None = None
    address: str | None = None


class ChildSummary(BaseModel):
    id: uuid.UUID
    name: str
    kana: str
    date_of_birth: dt.date
    age_years: int
    sex: str
    placement_kind: str | None = None
    placement_start: dt.date | None = None
    days_in_placement: int | None = None
    my_roles: list[str] = []


class ChildDetail(ChildSummary):
    version: int
    responsible_centre: Named
    lead_caseworker: Named | None = None
    school_name: str | None = None
    current_placement: PlacementOut | None = None
    visible_categories: list[str] = []
    under_protection_order: bool = False


class ChildUpdate(BaseModel):
    """A change to a child's basic profile. version is the one the change was based on."""

    model_config = ConfigDict(str_strip_whitespace=True)

    version: int
    family_name: str | None = Field(default=None, min_length=1, max_length=100)
    given_name: str | None = Field(default=None, min_length=1, max_length=100)
    family_name_kana: str | None = Field(default=None, max_length=100)
    given_name_kana: str | None = Field(default=None, max_length=100)
    date_of_birth: dt.date | None = None
    sex: str | None = None
    school_name: str | None = Field(default=None, max_length=200)


class PlacementCreate(BaseModel):
    model_config = ConfigDict(str_strip_whitespace=True)

    kind: str
    start_date: dt.date
    household_id: uuid.UUID | None = None
    facility_id: uuid.UUID | None = None
    agency_id: uuid.UUID | None = None


class PlacementEnd(BaseModel):
    version: int
    end_date: dt.date
    end_reason: str
