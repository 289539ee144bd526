"""What the intake form and the API take in, and what a possible duplicate says about itself."""

from __future__ import annotations

import datetime as dt
import uuid

from pydantic import BaseModel, Field

from app.children.models import PlacementKind, Sex


class IntakeIn(BaseModel):
    family_name: str = Field(min_length=1, max_length=100)
    given_name: str = Field(min_length=1, max_length=100)
    family_name_kana: str = Field(default="", max_length=100)
    given_name_kana: str = Field(default="", max_length=100)
    date_of_birth: dt.date
    date_of_birth_estimated: bool = False
    sex: Sex
    case_number: str | None = Field(default=None, max_length=40)
    # The responsible centre: one of the registrant's own (may be left out when they have one).
    centre_id: uuid.UUID | None = None
    # Defaults to the registrant when they are a caseworker.
    lead_caseworker_id: uuid.UUID | None = None
    # The first step: temporary protection, a placement of any kind, or at home with support.
    kind: PlacementKind
    start_date: dt.date
    household_id: uuid.UUID | None = None
    facility_id: uuid.UUID | None = None
    agency_id: uuid.UUID | None = None
    # Sent after the person has seen the possible duplicates and says this is another child.
    confirm_not_duplicate: bool = False


class PossibleDuplicate(BaseModel):
    """A child of the same centre who may be this one. Matched on what the registrant typed;
    the child's id and name only when the registrant may already reach that child."""

    matched_on: list[str]
    child_id: uuid.UUID | None = None
    name: str | None = None
