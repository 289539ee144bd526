"""What the rows of one import refer to, read once for the whole file (a 2,000-row file must not
ask the database 2,000 times): the centre's staff, foster families, facilities, people named by
e-mail, and the children the centre already has under a case number."""

from __future__ import annotations

import datetime as dt
import uuid
from collections import defaultdict
from dataclasses import dataclass, field

from sqlmodel import Session, col, func, or_, select

from app.accounts.models import Account
from app.authz.intake import INTAKE_POSITIONS
from app.authz.policy import TeamRole
from app.children.models import Child, Placement
from app.imports.vocabulary import case_key, cell_key
from app.orgs.models import FACILITY_KINDS, Organisation, StaffPosition
from app.people.models import Household, HouseholdMember, Person
from app.teams.models import TeamMembership


@dataclass
class Lookups:
    centre: Organisation
    today: dt.date
    # normalised name -> ids (a name may be shared: then the cell is ambiguous)
    staff_by_name: dict[str, list[uuid.UUID]] = field(default_factory=dict)
    staff_role: dict[uuid.UUID, str] = field(default_factory=dict)
    leads: set[uuid.UUID] = field(default_factory=set)
    by_email: dict[str, uuid.UUID] = field(default_factory=dict)
    role_of_person: dict[uuid.UUID, str] = field(default_factory=dict)
    households: dict[str, list[uuid.UUID]] = field(default_factory=dict)
    household_members: dict[uuid.UUID, list[uuid.UUID]] = field(default_factory=dict)
    facilities: dict[str, list[uuid.UUID]] = field(default_factory=dict)
    children: dict[str, Child] = field(default_factory=dict)
    placements: dict[uuid.UUID, list[Placement]] = field(default_factory=dict)
    members: dict[uuid.UUID, dict[uuid.UUID, TeamMembership]] = field(default_factory=dict)


def load_lookups(db: Session, centre: Organisation, emails: set[str]) -> Lookups:
    today = _today()
    found = Lookups(centre=centre, today=today)
    _staff(db, found, today)
    _by_email(db, found, {e.lower() for e in emails}, today)
    _places(db, found)
    _existing_children(db, found, today)
    return found


def _today() -> dt.date:
    from app import clock

    return clock.today()


def _staff(db: Session, found: Lookups, today: dt.date) -> None:
    rows = db.exec(
        select(Person, StaffPosition.position)
        .join(StaffPosition, col(StaffPosition.person_id) == col(Person.id))
        .where(
            StaffPosition.organisation_id == found.centre.id,
            StaffPosition.start_date <= today,
            or_(col(StaffPosition.end_date).is_(None), col(StaffPosition.end_date) > today),
            col(Person.archived_at).is_(None),
        )
    ).all()
    by_name: dict[str, set[uuid.UUID]] = defaultdict(set)
    for person, position in rows:
        by_name[cell_key(person.family_name + person.given_name)].add(person.id)
        found.staff_role.setdefault(person.id, _team_role(position))
        if position in INTAKE_POSITIONS:
            found.leads.add(person.id)
    found.staff_by_name = {name: sorted(ids) for name, ids in by_name.items()}


def _team_role(position: str) -> str:
    """A member of staff joins a team in the role of their position (the names are shared)."""
    return position if position in {r.value for r in TeamRole} else TeamRole.CASEWORKER.value


def _by_email(db: Session, found: Lookups, emails: set[str], today: dt.date) -> None:
    if not emails:
        return
    people = db.exec(
        select(Person.id, Person.email).where(
            func.lower(Person.email).in_(emails), col(Person.archived_at).is_(None)
        )
    ).all()
    for person_id, address in people:
        found.by_email.setdefault(address.lower(), person_id)
    for person_id, address in db.exec(
        select(Account.person_id, Account.email).where(func.lower(Account.email).in_(emails))
    ).all():
        found.by_email.setdefault(address.lower(), person_id)
    ids = set(found.by_email.values())
    if not ids:
        return
    for person_id, position in db.exec(
        select(StaffPosition.person_id, StaffPosition.position).where(
            col(StaffPosition.person_id).in_(ids),
            StaffPosition.start_date <= today,
            or_(col(StaffPosition.end_date).is_(None), col(StaffPosition.end_date) > today),
        )
    ).all():
        found.role_of_person.setdefault(person_id, _team_role(position))
    for person_id in db.exec(
        select(HouseholdMember.person_id).where(col(HouseholdMember.person_id).in_(ids))
    ):
        found.role_of_person.setdefault(person_id, TeamRole.FOSTER_PARENT.value)


def _places(db: Session, found: Lookups) -> None:
    households: dict[str, list[uuid.UUID]] = defaultdict(list)
    for household in db.exec(select(Household).where(col(Household.archived_at).is_(None))):
        households[cell_key(household.name)].append(household.id)
    found.households = dict(households)
    members: dict[uuid.UUID, list[uuid.UUID]] = defaultdict(list)
    for member in db.exec(select(HouseholdMember)):
        members[member.household_id].append(member.person_id)
    found.household_members = dict(members)
    facilities: dict[str, list[uuid.UUID]] = defaultdict(list)
    kinds = [k.value for k in FACILITY_KINDS]
    for org in db.exec(
        select(Organisation).where(col(Organisation.kind).in_(kinds), col(Organisation.archived_at).is_(None))
    ):
        facilities[cell_key(org.name)].append(org.id)
    found.facilities = dict(facilities)


def _existing_children(db: Session, found: Lookups, today: dt.date) -> None:
    children = db.exec(
        select(Child).where(
            Child.responsible_centre_id == found.centre.id, col(Child.case_number).is_not(None)
        )
    ).all()
    found.children = {case_key(c.case_number or ""): c for c in children}
    ids = [c.id for c in children]
    if not ids:
        return
    placements: dict[uuid.UUID, list[Placement]] = defaultdict(list)
    for placement in db.exec(
        select(Placement).where(col(Placement.child_id).in_(ids), col(Placement.archived_at).is_(None))
    ):
        placements[placement.child_id].append(placement)
    found.placements = dict(placements)
    members: dict[uuid.UUID, dict[uuid.UUID, TeamMembership]] = defaultdict(dict)
    for membership in db.exec(
        select(TeamMembership).where(
            col(TeamMembership.child_id).in_(ids),
            or_(col(TeamMembership.end_date).is_(None), col(TeamMembership.end_date) > today),
        )
    ):
        members[membership.child_id][membership.person_id] = membership
    found.members = dict(members)
