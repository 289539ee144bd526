"""Children and their placements."""

from __future__ import annotations

import datetime as dt
import uuid
from enum import StrEnum

from sqlalchemy import UniqueConstraint
from sqlmodel import Field

from app.i18n import N_
from app.modeling import Archivable, Timestamped, Versioned, fk, id_field


class Sex(StrEnum):
    FEMALE = "female"
    MALE = "male"
    NOT_STATED = "not_stated"


SEX_LABELS = {Sex.FEMALE: N_("Female"), Sex.MALE: N_("Male"), Sex.NOT_STATED: N_("Not stated")}


class PlacementKind(StrEnum):
    AT_HOME_WITH_SUPPORT = "at_home_with_support"
    TEMPORARY_PROTECTION = "temporary_protection"
    INFANT_HOME = "infant_home"
    CHILDRENS_HOME = "childrens_home"
    FOSTER_FAMILY = "foster_family"
    KINSHIP_FOSTER_FAMILY = "kinship_foster_family"
    FAMILY_HOME = "family_home"

    @property
    def in_a_household(self) -> bool:
        return self in {PlacementKind.FOSTER_FAMILY, PlacementKind.KINSHIP_FOSTER_FAMILY}

    @property
    def in_a_facility(self) -> bool:
        return self in {PlacementKind.INFANT_HOME, PlacementKind.CHILDRENS_HOME, PlacementKind.FAMILY_HOME}


PLACEMENT_KIND_LABELS = {
    PlacementKind.AT_HOME_WITH_SUPPORT: N_("At home with support"),
    PlacementKind.TEMPORARY_PROTECTION: N_("Temporary protection"),
    PlacementKind.INFANT_HOME: N_("Infant home"),
    PlacementKind.CHILDRENS_HOME: N_("Children's home"),
    PlacementKind.FOSTER_FAMILY: N_("Foster family"),
    PlacementKind.KINSHIP_FOSTER_FAMILY: N_("Kinship foster family"),
    PlacementKind.FAMILY_HOME: N_("Family home"),
}


class EndReason(StrEnum):
    RETURN_HOME = "return_home"
    KINSHIP_CARE = "kinship_care"
    SPECIAL_ADOPTION = "special_adoption"
    ORDINARY_ADOPTION = "ordinary_adoption"
    INDEPENDENCE = "independence"
    TRANSFER = "transfer"
    OTHER = "other"

    @property
    def is_permanent_resolution(self) -> bool:
        # The KPI "permanent resolutions": return home, kinship care and adoption (DOMAIN.md).
        return self in {
            EndReason.RETURN_HOME,
            EndReason.KINSHIP_CARE,
            EndReason.SPECIAL_ADOPTION,
            EndReason.ORDINARY_ADOPTION,
        }


END_REASON_LABELS = {
    EndReason.RETURN_HOME: N_("Return home"),
    EndReason.KINSHIP_CARE: N_("Kinship care"),
    EndReason.SPECIAL_ADOPTION: N_("Special adoption"),
    EndReason.ORDINARY_ADOPTION: N_("Ordinary adoption"),
    EndReason.INDEPENDENCE: N_("Independence"),
    EndReason.TRANSFER: N_("Transfer to another placement"),
    EndReason.OTHER: N_("Other"),
}


class Child(Versioned, Archivable, Timestamped, table=True):
    __table_args__ = (
        UniqueConstraint("responsible_centre_id", "case_number", name="uq_child_centre_case_number"),
    )

    id: uuid.UUID = id_field()
    family_name: str = Field(max_length=100, index=True)
    given_name: str = Field(max_length=100)
    family_name_kana: str = Field(default="", max_length=100)
    given_name_kana: str = Field(default="", max_length=100)
    date_of_birth: dt.date
    # An estimate (a foundling, a child arriving without papers) is marked so nobody takes it as known.
    date_of_birth_estimated: bool = False
    sex: str = Field(max_length=16)
    responsible_centre_id: uuid.UUID = fk("organisation.id")
    # The centre's own case number: what its staff search by and what an import is keyed on.
    case_number: str | None = Field(default=None, max_length=40)
    lead_caseworker_id: uuid.UUID | None = fk("person.id", nullable=True)
    # Whereabouts: shown only to those the sharing policy allows.
    school_name: str = Field(default="", max_length=200)

    @property
    def display_name(self) -> str:
        return f"{self.family_name} {self.given_name}"

    @property
    def kana(self) -> str:
        return f"{self.family_name_kana} {self.given_name_kana}".strip()


class Placement(Versioned, Archivable, Timestamped, table=True):
    id: uuid.UUID = id_field()
    child_id: uuid.UUID = fk("child.id")
    kind: str = Field(max_length=32)
    start_date: dt.date = Field(index=True)
    end_date: dt.date | None = Field(default=None, index=True)
    end_reason: str | None = Field(default=None, max_length=32)
    # Where the child lives: a foster household or a facility (whereabouts, by policy).
    household_id: uuid.UUID | None = fk("household.id", nullable=True)
    facility_id: uuid.UUID | None = fk("organisation.id", nullable=True)
    # The fostering agency supporting a family placement.
    agency_id: uuid.UUID | None = fk("organisation.id", nullable=True)

    def is_current(self, on: dt.date) -> bool:
        return self.start_date <= on and (self.end_date is None or self.end_date > on)
