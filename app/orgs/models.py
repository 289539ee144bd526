"""Organisations around a child (DOMAIN.md) and the positions staff hold in them."""

from __future__ import annotations

import datetime as dt
import uuid
from enum import StrEnum

from sqlmodel import Field

from app.i18n import N_
from app.modeling import Archivable, Timestamped, Versioned, fk, id_field


class OrgKind(StrEnum):
    CHILD_GUIDANCE_CENTRE = "child_guidance_centre"
    FOSTERING_AGENCY = "fostering_agency"
    INFANT_HOME = "infant_home"
    CHILDRENS_HOME = "childrens_home"
    FAMILY_HOME = "family_home"
    MUNICIPALITY = "municipality"

    @property
    def is_facility(self) -> bool:
        return self in FACILITY_KINDS


FACILITY_KINDS = frozenset({OrgKind.INFANT_HOME, OrgKind.CHILDRENS_HOME, OrgKind.FAMILY_HOME})

ORG_KIND_LABELS = {
    OrgKind.CHILD_GUIDANCE_CENTRE: N_("Child guidance centre"),
    OrgKind.FOSTERING_AGENCY: N_("Fostering agency"),
    OrgKind.INFANT_HOME: N_("Infant home"),
    OrgKind.CHILDRENS_HOME: N_("Children's home"),
    OrgKind.FAMILY_HOME: N_("Family home"),
    OrgKind.MUNICIPALITY: N_("Municipality"),
}


class Region(StrEnum):
    """Nagano's 10 regions (圏域), used for reports."""

    SAKU = "saku"
    UEDA = "ueda"
    SUWA = "suwa"
    KAMIINA = "kamiina"
    MINAMISHINSHU = "minamishinshu"
    KISO = "kiso"
    MATSUMOTO = "matsumoto"
    KITAALPS = "kitaalps"
    NAGANO = "nagano"
    HOKUSHIN = "hokushin"


REGION_LABELS = {
    Region.SAKU: N_("Saku"),
    Region.UEDA: N_("Ueda"),
    Region.SUWA: N_("Suwa"),
    Region.KAMIINA: N_("Kamiina"),
    Region.MINAMISHINSHU: N_("Minamishinshu"),
    Region.KISO: N_("Kiso"),
    Region.MATSUMOTO: N_("Matsumoto"),
    Region.KITAALPS: N_("Kita-Alps"),
    Region.NAGANO: N_("Nagano"),
    Region.HOKUSHIN: N_("Hokushin"),
}


class Position(StrEnum):
    """What a member of staff does in their organisation (not their role on a child's team)."""

    CASEWORKER = "caseworker"
    PSYCHOLOGIST = "psychologist"
    SUPERVISOR = "supervisor"
    PERMANENCY_OFFICER = "permanency_officer"
    QPI_OFFICER = "qpi_officer"
    AGENCY_COORDINATOR = "agency_coordinator"
    KEY_WORKER = "key_worker"
    MUNICIPAL_WORKER = "municipal_worker"


POSITION_LABELS = {
    Position.CASEWORKER: N_("Caseworker"),
    Position.PSYCHOLOGIST: N_("Psychologist"),
    Position.SUPERVISOR: N_("Supervisor"),
    Position.PERMANENCY_OFFICER: N_("Permanency officer"),
    Position.QPI_OFFICER: N_("QPI officer"),
    Position.AGENCY_COORDINATOR: N_("Agency coordinator"),
    Position.KEY_WORKER: N_("Key worker"),
    Position.MUNICIPAL_WORKER: N_("Municipal worker"),
}


class Organisation(Versioned, Archivable, Timestamped, table=True):
    id: uuid.UUID = id_field()
    name: str = Field(max_length=200, index=True)
    kind: str = Field(max_length=32, index=True)
    region: str = Field(max_length=32, index=True)
    address: str = Field(default="", max_length=300)
    phone: str = Field(default="", max_length=40)


class StaffPosition(Timestamped, table=True):
    """A person works at an organisation in a position, from a date, maybe until a date."""

    __tablename__ = "staff_position"

    id: uuid.UUID = id_field()
    person_id: uuid.UUID = fk("person.id")
    organisation_id: uuid.UUID = fk("organisation.id")
    position: str = Field(max_length=32)
    start_date: dt.date
    end_date: dt.date | None = None
