"""Who is on a child's team, in which role, from when until when."""

from __future__ import annotations

import datetime as dt
import uuid

from sqlmodel import Field

from app.modeling import Timestamped, Versioned, fk, id_field


class TeamMembership(Versioned, Timestamped, table=True):
    """A person's place on a child's team. Never deleted: ending it sets end_date.

    end_date is exclusive: from that day on (Japan time) the person is a former member
    and loses access to the child.
    """

    __tablename__ = "team_membership"

    id: uuid.UUID = id_field()
    child_id: uuid.UUID = fk("child.id")
    person_id: uuid.UUID = fk("person.id")
    role: str = Field(max_length=32)
    start_date: dt.date
    end_date: dt.date | None = None
    added_by_id: uuid.UUID | None = fk("person.id", nullable=True, index=False)

    def is_active(self, on: dt.date) -> bool:
        return self.start_date <= on and (self.end_date is None or self.end_date > on)
