"""Writing to the audit log. Services call record() for every change and every read of the
categories the policy marks audit_reads; where the request came from is taken from a context
variable the request middleware sets, so services need no Request."""

from __future__ import annotations

import datetime as dt
import enum
import uuid
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any

from sqlmodel import Session, SQLModel

from app.audit.models import AuditEvent
from app.authz.actor import Actor


@dataclass(frozen=True)
class Origin:
    ip: str = ""
    user_agent: str = ""
    request_id: str = ""  # one per request, so the access log can show a page view as one entry


# Origin is a frozen dataclass, so sharing the default instance is safe.
current_origin: ContextVar[Origin] = ContextVar("qpi_origin", default=Origin(ip="", user_agent="cli"))  # noqa: B039


def _jsonable(value: Any) -> Any:
    if isinstance(value, uuid.UUID | dt.date | dt.datetime):
        return str(value)
    if isinstance(value, enum.Enum):
        return value.value
    return value


def snapshot(record: SQLModel, fields: list[str] | None = None) -> dict[str, Any]:
    names = fields or list(type(record).model_fields)
    return {name: _jsonable(getattr(record, name)) for name in names}


def diff(before: dict[str, Any], after: dict[str, Any]) -> dict[str, list[Any]]:
    """{field: [old, new]} for the fields that changed; version and timestamps are noise here."""
    ignored = {"version", "updated_at"}
    return {
        k: [before.get(k), after.get(k)] for k in after if k not in ignored and before.get(k) != after.get(k)
    }


def record(
    db: Session,
    actor: Actor | None,
    action: str,
    entity: str,
    entity_id: object = "",
    *,
    child_id: uuid.UUID | None = None,
    category: str | None = None,
    summary: str = "",
    changes: dict[str, Any] | None = None,
    person_id: uuid.UUID | None = None,
) -> None:
    """person_id names who acted when there is no Actor yet (a sign-in, a failed sign-in)."""
    origin = current_origin.get()
    db.add(
        AuditEvent(
            actor_person_id=actor.person_id if actor else person_id,
            action=action,
            entity=entity,
            entity_id=str(entity_id),
            child_id=child_id,
            category=category,
            summary=summary[:300],
            changes=changes or {},
            ip=origin.ip[:64],
            user_agent=origin.user_agent[:300],
            via=actor.via if actor else "system",
            request_id=origin.request_id or None,
        )
    )


def record_change(
    db: Session,
    actor: Actor | None,
    record_obj: SQLModel,
    before: dict[str, Any] | None,
    *,
    action: str | None = None,
    child_id: uuid.UUID | None = None,
    category: str | None = None,
) -> None:
    """Audit a create (before=None) or an update of a record, with the fields that changed."""
    after = snapshot(record_obj)
    changes = {k: [None, v] for k, v in after.items()} if before is None else diff(before, after)
    record(
        db,
        actor,
        action or ("create" if before is None else "update"),
        str(getattr(type(record_obj), "__tablename__", type(record_obj).__name__.lower())),
        getattr(record_obj, "id", ""),
        child_id=child_id,
        category=category,
        changes=changes,
    )
