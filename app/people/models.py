"""People (one row per human, with or without a sign-in) and foster households."""

from __future__ import annotations

import uuid

from sqlmodel import Field

from app.modeling import Archivable, Timestamped, Versioned, fk, id_field


class Person(Versioned, Archivable, Timestamped, table=True):
    id: uuid.UUID = id_field()
    family_name: str = Field(max_length=100, index=True)
    given_name: str = Field(default="", max_length=100)
    family_name_kana: str = Field(default="", max_length=100)
    given_name_kana: str = Field(default="", max_length=100)
    # Contact details: who may read them is decided by the sharing policy, per role.
    email: str = Field(default="", max_length=254)
    phone: str = Field(default="", max_length=40)
    postal_code: str = Field(default="", max_length=10)
    address: str = Field(default="", max_length=300)

    @property
    def display_name(self) -> str:
        return f"{self.family_name} {self.given_name}".strip()


class Household(Versioned, Archivable, Timestamped, table=True):
    """A foster or kinship family: the home a child is placed in, with its address and phone."""

    id: uuid.UUID = id_field()
    name: str = Field(max_length=200)
    agency_id: uuid.UUID | None = fk("organisation.id", nullable=True)
    postal_code: str = Field(default="", max_length=10)
    address: str = Field(default="", max_length=300)
    phone: str = Field(default="", max_length=40)


class HouseholdMember(Timestamped, table=True):
    __tablename__ = "household_member"

    id: uuid.UUID = id_field()
    household_id: uuid.UUID = fk("household.id")
    person_id: uuid.UUID = fk("person.id")
