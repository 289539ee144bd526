"""Sign-ins: accounts, server-side sessions and personal API tokens."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from sqlalchemy import JSON, Column, UniqueConstraint
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
    # Second factor (TOTP, RFC 6238). The last accepted time step stops a code being used twice.
    totp_secret: str | None = Field(default=None, max_length=64)
    totp_enabled_at: dt.datetime | None = utc_field()
    totp_last_step: int | None = None

    @property
    def has_totp(self) -> bool:
        return self.totp_enabled_at is not None and self.totp_secret is not None


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


class IdentityLink(Timestamped, table=True):
    """A person's identity at an organisation's OpenID Connect provider (matched on the subject)."""

    __tablename__ = "identity_link"
    __table_args__ = (UniqueConstraint("provider", "subject"),)

    id: uuid.UUID = id_field()
    person_id: uuid.UUID = fk("person.id")
    provider: str = Field(max_length=32)
    subject: str = Field(max_length=255)
    email: str = Field(default="", max_length=254)
    linked_by: str = Field(max_length=16)  # "admin" or "verified_email"
    last_used_at: dt.datetime | None = utc_field()


class Invitation(Timestamped, table=True):
    """An invitation onto a child's team. The link carries a random token; only its hash is kept."""

    id: uuid.UUID = id_field()
    token_hash: str = Field(max_length=64, unique=True)
    child_id: uuid.UUID = fk("child.id")
    role: str = Field(max_length=32)
    email: str = Field(max_length=254)
    family_name: str = Field(max_length=100)
    given_name: str = Field(default="", max_length=100)
    locale: str = Field(default="ja", max_length=5)
    invited_by_id: uuid.UUID = fk("person.id", index=False)
    expires_at: dt.datetime = utc_field(nullable=False)
    accepted_at: dt.datetime | None = utc_field()
    accepted_person_id: uuid.UUID | None = fk("person.id", nullable=True, index=False)
    revoked_at: dt.datetime | None = utc_field()


class PasswordReset(Timestamped, table=True):
    __tablename__ = "password_reset"

    id: uuid.UUID = id_field()
    token_hash: str = Field(max_length=64, unique=True)
    account_id: uuid.UUID = fk("account.id")
    expires_at: dt.datetime = utc_field(nullable=False)
    used_at: dt.datetime | None = utc_field()


class SignInAttempt(SQLModel, table=True):
    """A failed sign-in or second-factor attempt, counted for throttling per account and per address."""

    __tablename__ = "sign_in_attempt"

    id: uuid.UUID = id_field()
    at: dt.datetime = utc_field(nullable=False, default_now=True, index=True)
    account_key: str = Field(max_length=254, index=True)
    ip: str = Field(default="", max_length=64, index=True)
    kind: str = Field(default="password", max_length=16)
