"""What the sharing policy reads from the database: protection orders, consents and overrides."""

from __future__ import annotations

import datetime as dt
import uuid
from enum import StrEnum

from sqlalchemy import UniqueConstraint
from sqlmodel import Field

from app.i18n import N_
from app.modeling import Archivable, Timestamped, fk, id_field, utc_field


class ProtectionOrder(Archivable, Timestamped, table=True):
    """A person may not approach the child (e.g. 接近禁止命令, 面会・通信制限). A hard rule of the policy."""

    __tablename__ = "protection_order"

    id: uuid.UUID = id_field()
    child_id: uuid.UUID = fk("child.id")
    person_id: uuid.UUID = fk("person.id")
    start_date: dt.date
    end_date: dt.date | None = None
    note: str = Field(default="", max_length=1000)
    recorded_by_id: uuid.UUID | None = fk("person.id", nullable=True, index=False)

    def is_active(self, on: dt.date) -> bool:
        return (
            self.archived_at is None
            and self.start_date <= on
            and (self.end_date is None or self.end_date > on)
        )


class ConsentKind(StrEnum):
    # The foster household's address and phone, for one member of the child's birth family.
    SHARE_FOSTER_CONTACT = "share_foster_contact"
    # One family member's own address, phone and e-mail, for one other person on the team.
    SHARE_FAMILY_CONTACT = "share_family_contact"


CONSENT_KIND_LABELS = {
    ConsentKind.SHARE_FOSTER_CONTACT: N_("Share our address and phone with the child's birth family"),
    ConsentKind.SHARE_FAMILY_CONTACT: N_("Share my address, phone and e-mail"),
}


class Consent(Timestamped, table=True):
    """A recorded consent to show contact details to one person (the recipient), for one child.

    Consent is always per recipient: agreeing to show one's address to the child's grandmother says
    nothing about the other parent. A foster household's consent (household_id) also needs the
    caseworker's agreement (agreed_by_id) before it counts; a family member's consent is about their
    own details (subject_person_id) and needs no one else. Withdrawn consents are kept, for the record.
    """

    id: uuid.UUID = id_field()
    child_id: uuid.UUID = fk("child.id")
    household_id: uuid.UUID | None = fk("household.id", nullable=True)
    subject_person_id: uuid.UUID | None = fk("person.id", nullable=True)
    # Rows from before consent was per recipient have none; a migration withdrew them all.
    recipient_person_id: uuid.UUID | None = fk("person.id", nullable=True)
    kind: str = Field(max_length=32)
    given_by_id: uuid.UUID = fk("person.id", index=False)
    given_at: dt.datetime = utc_field(nullable=False, default_now=True)
    agreed_by_id: uuid.UUID | None = fk("person.id", nullable=True, index=False)
    agreed_at: dt.datetime | None = utc_field()
    withdrawn_at: dt.datetime | None = utc_field()
    withdrawn_by_id: uuid.UUID | None = fk("person.id", nullable=True, index=False)


class PolicyOverride(Timestamped, table=True):
    """An administrator's change of one cell of the sharing matrix for this deployment."""

    __tablename__ = "policy_override"
    __table_args__ = (UniqueConstraint("role", "category"),)

    id: uuid.UUID = id_field()
    role: str = Field(max_length=32)
    category: str = Field(max_length=32)
    level: str = Field(max_length=16)
    reason: str = Field(max_length=500)
    changed_by_id: uuid.UUID = fk("person.id", index=False)
