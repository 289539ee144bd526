"""What the contact pages show: forms with the right choices for the reader, and lists."""

from __future__ import annotations

import datetime as dt
import secrets
import uuid
from typing import Any

from sqlmodel import Session, col, select

from app import clock
from app.audit import service as audit
from app.authz.access import ChildAccess
from app.authz.due_items import may_close_due_items, may_confirm_done
from app.authz.policy import BIRTH_FAMILY_ROLES, CARER_ROLES, Category, TeamRole
from app.authz.visibility import Viewer, describe_viewer
from app.children.models import Child
from app.contacts import due, service
from app.contacts.models import (
    CALL_ARRANGEMENT_LABELS,
    CONTACT_KIND_LABELS,
    CONTACT_MODE_LABELS,
    PLACE_KIND_LABELS,
    RECURRENCE_LABELS,
    ContactKind,
    ContactMode,
    Place,
    PlaceKind,
)
from app.contacts.schemas import ContactIn, ContactOut
from app.contacts.views import contact_views
from app.i18n import TOKYO, gettext

# Who usually takes part, by kind: the form starts with these ticked.
DEFAULT_ROLES = {
    ContactKind.COMFORT_CALL: CARER_ROLES | BIRTH_FAMILY_ROLES,
    ContactKind.ICEBREAKER: CARER_ROLES
    | BIRTH_FAMILY_ROLES
    | {TeamRole.CASEWORKER, TeamRole.AGENCY_COORDINATOR},
    ContactKind.FAMILY_TIME: CARER_ROLES | {TeamRole.BIRTH_PARENT},
    ContactKind.SUPPORT_MEETING: CARER_ROLES | BIRTH_FAMILY_ROLES | {TeamRole.CASEWORKER},
    ContactKind.INTERVIEW_CHILD: {TeamRole.CASEWORKER},
    ContactKind.INTERVIEW_FAMILY: {TeamRole.CASEWORKER} | BIRTH_FAMILY_ROLES,
}


def team(db: Session, access: ChildAccess) -> dict[uuid.UUID, Viewer]:
    return service._team(db, access)


def place_options(db: Session, access: ChildAccess) -> list[tuple[str, str]]:
    """The places this reader may choose: the centre's neutral places, and the child's home only
    if the policy lets the reader see it."""
    places = db.exec(
        select(Place)
        .where(Place.centre_id == access.responsible_centre_id, col(Place.archived_at).is_(None))
        .order_by(col(Place.name))
    )
    options = [(f"neutral:{p.id}", p.name) for p in places]
    for kind in (PlaceKind.FOSTER_HOME, PlaceKind.FACILITY, PlaceKind.FAMILY_HOME, PlaceKind.REMOTE):
        if service.place_visible(access, kind):
            options.append((kind.value, gettext(PLACE_KIND_LABELS[kind])))
    return options


def form_context(
    db: Session, access: ChildAccess, kind: str, values: dict[str, Any], **extra: Any
) -> dict[str, Any]:
    members = team(db, access)
    people = [(str(pid), describe_viewer(v, access)) for pid, v in members.items()]
    professionals = [
        (str(pid), describe_viewer(v, access)) for pid, v in members.items() if v.access.is_professional
    ]
    return {
        "access": access,
        "may_confirm_done": may_confirm_done(access),
        "kind": kind,
        "kind_label": gettext(CONTACT_KIND_LABELS[ContactKind(kind)]),
        "values": values,
        "errors": {},
        "warnings": [],
        "people": people,
        "professionals": professionals,
        "places": place_options(db, access),
        "modes": [(m.value, gettext(CONTACT_MODE_LABELS[m])) for m in ContactMode],
        "arrangements": [(a.value, gettext(label)) for a, label in CALL_ARRANGEMENT_LABELS.items()],
        "recurrences": [(r.value, gettext(label)) for r, label in RECURRENCE_LABELS.items()],
        **extra,
    }


def new_values(db: Session, access: ChildAccess, kind: ContactKind) -> dict[str, Any]:
    members = team(db, access)
    roles = DEFAULT_ROLES[kind]
    start = clock.now().astimezone(TOKYO) + dt.timedelta(days=1)
    mode = ContactMode.PHONE if kind == ContactKind.COMFORT_CALL else ContactMode.IN_PERSON
    return {
        "date": start.date().isoformat(),
        "start_time": "10:00",
        "end_time": "10:30" if kind == ContactKind.COMFORT_CALL else "11:00",
        "mode": mode.value,
        "place": PlaceKind.REMOTE.value if mode is ContactMode.PHONE else "",
        "participant_ids": [str(p) for p, v in members.items() if set(v.roles) & roles],
        "facilitator_id": str(access.person_id) if access.is_professional else "",
        "call_arrangement": "caseworker_connects" if kind == ContactKind.COMFORT_CALL else "",
        "recurrence": "",
        "until_date": "",
        "custom_dates": "",
        "note": "",
        "record_as_done": "",
        "carer_present": "",
        "idempotency_key": secrets.token_urlsafe(16),
    }


def form_to_input(kind: str, values: dict[str, Any]) -> dict[str, Any]:
    """The submitted form as ContactIn fields (validation, with field errors, is pydantic's)."""
    place = str(values.get("place") or "")
    place_kind, _, place_id = place.partition(":")
    dates = [
        d.strip() for d in str(values.get("custom_dates") or "").replace(",", "\n").splitlines() if d.strip()
    ]
    carer = values.get("carer_present")
    return {
        "kind": kind,
        "mode": values.get("mode") or "",
        "place_kind": place_kind,
        "place_id": place_id or None,
        "date": values.get("date") or None,
        "start_time": values.get("start_time") or None,
        "end_time": values.get("end_time") or None,
        "participant_ids": values.get("participant_ids") or [],
        "facilitator_id": values.get("facilitator_id") or None,
        "carer_present": None if carer in (None, "") else carer == "yes",
        "call_arrangement": values.get("call_arrangement") or None,
        "note": values.get("note") or "",
        "record_as_done": values.get("record_as_done") == "yes",
        "recurrence": values.get("recurrence") or "",
        "until_date": values.get("until_date") or None,
        "custom_dates": dates,
        "idempotency_key": values.get("idempotency_key") or None,
    }


def views(db: Session, access: ChildAccess, contacts: list[Any]) -> list[ContactOut]:
    outs = contact_views(db, access, contacts, team(db, access))
    _log_place_reads(db, access, outs)
    return outs


def _log_place_reads(db: Session, access: ChildAccess, outs: list[ContactOut]) -> None:
    """Showing a foster home or facility as a place is a read of whereabouts: it goes in the log."""
    if any(
        o.place and o.place.address and o.place.kind in (PlaceKind.FOSTER_HOME, PlaceKind.FACILITY)
        for o in outs
    ):
        audit.record(
            db,
            access.actor,
            "read",
            "contact",
            access.child_id,
            child_id=access.child_id,
            category=Category.WHEREABOUTS.value,
            summary="contact place",
        )


def child_section(db: Session, access: ChildAccess, settings: Any) -> dict[str, Any]:
    """The contacts part of the child's page: what is due, and what is coming."""
    if not access.can_see(Category.CONTACT_RECORDS):
        return {"contacts_visible": False}
    child = db.get(Child, access.child_id)
    assert child is not None
    since = clock.now() - dt.timedelta(days=1)
    upcoming = views(db, access, service.child_contacts(db, access, since=since))[:8]
    return {
        "contacts_visible": True,
        "due_items": due.due_items(db, settings, [child]),
        "upcoming": upcoming,
        "may_schedule": service.may_schedule(access),
        "may_close_due_items": may_close_due_items(access),
        "kinds": [(k.value, gettext(label)) for k, label in CONTACT_KIND_LABELS.items()],
        "today": clock.today(),
    }


def contact_in(kind: str, values: dict[str, Any]) -> ContactIn:
    return ContactIn.model_validate(form_to_input(kind, values))
