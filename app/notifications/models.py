"""E-mail goes out through a durable outbox; people also find their notifications in the portal."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from sqlalchemy import JSON, Column
from sqlmodel import Field, SQLModel

from app.modeling import fk, id_field, utc_field


class OutboxMessage(SQLModel, table=True):
    """One e-mail to send. Workers claim a row before sending it (claimed_by, claimed_until), so two
    workers never send the same message, and a crash leaves it to be claimed again later."""

    __tablename__ = "outbox_message"

    id: uuid.UUID = id_field()
    kind: str = Field(max_length=32, index=True)
    to_address: str = Field(max_length=254)
    person_id: uuid.UUID | None = fk("person.id", nullable=True)
    subject: str = Field(max_length=300)
    body: str = Field(max_length=20000)
    # The same reminder for the same contact and person is only queued once.
    dedupe_key: str | None = Field(default=None, max_length=200, unique=True)
    created_at: dt.datetime = utc_field(nullable=False, default_now=True)
    send_after: dt.datetime = utc_field(nullable=False, default_now=True, index=True)
    attempts: int = 0
    claimed_by: str | None = Field(default=None, max_length=64)
    claimed_until: dt.datetime | None = utc_field()
    sent_at: dt.datetime | None = utc_field(index=True)
    failed_at: dt.datetime | None = utc_field()
    last_error: str | None = Field(default=None, max_length=1000)


class Notification(SQLModel, table=True):
    """An in-app notification: what changed, for whom, with a link. Text is built when shown, in
    the reader's language, from kind and params."""

    id: uuid.UUID = id_field()
    person_id: uuid.UUID = fk("person.id")
    child_id: uuid.UUID | None = fk("child.id", nullable=True)
    kind: str = Field(max_length=40)
    params: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    link: str = Field(default="", max_length=300)
    created_at: dt.datetime = utc_field(nullable=False, default_now=True, index=True)
    read_at: dt.datetime | None = utc_field()
