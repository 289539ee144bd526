"""A child's team: who is on it, what of each member the reader may know, and changes to it."""

from __future__ import annotations

import datetime as dt
import uuid

from sqlmodel import Session, col, select

from app.audit import service as audit
from app.authz.access import ChildAccess
from app.authz.policy import CARER_ROLES, Category, TeamRole, contact_category
from app.authz.scope import active_membership_clause
from app.children.schemas import MemberOut
from app.errors import Conflict, Invalid, NotFound
from app.i18n import gettext
from app.people.models import Person
from app.teams.models import TeamMembership


def team_members(db: Session, access: ChildAccess, *, include_former: bool = False) -> list[MemberOut]:
    query = (
        select(TeamMembership, Person)
        .join(Person, col(Person.id) == TeamMembership.person_id)
        .where(TeamMembership.child_id == access.child_id)
    )
    if not include_former:
        query = query.where(active_membership_clause(access.on))
    rows = db.exec(query.order_by(col(TeamMembership.role), col(TeamMembership.start_date))).all()
    disclosed: set[Category] = set()
    members = [_member_out(access, membership, person, disclosed) for membership, person in rows]
    for category in sorted(disclosed):
        if access.policy.categories[category].audit_reads:
            audit.record(
                db,
                access.actor,
                "read",
                "team",
                access.child_id,
                child_id=access.child_id,
                category=category.value,
                summary="team contact details",
            )
    return members


def _member_out(
    access: ChildAccess, membership: TeamMembership, person: Person, disclosed: set[Category]
) -> MemberOut:
    role = TeamRole(membership.role)
    out = MemberOut(
        membership_id=membership.id,
        version=membership.version,
        role=role.value,
        start_date=membership.start_date,
        end_date=membership.end_date,
    )
    if role in CARER_ROLES and not access.may_identify_carers:
        return out  # hard rule: under a protection order, the carers stay unnamed
    out.person_id, out.name = person.id, person.display_name
    if not access.may_see_contact_details(person.id, role):
        return out
    out.email, out.phone = person.email or None, person.phone or None
    category = contact_category(role)
    if category in (Category.FOSTER_CONTACT, Category.BIRTH_FAMILY_CONTACT):
        out.address = person.address or None  # staff and supporters: no home address on the team list
    if category is not None and person.id != access.person_id and (out.email or out.phone or out.address):
        disclosed.add(category)
    return out


def add_member(
    db: Session, access: ChildAccess, person_id: uuid.UUID | None, role: str, start_date: dt.date
) -> TeamMembership:
    if not access.can_manage(Category.BASIC_PROFILE):
        raise NotFound()
    errors: dict[str, str] = {}
    if role not in {r.value for r in TeamRole}:
        errors["role"] = gettext("Choose one of the options.")
    person = db.get(Person, person_id) if person_id else None
    if person is None or person.archived_at is not None:
        errors["person_id"] = gettext("Choose a person.")
    if errors or person_id is None:
        raise Invalid(errors)
    existing = db.exec(
        select(TeamMembership).where(
            TeamMembership.child_id == access.child_id,
            TeamMembership.person_id == person_id,
            TeamMembership.role == role,
            active_membership_clause(start_date),
        )
    ).first()
    if existing is not None:
        raise Invalid({"person_id": gettext("This person already has this role on the team.")})
    membership = TeamMembership(
        child_id=access.child_id,
        person_id=person_id,
        role=role,
        start_date=start_date,
        added_by_id=access.person_id,
    )
    db.add(membership)
    db.flush()
    audit.record_change(
        db, access.actor, membership, None, child_id=access.child_id, category=Category.BASIC_PROFILE.value
    )
    return membership


def end_membership(
    db: Session, access: ChildAccess, membership_id: uuid.UUID, end_date: dt.date, version: int
) -> TeamMembership:
    """End a membership (never delete it): from end_date the person loses access."""
    if not access.can_manage(Category.BASIC_PROFILE):
        raise NotFound()
    membership = db.get(TeamMembership, membership_id)
    if membership is None or membership.child_id != access.child_id:
        raise NotFound()
    if end_date < membership.start_date:
        raise Invalid({"end_date": gettext("The end date cannot be before the start date.")})
    if membership.version != version:
        raise Conflict(gettext("Someone else changed this membership after you opened the form."))
    before = audit.snapshot(membership)
    membership.end_date = end_date
    db.add(membership)
    db.flush()
    audit.record_change(
        db, access.actor, membership, before, child_id=access.child_id, category=Category.BASIC_PROFILE.value
    )
    return membership
