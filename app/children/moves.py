"""Moving a case: the carers who come and go with a placement, a new lead caseworker, and a
transfer to another child guidance centre. Every change is audited and nothing is deleted:
memberships end on a date, so the history of who was on the team stays readable."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from sqlmodel import Session, SQLModel, col, select

from app import clock
from app.audit import service as audit
from app.authz.access import ChildAccess
from app.authz.intake import INTAKE_POSITIONS
from app.authz.policy import Category, TeamRole
from app.authz.scope import active_membership_clause
from app.children.models import Child, Placement, PlacementKind
from app.errors import Conflict, Invalid, NotFound
from app.i18n import gettext
from app.orgs.models import Organisation, OrgKind, StaffPosition
from app.people.models import HouseholdMember
from app.teams.models import TeamMembership

FAMILY_CARER_ROLES = (TeamRole.FOSTER_PARENT.value, TeamRole.KINSHIP_CARER.value)


def carers_leave(db: Session, access: ChildAccess, placement: Placement, on: dt.date) -> None:
    """The foster family (or the facility's key workers) of a placement that ends leave the team on
    that day: they no longer see where the child lives next."""
    if placement.household_id is not None:
        people = select(HouseholdMember.person_id).where(
            HouseholdMember.household_id == placement.household_id
        )
        roles: tuple[str, ...] = FAMILY_CARER_ROLES
    elif placement.facility_id is not None:
        people = select(StaffPosition.person_id).where(StaffPosition.organisation_id == placement.facility_id)
        roles = (TeamRole.KEY_WORKER.value,)
    else:
        return
    _end_memberships(
        db,
        access,
        select(TeamMembership).where(
            TeamMembership.child_id == access.child_id,
            col(TeamMembership.role).in_(roles),
            col(TeamMembership.person_id).in_(people),
            active_membership_clause(on),
        ),
        on,
    )


def carers_join(db: Session, access: ChildAccess, placement: Placement) -> None:
    """The foster family a child moves to joins the team from the first day."""
    if placement.household_id is None:
        return
    kinship = placement.kind == PlacementKind.KINSHIP_FOSTER_FAMILY.value
    role = TeamRole.KINSHIP_CARER if kinship else TeamRole.FOSTER_PARENT
    members = db.exec(
        select(HouseholdMember.person_id).where(HouseholdMember.household_id == placement.household_id)
    ).all()
    _join(db, access, list(members), role, placement.start_date)


def change_lead(db: Session, access: ChildAccess, person_id: uuid.UUID, version: int) -> Child:
    """A new lead caseworker, of the child's centre; they join the team as caseworker if not on it."""
    if not access.can_manage(Category.BASIC_PROFILE):
        raise NotFound()
    child = _child(db, access)
    if person_id not in centre_staff(db, child.responsible_centre_id, access.on):
        raise Invalid({"lead_caseworker_id": gettext("Choose a caseworker of the centre.")})
    _check_version(child, version)
    before = audit.snapshot(child)
    child.lead_caseworker_id = person_id
    db.add(child)
    _join(db, access, [person_id], TeamRole.CASEWORKER, access.on)
    db.flush()
    _audited(db, access, child, before, action="change_lead")
    return child


def transfer(db: Session, access: ChildAccess, centre_id: uuid.UUID, on: dt.date, version: int) -> Child:
    """The case moves to another centre on a date: the receiving centre's supervisors see it from
    then (they see every child of their centre), the sending centre's staff leave the team that
    day, the lead is chosen again by the receiving centre, and the families stay."""
    if not access.can_manage(Category.BASIC_PROFILE):
        raise NotFound()
    child = _child(db, access)
    errors: dict[str, str] = {}
    centre = db.get(Organisation, centre_id)
    if centre is None or centre.kind != OrgKind.CHILD_GUIDANCE_CENTRE.value or centre.archived_at is not None:
        errors["centre_id"] = gettext("Choose a child guidance centre.")
    elif centre_id == child.responsible_centre_id:
        errors["centre_id"] = gettext("The child is already at this centre.")
    today = clock.today()
    if on > today:
        errors["on"] = gettext("A transfer takes effect today or on a past day.")
    elif on < today - dt.timedelta(days=31):
        errors["on"] = gettext("A transfer can be recorded up to a month after the day it happened.")
    if errors:
        raise Invalid(errors)
    _check_version(child, version)
    sending = child.responsible_centre_id
    before = audit.snapshot(child)
    child.responsible_centre_id, child.lead_caseworker_id = centre_id, None
    db.add(child)
    sending_staff = select(StaffPosition.person_id).where(StaffPosition.organisation_id == sending)
    _end_memberships(
        db,
        access,
        select(TeamMembership).where(
            TeamMembership.child_id == child.id,
            col(TeamMembership.person_id).in_(sending_staff),
            active_membership_clause(on),
        ),
        on,
    )
    db.flush()
    _audited(db, access, child, before, action="transfer")
    return child


def centre_staff(db: Session, centre_id: uuid.UUID, on: dt.date) -> set[uuid.UUID]:
    """Who may lead a case of the centre: its caseworkers and supervisors on that day."""
    end = col(StaffPosition.end_date)
    rows = db.exec(
        select(StaffPosition.person_id).where(
            StaffPosition.organisation_id == centre_id,
            col(StaffPosition.position).in_(INTAKE_POSITIONS),
            StaffPosition.start_date <= on,
            (end.is_(None)) | (end > on),
        )
    )
    return set(rows)


def _end_memberships(db: Session, access: ChildAccess, query: object, on: dt.date) -> None:
    for membership in db.exec(query).all():  # type: ignore[call-overload]
        before = audit.snapshot(membership)
        # A membership that had not started by then simply never starts.
        membership.end_date = max(on, membership.start_date)
        db.add(membership)
        _audited(db, access, membership, before)


def _join(db: Session, access: ChildAccess, people: list[uuid.UUID], role: TeamRole, start: dt.date) -> None:
    already = set(
        db.exec(
            select(TeamMembership.person_id).where(
                TeamMembership.child_id == access.child_id,
                TeamMembership.role == role.value,
                col(TeamMembership.person_id).in_(people),
                active_membership_clause(start),
            )
        )
    )
    for person_id in people:
        if person_id in already:
            continue
        membership = TeamMembership(
            child_id=access.child_id,
            person_id=person_id,
            role=role.value,
            start_date=start,
            added_by_id=access.person_id,
        )
        db.add(membership)
        db.flush()
        _audited(db, access, membership, None)


def _audited(
    db: Session,
    access: ChildAccess,
    record: SQLModel,
    before: dict[str, Any] | None,
    action: str | None = None,
) -> None:
    """Moves belong to the case core: audited under the basic profile, on the child's history."""
    category = Category.BASIC_PROFILE.value
    audit.record_change(
        db, access.actor, record, before, action=action, child_id=access.child_id, category=category
    )


def _child(db: Session, access: ChildAccess) -> Child:
    child = db.get(Child, access.child_id)
    if child is None:
        raise NotFound()
    return child


def _check_version(child: Child, version: int) -> None:
    if child.version != version:
        raise Conflict(gettext("Someone else changed this child's details after you opened the form."))
