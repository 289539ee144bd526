"""Sign-ins: accounts, server-side sessions and personal API tokens."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from sqlalchemy import JSON, Column
from sqlmodel import Field, SQLModel

from app.modeling import Timestamped, Versioned, fk, id_field, utc_field


class Account(Versioned, Timestamped, table=True):
    """A person's sign-in. Most people have one; some (a child's relative met once) have none."""

    id: uuid.UUID = id_field()
    person_id: uuid.UUID = Field(foreign_key="person.id", unique=True)
    email: str = Field(max_length=254, unique=True)
    # None for staff who only sign in through their organisation's identity provider.
    password_hash: str | None = Field(default=None, max_length=200)
    is_admin: bool = False
    locale: str = Field(default="ja", max_length=5)
    disabled_at: dt.datetime | None = utc_field()
    last_sign_in_at: dt.datetime | None = utc_field()
    password_changed_at: dt.datetime | None = utc_field()


class WebSession(SQLModel, table=True):
    """A browser session. The cookie carries a random value; only its SHA-256 is stored here."""

    __tablename__ = "web_session"

    id: str = Field(primary_key=True, max_length=64)
    person_id: uuid.UUID | None = fk("person.id", nullable=True)
    data: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    created_at: dt.datetime = utc_field(nullable=False, default_now=True)
    last_seen_at: dt.datetime = utc_field(nullable=False, default_now=True)
    idle_minutes: int
    expires_at: dt.datetime = utc_field(nullable=False)
    ended_at: dt.datetime | None = utc_field()
    ended_reason: str | None = Field(default=None, max_length=32)
    ip: str = Field(default="", max_length=64)
    user_agent: str = Field(default="", max_length=300)


class ApiToken(Timestamped, table=True):
    """A personal token for the JSON API; stored as a SHA-256 hash, shown once, revocable."""

    __tablename__ = "api_token"

    id: uuid.UUID = id_field()
    person_id: uuid.UUID = fk("person.id")
    name: str = Field(max_length=100)
    token_hash: str = Field(max_length=64, unique=True)
    prefix: str = Field(max_length=12)
    last_used_at: dt.datetime | None = utc_field()
    revoked_at: dt.datetime | None = utc_field()
