"""The child's access log as people read it: one entry per request (a page view, a save, an
export), in the reader's language, with filters and pages.

The audit log keeps one event per category read or record changed (it is append-only, so the
events of one request cannot be merged when written); every event of one request carries the
same request id, and this module groups them when the log is read. Events written outside a
request (commands, the worker) and those written before request ids existed stand alone.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import ColumnElement, String, cast, func
from sqlmodel import Session, col, select

from app.audit import service as audit
from app.audit.models import AuditEvent
from app.authz.access import ChildAccess
from app.authz.policy import Category
from app.clock import TOKYO
from app.errors import NotFound
from app.exports.cells import csv_text
from app.i18n import N_, format_datetime, gettext
from app.people.models import Person
from app.sharing.service import may_read_access_log

PER_PAGE = 50

# What was read, by the summary the reading service wrote (the part of the portal it showed).
READ_LABELS = {
    "child page": N_("the child's page"),
    "child": N_("the child's record"),
    "placements": N_("the placement history"),
    "api intake": N_("the child's record (API)"),
    "api child": N_("the child's record (API)"),
    "api items": N_("the child's information (API)"),
    "items": N_("the child's information"),
    "team contact details": N_("the team's contact details"),
    "contact place": N_("where contacts take place"),
    "calendar feed": N_("the calendar feed"),
    "contact calendar file": N_("a contact's calendar file"),
}
READ_FALLBACK = N_("the child's record")

ACTION_LABELS = {
    "create": N_("Added"),
    "update": N_("Changed"),
    "archive": N_("Archived"),
    "export": N_("Exported"),
    "invite": N_("Invited to the team"),
    "accept": N_("Accepted an invitation"),
    "revoke": N_("Withdrew"),
    "consent": N_("Gave consent"),
    "withdraw_consent": N_("Withdrew consent"),
    "agree_consent": N_("Agreed to the foster family's consent (caseworker)"),
    "accepted": N_("Said they will take part"),
    "declined": N_("Said they cannot take part"),
    "pending": N_("Withdrew their answer"),
}
ACTION_FALLBACK = N_("Other action")

# What was changed: the audit event's entity (a table name, or a part of the portal).
ENTITY_LABELS = {
    "child": N_("the child's details"),
    "placement": N_("a placement"),
    "team_membership": N_("a team member"),
    "team": N_("the team"),
    "invitation": N_("an invitation"),
    "case_item": N_("an information item"),
    "contact": N_("a contact"),
    "contact_series": N_("a series of contacts"),
    "contact_participant": N_("a contact's participant"),
    "contact_outcome": N_("a contact's outcome"),
    "consent": N_("a consent"),
    "protection_order": N_("a protection order"),
    "access_log": N_("the access log"),
    "calendar_feed": N_("a calendar link"),
    "place": N_("a place"),
    "person": N_("a person"),
    "household": N_("a household"),
    "household_member": N_("a household member"),
    "organisation": N_("an organisation"),
    "account": N_("an account"),
    "policy_override": N_("the sharing policy"),
}
ENTITY_FALLBACK = N_("a record")


@dataclass(frozen=True)
class LogFilter:
    person_id: uuid.UUID | None = None
    category: Category | None = None
    since: dt.date | None = None  # Japan dates, both included
    until: dt.date | None = None
    page: int = 1

    def query(self, page: int | None = None) -> dict[str, str]:
        """The filter as the query string of the page (for the paging links and the export)."""
        values = {
            "person_id": str(self.person_id or ""),
            "category": self.category.value if self.category else "",
            "since": self.since.isoformat() if self.since else "",
            "until": self.until.isoformat() if self.until else "",
            "page": str(page) if page and page > 1 else "",
        }
        return {k: v for k, v in values.items() if v}


@dataclass
class LogEntry:
    at: dt.datetime
    who: str
    ip: str
    lines: list[str] = field(default_factory=list)
    categories: list[str] = field(default_factory=list)


@dataclass
class LogPage:
    entries: list[LogEntry]
    page: int
    has_older: bool
    people: list[tuple[str, str]]  # (person id, name) of everyone in this child's log, for the filter


def _group_key() -> ColumnElement[str]:
    # One request, one entry; an event without a request id is an entry of its own.
    return func.coalesce(AuditEvent.request_id, cast(AuditEvent.id, String))


def _japan_midnight(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(), tzinfo=TOKYO).astimezone(dt.UTC)


def _filtered(query: Any, access: ChildAccess, filters: LogFilter) -> Any:
    query = query.where(AuditEvent.child_id == access.child_id)
    if filters.person_id:
        query = query.where(AuditEvent.actor_person_id == filters.person_id)
    if filters.since:
        query = query.where(col(AuditEvent.at) >= _japan_midnight(filters.since))
    if filters.until:
        query = query.where(col(AuditEvent.at) < _japan_midnight(filters.until + dt.timedelta(days=1)))
    if filters.category:
        # Requests that touched the category; their entries still list everything they read.
        touched = select(_group_key()).where(
            AuditEvent.child_id == access.child_id, AuditEvent.category == filters.category.value
        )
        query = query.where(_group_key().in_(touched))
    return query


def read_page(db: Session, access: ChildAccess, filters: LogFilter, per_page: int | None = None) -> LogPage:
    """One page of entries, newest first, in three SQL statements whatever the page holds."""
    if not may_read_access_log(access):
        raise NotFound()
    per_page = per_page or PER_PAGE
    page = max(filters.page, 1)
    keys_query = _filtered(
        select(_group_key().label("k"), func.max(AuditEvent.id).label("last")), access, filters
    )
    keys_query = (
        keys_query.group_by(_group_key())
        .order_by(func.max(AuditEvent.id).desc())
        .limit(per_page + 1)
        .offset((page - 1) * per_page)
    )
    keys = [row[0] for row in db.exec(keys_query).all()]
    has_older = len(keys) > per_page
    keys = keys[:per_page]
    entries = _entries(db, access, keys) if keys else []
    return LogPage(entries, page, has_older, _people(db, access))


def read_all(db: Session, access: ChildAccess, filters: LogFilter) -> list[LogEntry]:
    """Every entry the filter selects (the export), newest first."""
    if not may_read_access_log(access):
        raise NotFound()
    keys_query = _filtered(select(_group_key()), access, filters).group_by(_group_key())
    keys_query = keys_query.order_by(func.max(AuditEvent.id).desc())
    keys = [row[0] if isinstance(row, tuple) else row for row in db.exec(keys_query).all()]
    return _entries(db, access, keys) if keys else []


def _entries(db: Session, access: ChildAccess, keys: list[str]) -> list[LogEntry]:
    """The events of these requests, as entries, in the order of the keys."""
    rows = db.exec(
        select(AuditEvent, Person)
        .join(Person, col(Person.id) == AuditEvent.actor_person_id, isouter=True)
        .where(AuditEvent.child_id == access.child_id, _group_key().in_(keys))
        .order_by(col(AuditEvent.id))
    ).all()
    grouped: dict[str, list[tuple[AuditEvent, Person | None]]] = {}
    for event, person in rows:
        grouped.setdefault(event.request_id or str(event.id), []).append((event, person))
    return [_entry(access, grouped[key]) for key in keys if key in grouped]


def _entry(access: ChildAccess, events: list[tuple[AuditEvent, Person | None]]) -> LogEntry:
    first, person = events[0]
    entry = LogEntry(at=first.at, who=person.display_name if person else "", ip=first.ip)
    read = _unique(
        gettext(READ_LABELS.get(e.summary, READ_FALLBACK)) for e, _ in events if e.action == "read"
    )
    if read:
        entry.lines.append(gettext("Viewed %(what)s", what=gettext(", ").join(read)))
    entry.lines.extend(
        _unique(
            gettext(
                "%(action)s: %(what)s",
                action=gettext(ACTION_LABELS.get(e.action, ACTION_FALLBACK)),
                what=gettext(ENTITY_LABELS.get(e.entity, ENTITY_FALLBACK)),
            )
            for e, _ in events
            if e.action != "read"
        )
    )
    categories = {Category(e.category) for e, _ in events if e.category}
    entry.categories = [str(access.policy.categories[c].label) for c in Category if c in categories]
    return entry


def _unique(values: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(values))


def _people(db: Session, access: ChildAccess) -> list[tuple[str, str]]:
    people = db.exec(
        select(Person)
        .where(
            col(Person.id).in_(
                select(AuditEvent.actor_person_id).where(AuditEvent.child_id == access.child_id).distinct()
            )
        )
        .order_by(col(Person.family_name), col(Person.given_name))
    ).all()
    return [(str(p.id), p.display_name) for p in people]


def export_csv(db: Session, access: ChildAccess, filters: LogFilter) -> str:
    """The entries the filter selects, as CSV (UTF-8 with a BOM, so that Excel in Japan opens it
    right); the export itself goes in the log."""
    entries = read_all(db, access, filters)
    audit.record(
        db,
        access.actor,
        "export",
        "access_log",
        access.child_id,
        child_id=access.child_id,
        summary=f"{len(entries)} rows",
    )
    header = [
        gettext("When (Japan time)"),
        gettext("Who"),
        gettext("What they did"),
        gettext("Information"),
        gettext("IP address"),
    ]
    rows = [
        [
            format_datetime(entry.at),
            entry.who or gettext("The system"),
            " / ".join(entry.lines),
            gettext(", ").join(entry.categories),
            entry.ip,
        ]
        for entry in entries
    ]
    # Through the portal's one CSV writer: a name or text beginning with = + - @ is written as text.
    return csv_text(header, rows)
