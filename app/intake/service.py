"""Registering a child: the child, the first step of their care, and the registrant on the team.

The possible-duplicate check looks at the whole centre (a duplicate may sit on another
caseworker's list), but what it tells the registrant about a match is limited to what the
policy already lets them reach: otherwise only that such a child exists, on the fields they typed.
"""

from __future__ import annotations

import datetime as dt
import unicodedata
import uuid
from typing import Any

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, or_, select

from app import clock
from app.audit import service as audit
from app.authz.access import ChildAccess
from app.authz.actor import Actor
from app.authz.intake import INTAKE_POSITIONS, intake_centres
from app.authz.policy import Category, SharingPolicy, TeamRole
from app.authz.scope import accessible_child_ids, child_access
from app.children.models import Child, Placement, PlacementKind
from app.children.schemas import PlacementCreate
from app.children.service import placement_errors
from app.errors import Conflict, Invalid, NotFound
from app.i18n import gettext
from app.intake.schemas import IntakeIn, PossibleDuplicate
from app.orgs.models import Organisation, StaffPosition
from app.people.models import HouseholdMember, Person
from app.teams.models import TeamMembership


def normalised(text: str | None) -> str:
    """Names compared as people mean them: full-width and half-width alike, spaces ignored."""
    return unicodedata.normalize("NFKC", text or "").replace(" ", "").strip()


def responsible_centre(actor: Actor, wanted: uuid.UUID | None) -> uuid.UUID:
    centres = intake_centres(actor)
    if not centres:
        raise NotFound()  # the intake does not exist for this person
    if wanted is None:
        if len(centres) == 1:
            return next(iter(centres))
        raise Invalid({"centre_id": gettext("Choose the responsible centre.")})
    if wanted not in centres:
        raise Invalid({"centre_id": gettext("You can register children only at your own centre.")})
    return wanted


def centre_caseworkers(db: Session, centre_id: uuid.UUID, on: dt.date) -> list[Person]:
    """Who may lead a case of this centre: its caseworkers and supervisors today."""
    end = col(StaffPosition.end_date)
    staff = select(StaffPosition.person_id).where(
        StaffPosition.organisation_id == centre_id,
        col(StaffPosition.position).in_(INTAKE_POSITIONS),
        StaffPosition.start_date <= on,
        or_(end.is_(None), end > on),
    )
    return list(
        db.exec(
            select(Person)
            .where(col(Person.id).in_(staff), col(Person.archived_at).is_(None))
            .order_by(col(Person.family_name_kana), col(Person.given_name_kana))
        )
    )


def possible_duplicates(
    db: Session, actor: Actor, policy: SharingPolicy, centre_id: uuid.UUID, data: IntakeIn
) -> list[PossibleDuplicate]:
    """Children of the centre with the same name and date of birth, the same kana and date of
    birth, or the same case number."""
    wanted_name = normalised(data.family_name + data.given_name)
    wanted_kana = normalised(data.family_name_kana + data.given_name_kana)
    wanted_number = normalised(data.case_number)
    clauses: list[Any] = [Child.date_of_birth == data.date_of_birth]
    if wanted_number:
        clauses.append(col(Child.case_number).is_not(None))
    candidates = db.exec(select(Child).where(Child.responsible_centre_id == centre_id, or_(*clauses))).all()
    reachable = _reachable(db, actor, policy, [c.id for c in candidates])
    found: list[PossibleDuplicate] = []
    for child in candidates:
        matched = []
        if wanted_number and normalised(child.case_number) == wanted_number:
            matched.append("case_number")
        if child.date_of_birth == data.date_of_birth:
            if normalised(child.family_name + child.given_name) == wanted_name:
                matched.append("name")
            if wanted_kana and normalised(child.family_name_kana + child.given_name_kana) == wanted_kana:
                matched.append("kana")
        if not matched:
            continue
        duplicate = PossibleDuplicate(matched_on=matched)
        if child.id in reachable:
            duplicate.child_id, duplicate.name = child.id, child.display_name
        found.append(duplicate)
    return found


def _reachable(
    db: Session, actor: Actor, policy: SharingPolicy, child_ids: list[uuid.UUID]
) -> set[uuid.UUID]:
    if not child_ids:
        return set()
    query = select(Child.id).where(
        col(Child.id).in_(child_ids), col(Child.id).in_(accessible_child_ids(actor, policy))
    )
    return set(db.exec(query).all())


def register_child(db: Session, actor: Actor, policy: SharingPolicy, data: IntakeIn) -> Child:
    """Create the child, the first placement and the team; raises Invalid, or Conflict with the
    possible duplicates when the registrant has not yet said this is another child."""
    centre_id = responsible_centre(actor, data.centre_id)
    today = clock.today()
    errors = _intake_errors(db, centre_id, data, today)
    if errors:
        raise Invalid(errors)
    duplicates = possible_duplicates(db, actor, policy, centre_id, data)
    if any("case_number" in d.matched_on for d in duplicates):
        raise Invalid({"case_number": gettext("This case number is already used at your centre.")})
    if duplicates and not data.confirm_not_duplicate:
        raise Conflict(
            gettext("A child who may be the same is already registered at your centre."),
            duplicates=[d.model_dump(mode="json", exclude_none=True) for d in duplicates],
        )
    lead_id = data.lead_caseworker_id or actor.person_id
    child = Child(
        family_name=data.family_name.strip(),
        given_name=data.given_name.strip(),
        family_name_kana=data.family_name_kana.strip(),
        given_name_kana=data.given_name_kana.strip(),
        date_of_birth=data.date_of_birth,
        date_of_birth_estimated=data.date_of_birth_estimated,
        sex=data.sex.value,
        case_number=normalised(data.case_number) or None,
        responsible_centre_id=centre_id,
        lead_caseworker_id=lead_id,
    )
    db.add(child)
    try:
        db.flush()
    except IntegrityError as race:  # the same case number saved a moment ago by someone else
        db.rollback()
        raise Invalid({"case_number": gettext("This case number is already used at your centre.")}) from race
    placement = Placement(
        child_id=child.id,
        kind=data.kind.value,
        start_date=data.start_date,
        household_id=data.household_id,
        facility_id=data.facility_id,
        agency_id=data.agency_id,
    )
    db.add(placement)
    for person_id, role in _first_team(db, actor, lead_id, data):
        db.add(
            TeamMembership(
                child_id=child.id,
                person_id=person_id,
                role=role.value,
                start_date=min(today, data.start_date),
                added_by_id=actor.person_id,
            )
        )
    db.flush()
    category = Category.BASIC_PROFILE.value
    audit.record_change(db, actor, child, None, action="register", child_id=child.id, category=category)
    audit.record_change(db, actor, placement, None, child_id=child.id, category=category)
    return child


def _first_team(
    db: Session, actor: Actor, lead_id: uuid.UUID, data: IntakeIn
) -> list[tuple[uuid.UUID, TeamRole]]:
    """The registrant and the lead as caseworkers; the foster family the child goes to as carers."""
    team = {actor.person_id: TeamRole.CASEWORKER, lead_id: TeamRole.CASEWORKER}
    if data.household_id is not None:
        carer = (
            TeamRole.KINSHIP_CARER
            if data.kind is PlacementKind.KINSHIP_FOSTER_FAMILY
            else TeamRole.FOSTER_PARENT
        )
        members = db.exec(
            select(HouseholdMember.person_id).where(HouseholdMember.household_id == data.household_id)
        ).all()
        for person_id in members:
            team.setdefault(person_id, carer)
    return list(team.items())


def _intake_errors(db: Session, centre_id: uuid.UUID, data: IntakeIn, today: dt.date) -> dict[str, str]:
    errors: dict[str, str] = {}
    if data.date_of_birth > today:
        errors["date_of_birth"] = gettext("The date of birth cannot be in the future.")
    elif data.date_of_birth.year < today.year - 25:  # a typo such as 1925 for 2025
        errors["date_of_birth"] = gettext("The date of birth is more than 25 years ago.")
    if data.start_date < data.date_of_birth:
        errors["start_date"] = gettext("The first step cannot start before the child was born.")
    if data.lead_caseworker_id is not None and data.lead_caseworker_id not in {
        p.id for p in centre_caseworkers(db, centre_id, today)
    }:
        errors["lead_caseworker_id"] = gettext("Choose a caseworker of the centre.")
    placement = PlacementCreate(
        kind=data.kind.value,
        start_date=data.start_date,
        household_id=data.household_id,
        facility_id=data.facility_id,
        agency_id=data.agency_id,
    )
    errors.update(placement_errors(db, placement))
    if data.agency_id is not None:
        agency = db.get(Organisation, data.agency_id)
        if agency is None or agency.kind != "fostering_agency":
            errors["agency_id"] = gettext("Choose the fostering agency.")
    return errors


def registered_access(db: Session, actor: Actor, policy: SharingPolicy, child_id: uuid.UUID) -> ChildAccess:
    """The registrant's access to the child just registered (they are on its team now)."""
    return child_access(db, actor, child_id, policy)
