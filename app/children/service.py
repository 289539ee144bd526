"""Children and placements: reading them as the policy allows, and changing them.

Every function takes either the actor with the policy (for lists, which start from the scope) or a
ChildAccess (for one child, already checked). Nothing here decides on its own who may see what:
it asks the access object, field by field.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterable

from sqlmodel import Session, col, or_, select

from app import clock
from app.audit import service as audit
from app.authz.access import ChildAccess
from app.authz.actor import Actor
from app.authz.policy import Category, Level, SharingPolicy
from app.authz.scope import active_membership_clause, children_in_scope
from app.children import moves
from app.children.models import Child, EndReason, Placement, PlacementKind, Sex
from app.children.schemas import (
    ChildDetail,
    ChildSummary,
    ChildUpdate,
    Named,
    PlacementCreate,
    PlacementEnd,
    PlacementOut,
)
from app.db import checked_version_write
from app.errors import Conflict, Invalid, NotFound
from app.i18n import age_in_years, gettext
from app.orgs.models import FACILITY_KINDS, Organisation, OrgKind
from app.people.models import Household, Person
from app.teams.models import TeamMembership


class Disclosure:
    """Collects the audited categories a response actually discloses, then logs one read each."""

    def __init__(self, access: ChildAccess, what: str) -> None:
        self.access = access
        self.what = what
        self.categories: set[Category] = set()

    def add(self, category: Category, value: object) -> object:
        if value:
            self.categories.add(category)
        return value

    def log(self, db: Session) -> None:
        policy = self.access.policy
        for category in sorted(self.categories):
            if policy.categories[category].audit_reads:
                audit.record(
                    db,
                    self.access.actor,
                    "read",
                    "child",
                    self.access.child_id,
                    child_id=self.access.child_id,
                    category=category.value,
                    summary=self.what,
                )


# --- Lists -------------------------------------------------------------------------------


def list_children(
    db: Session,
    actor: Actor,
    policy: SharingPolicy,
    *,
    search: str = "",
    whole_centre: bool = False,
    on: dt.date | None = None,
) -> list[ChildSummary]:
    """The children whose team the actor is on (or, for a supervisor, the whole centre's)."""
    on = on or clock.today()
    query = children_in_scope(actor, policy, on).where(col(Child.archived_at).is_(None))
    if not whole_centre:
        mine = select(TeamMembership.child_id).where(
            TeamMembership.person_id == actor.person_id, active_membership_clause(on)
        )
        query = query.where(col(Child.id).in_(mine))
    if search.strip():
        pattern = f"%{search.strip()}%"
        query = query.where(
            or_(
                col(Child.family_name).ilike(pattern),
                col(Child.given_name).ilike(pattern),
                col(Child.family_name_kana).ilike(pattern),
                col(Child.given_name_kana).ilike(pattern),
            )
        )
    children = list(db.exec(query.order_by(col(Child.family_name_kana), col(Child.given_name_kana))))
    placements = current_placements(db, [c.id for c in children], on)
    roles = _my_roles(db, actor, [c.id for c in children], on)
    return [_summary(child, placements.get(child.id), roles.get(child.id, []), on) for child in children]


def current_placements(
    db: Session, child_ids: Iterable[uuid.UUID], on: dt.date
) -> dict[uuid.UUID, Placement]:
    ids = list(child_ids)
    if not ids:
        return {}
    end = col(Placement.end_date)
    rows = db.exec(
        select(Placement)
        .where(
            col(Placement.child_id).in_(ids),
            col(Placement.archived_at).is_(None),
            Placement.start_date <= on,
            or_(end.is_(None), end > on),
        )
        .order_by(col(Placement.start_date))
    )
    return {p.child_id: p for p in rows}  # the latest start wins


def _my_roles(
    db: Session, actor: Actor, child_ids: list[uuid.UUID], on: dt.date
) -> dict[uuid.UUID, list[str]]:
    if not child_ids:
        return {}
    rows = db.exec(
        select(TeamMembership.child_id, TeamMembership.role).where(
            TeamMembership.person_id == actor.person_id,
            col(TeamMembership.child_id).in_(child_ids),
            active_membership_clause(on),
        )
    )
    result: dict[uuid.UUID, list[str]] = {}
    for child_id, role in rows:
        result.setdefault(child_id, []).append(role)
    return result


def _summary(child: Child, placement: Placement | None, roles: list[str], on: dt.date) -> ChildSummary:
    return ChildSummary(
        id=child.id,
        name=child.display_name,
        kana=child.kana,
        date_of_birth=child.date_of_birth,
        age_years=age_in_years(child.date_of_birth, on),
        sex=child.sex,
        placement_kind=placement.kind if placement else None,
        placement_start=placement.start_date if placement else None,
        days_in_placement=(on - placement.start_date).days if placement else None,
        my_roles=sorted(roles),
    )


# --- One child ---------------------------------------------------------------------------


def load_child(db: Session, access: ChildAccess) -> Child:
    child = db.get(Child, access.child_id)
    if child is None:
        raise NotFound()
    return child


def child_detail(db: Session, access: ChildAccess, *, what: str = "child") -> ChildDetail:
    child = load_child(db, access)
    disclosure = Disclosure(access, what)
    placement = current_placements(db, [child.id], access.on).get(child.id)
    centre = db.get(Organisation, child.responsible_centre_id)
    lead = db.get(Person, child.lead_caseworker_id) if child.lead_caseworker_id else None
    summary = _summary(child, placement, sorted(access.roles), access.on)
    detail = ChildDetail(
        **summary.model_dump(),
        version=child.version,
        responsible_centre=Named(id=child.responsible_centre_id, name=centre.name if centre else ""),
        lead_caseworker=Named(id=lead.id, name=lead.display_name) if lead else None,
        current_placement=placement_out(db, access, placement, disclosure) if placement else None,
        visible_categories=sorted(c.value for c in access.visible_categories()),
        under_protection_order=access.under_protection_order,
    )
    if access.can_see(Category.WHEREABOUTS):
        detail.school_name = str(disclosure.add(Category.WHEREABOUTS, child.school_name))
    disclosure.log(db)
    return detail


def placement_out(
    db: Session, access: ChildAccess, placement: Placement, disclosure: Disclosure
) -> PlacementOut:
    out = PlacementOut(
        id=placement.id,
        kind=placement.kind,
        start_date=placement.start_date,
        end_date=placement.end_date,
        end_reason=placement.end_reason,
        is_current=placement.is_current(access.on),
        days=(min(access.on, placement.end_date or access.on) - placement.start_date).days,
        version=placement.version,
    )
    if placement.household_id:
        household = db.get(Household, placement.household_id)
        # A foster home's address is both where the child lives and the family's own address.
        if household and (access.can_see(Category.WHEREABOUTS) or access.can_see(Category.FOSTER_CONTACT)):
            category = (
                Category.WHEREABOUTS if access.can_see(Category.WHEREABOUTS) else Category.FOSTER_CONTACT
            )
            out.place_name = household.name
            out.place_address = str(disclosure.add(category, household.address))
        if household and access.can_see(Category.FOSTER_CONTACT):
            out.place_phone = str(disclosure.add(Category.FOSTER_CONTACT, household.phone))
    elif placement.facility_id and access.can_see(Category.WHEREABOUTS):
        facility = db.get(Organisation, placement.facility_id)
        if facility:
            out.place_name = facility.name
            out.place_address = str(disclosure.add(Category.WHEREABOUTS, facility.address))
            out.place_phone = facility.phone
    return out


def placement_history(db: Session, access: ChildAccess) -> list[PlacementOut]:
    disclosure = Disclosure(access, "placements")
    rows = db.exec(
        select(Placement)
        .where(Placement.child_id == access.child_id, col(Placement.archived_at).is_(None))
        .order_by(col(Placement.start_date).desc())
    )
    result = [placement_out(db, access, p, disclosure) for p in rows]
    disclosure.log(db)
    return result


# --- Changes -------------------------------------------------------------------------------

EDITABLE_BASIC = ("family_name", "given_name", "family_name_kana", "given_name_kana", "date_of_birth", "sex")


def update_child(db: Session, access: ChildAccess, change: ChildUpdate) -> Child:
    """Apply a change to the basic profile (and the school, which is whereabouts)."""
    if not access.can_manage(Category.BASIC_PROFILE):
        raise NotFound()
    child = load_child(db, access)
    wanted = change.model_dump(exclude_unset=True, exclude={"version"})
    if "school_name" in wanted and not access.can_manage(Category.WHEREABOUTS):
        wanted.pop("school_name")
    errors = _child_errors(wanted)
    if errors:
        raise Invalid(errors)
    if child.version != change.version:
        raise _child_conflict(child, wanted)
    before = audit.snapshot(child)
    with checked_version_write(db, child, lambda saved: _child_conflict(saved, wanted)):
        for key, value in wanted.items():
            setattr(child, key, value)
        db.add(child)
    audit.record_change(
        db, access.actor, child, before, child_id=child.id, category=Category.BASIC_PROFILE.value
    )
    return child


def _child_conflict(child: Child, wanted: dict[str, object]) -> Conflict:
    current = {k: getattr(child, k) for k in wanted}
    return Conflict(
        gettext("Someone else changed this child's details after you opened the form."),
        current={k: str(v) for k, v in current.items()} | {"version": child.version},
        yours={k: str(v) for k, v in wanted.items()},
    )


def _child_errors(wanted: dict[str, object]) -> dict[str, str]:
    errors: dict[str, str] = {}
    for key in ("family_name", "given_name"):
        if key in wanted and not str(wanted[key] or "").strip():
            errors[key] = gettext("Enter the name.")
    if "sex" in wanted and wanted["sex"] not in {s.value for s in Sex}:
        errors["sex"] = gettext("Choose one of the options.")
    birth = wanted.get("date_of_birth")
    if "date_of_birth" in wanted and birth is None:  # an emptied field: the record needs one
        errors["date_of_birth"] = gettext("Enter the date of birth.")
    if isinstance(birth, dt.date) and birth > clock.today():
        errors["date_of_birth"] = gettext("The date of birth cannot be in the future.")
    return errors


def archive_child(db: Session, access: ChildAccess, reason: str) -> Child:
    """Close a child's record: hidden from lists, kept for good, with the reason."""
    if not access.can_manage(Category.BASIC_PROFILE):
        raise NotFound()
    if not reason.strip():
        raise Invalid({"reason": gettext("Say why the record is archived.")})
    child = load_child(db, access)
    before = audit.snapshot(child)
    child.archived_at, child.archive_reason = clock.now(), reason.strip()[:500]
    db.add(child)
    db.flush()
    audit.record_change(
        db,
        access.actor,
        child,
        before,
        action="archive",
        child_id=child.id,
        category=Category.BASIC_PROFILE.value,
    )
    return child


def add_placement(
    db: Session,
    access: ChildAccess,
    data: PlacementCreate,
    previous_end_reason: str = EndReason.TRANSFER.value,
) -> Placement:
    """A move: the current placement ends the day the new one starts (no gap, no overlap), with
    the reason given; the family left behind leaves the team and the new family joins it."""
    if not access.can_manage(Category.BASIC_PROFILE) or not access.can_manage(Category.WHEREABOUTS):
        raise NotFound()
    errors = placement_errors(db, data)
    if previous_end_reason not in {r.value for r in EndReason}:
        errors["previous_end_reason"] = gettext("Choose one of the options.")
    current = current_placements(db, [access.child_id], data.start_date).get(access.child_id)
    if current is not None and current.start_date >= data.start_date:
        errors["start_date"] = gettext("The new placement must start after the current one started.")
    if _starts_after(db, access.child_id, data.start_date):
        errors["start_date"] = gettext("A later placement is already recorded; end or correct it first.")
    if errors:
        raise Invalid(errors)
    if current is not None:
        before = audit.snapshot(current)
        current.end_date, current.end_reason = data.start_date, previous_end_reason
        db.add(current)
        audit.record_change(
            db, access.actor, current, before, child_id=access.child_id, category=Category.BASIC_PROFILE.value
        )
        moves.carers_leave(db, access, current, data.start_date)
    placement = Placement(child_id=access.child_id, **data.model_dump())
    db.add(placement)
    db.flush()
    audit.record_change(
        db, access.actor, placement, None, child_id=access.child_id, category=Category.BASIC_PROFILE.value
    )
    moves.carers_join(db, access, placement)
    return placement


def _starts_after(db: Session, child_id: uuid.UUID, day: dt.date) -> bool:
    later = db.exec(
        select(Placement.id).where(
            Placement.child_id == child_id, col(Placement.archived_at).is_(None), Placement.start_date >= day
        )
    ).first()
    return later is not None


def placement_errors(db: Session, data: PlacementCreate) -> dict[str, str]:
    errors: dict[str, str] = {}
    try:
        kind = PlacementKind(data.kind)
    except ValueError:
        return {"kind": gettext("Choose one of the options.")}
    if data.start_date > clock.today() + dt.timedelta(days=366):
        errors["start_date"] = gettext("The start date is more than a year ahead.")
    if kind.in_a_household and data.household_id is None:
        errors["household_id"] = gettext("Choose the foster family.")
    if kind.in_a_household and data.household_id and db.get(Household, data.household_id) is None:
        errors["household_id"] = gettext("Choose the foster family.")
    if kind.in_a_facility:
        facility = db.get(Organisation, data.facility_id) if data.facility_id else None
        if facility is None or OrgKind(facility.kind) not in FACILITY_KINDS:
            errors["facility_id"] = gettext("Choose the facility.")
    return errors


def end_placement(db: Session, access: ChildAccess, placement_id: uuid.UUID, data: PlacementEnd) -> Placement:
    if not access.can(Category.BASIC_PROFILE, Level.MANAGE):
        raise NotFound()
    placement = db.get(Placement, placement_id)
    if placement is None or placement.child_id != access.child_id:
        raise NotFound()
    errors: dict[str, str] = {}
    if data.end_reason not in {r.value for r in EndReason}:
        errors["end_reason"] = gettext("Choose one of the options.")
    if data.end_date < placement.start_date:
        errors["end_date"] = gettext("The end date cannot be before the start date.")
    if errors:
        raise Invalid(errors)
    if placement.version != data.version:
        raise Conflict(gettext("Someone else changed this placement after you opened the form."))
    before = audit.snapshot(placement)
    placement.end_date, placement.end_reason = data.end_date, data.end_reason
    db.add(placement)
    db.flush()
    audit.record_change(
        db, access.actor, placement, before, child_id=access.child_id, category=Category.BASIC_PROFILE.value
    )
    moves.carers_leave(db, access, placement, data.end_date)  # ending care: the carers leave that day
    return placement
