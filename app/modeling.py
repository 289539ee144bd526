"""What every table shares: constraint names, UTC timestamps, ids, versions and archiving.

Imported before any model so that the naming convention applies to every constraint, which
keeps Alembic's autogenerate and downgrades predictable on both SQLite and PostgreSQL.
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from sqlalchemy import DateTime, TypeDecorator
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import declared_attr
from sqlmodel import Field, SQLModel

from app import clock

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}
SQLModel.metadata.naming_convention = NAMING_CONVENTION


class UTCDateTime(TypeDecorator[dt.datetime]):
    """Stores aware datetimes in UTC; SQLite hands back naive values, which are UTC by construction."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: dt.datetime | None, dialect: Dialect) -> dt.datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column; use an aware datetime")
        return value.astimezone(dt.UTC)

    def process_result_value(self, value: dt.datetime | None, dialect: Dialect) -> dt.datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=dt.UTC)
        return value.astimezone(dt.UTC)


def utc_field(*, nullable: bool = True, default_now: bool = False, index: bool = False) -> Any:
    """A timestamp column in UTC."""
    kwargs: dict[str, Any] = {"sa_type": UTCDateTime, "nullable": nullable, "index": index}
    if default_now:
        kwargs["default_factory"] = clock.now
    elif nullable:
        kwargs["default"] = None
    return Field(**kwargs)


def id_field() -> Any:
    # Random ids: a URL reveals nothing about how many children a centre has.
    return Field(default_factory=uuid.uuid4, primary_key=True)


def fk(target: str, *, nullable: bool = False, index: bool = True) -> Any:
    return Field(default=None, foreign_key=target, nullable=nullable, index=index)


class Versioned(SQLModel):
    """Optimistic locking: a write based on an old version raises StaleDataError (shown as 409)."""

    version: int = Field(default=1, nullable=False)

    @declared_attr.directive
    def __mapper_args__(cls) -> dict[str, Any]:
        return {"version_id_col": cls.__table__.c.version}  # type: ignore[attr-defined]


class Archivable(SQLModel):
    """Case records are never deleted: they are archived with a reason, and the audit log keeps history."""

    archived_at: dt.datetime | None = utc_field()
    archive_reason: str | None = Field(default=None, max_length=500)


class Timestamped(SQLModel):
    created_at: dt.datetime = utc_field(nullable=False, default_now=True)
    updated_at: dt.datetime = utc_field(nullable=False, default_now=True)
