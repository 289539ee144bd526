"""The audit log: append-only (triggers refuse UPDATE, DELETE and TRUNCATE; see migrations)."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from sqlalchemy import JSON, BigInteger, Column, Integer
from sqlmodel import Field, SQLModel

from app.modeling import utc_field

# BIGINT on PostgreSQL; SQLite only autoincrements an INTEGER PRIMARY KEY.
AUDIT_ID_TYPE = BigInteger().with_variant(Integer(), "sqlite")


class AuditEvent(SQLModel, table=True):
    __tablename__ = "audit_event"

    id: int | None = Field(
        default=None, sa_column=Column(AUDIT_ID_TYPE, primary_key=True, autoincrement=True)
    )
    at: dt.datetime = utc_field(nullable=False, default_now=True, index=True)
    actor_person_id: uuid.UUID | None = Field(default=None, index=True)
    action: str = Field(max_length=32)
    entity: str = Field(max_length=40)
    entity_id: str = Field(default="", max_length=64)
    child_id: uuid.UUID | None = Field(default=None, index=True)
    category: str | None = Field(default=None, max_length=32)
    summary: str = Field(default="", max_length=300)
    changes: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    ip: str = Field(default="", max_length=64)
    user_agent: str = Field(default="", max_length=300)
    via: str = Field(default="", max_length=16)
    # The events one request wrote share this id: the access log shows them as one entry.
    request_id: str | None = Field(default=None, max_length=32, index=True)
