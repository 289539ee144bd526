"""Information items: what the team knows about a child, each filed under one category of the
sharing policy, each with an audience its author may narrow (never widen)."""

from __future__ import annotations

import uuid
from enum import StrEnum

from sqlalchemy import JSON, Column
from sqlmodel import Field

from app.i18n import N_
from app.modeling import Archivable, Timestamped, Versioned, fk, id_field


class Audience(StrEnum):
    TEAM = "team"
    PROFESSIONALS = "professionals"
    NAMED = "named"


AUDIENCE_LABELS = {
    Audience.TEAM: N_("Everyone the sharing policy allows"),
    Audience.PROFESSIONALS: N_("Professionals only"),
    Audience.NAMED: N_("Only the people I name"),
}


class CaseItem(Versioned, Archivable, Timestamped, table=True):
    """A piece of information about a child, filed under one category of the sharing policy."""

    __tablename__ = "case_item"

    id: uuid.UUID = id_field()
    child_id: uuid.UUID = fk("child.id")
    category: str = Field(max_length=32, index=True)
    title: str = Field(max_length=200)
    body: str = Field(default="", max_length=20000)
    audience: str = Field(default=Audience.TEAM.value, max_length=16)
    audience_person_ids: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    author_id: uuid.UUID = fk("person.id", index=False)
