"""A contact as one reader may see it: time and place, names and phone numbers as the policy allows."""

from __future__ import annotations

import uuid

from sqlmodel import Session, col, select

from app.authz.access import ChildAccess
from app.authz.policy import CARER_ROLES
from app.authz.scope import current_placement
from app.authz.visibility import Viewer, describe_viewer
from app.contacts.models import Contact, ContactOutcome, ContactParticipant, ContactStatus, Place, PlaceKind
from app.contacts.schemas import ContactOut, OutcomeOut, ParticipantOut, PlaceOut
from app.contacts.service import participants_of, place_visible
from app.orgs.models import Organisation
from app.people.models import Household, Person


def contact_views(
    db: Session, access: ChildAccess, contacts: list[Contact], team: dict[uuid.UUID, Viewer]
) -> list[ContactOut]:
    participants = participants_of(db, [c.id for c in contacts])
    outcomes = {
        o.contact_id: o
        for o in db.exec(
            select(ContactOutcome).where(col(ContactOutcome.contact_id).in_([c.id for c in contacts]))
        )
    }
    places = {
        p.id: p
        for p in db.exec(select(Place).where(col(Place.id).in_([c.place_id for c in contacts if c.place_id])))
    }
    return [
        contact_out(
            db,
            access,
            c,
            participants[c.id],
            team,
            places.get(c.place_id) if c.place_id else None,
            outcomes.get(c.id),
        )
        for c in contacts
    ]


def contact_out(
    db: Session,
    access: ChildAccess,
    contact: Contact,
    participants: list[ContactParticipant],
    team: dict[uuid.UUID, Viewer],
    place: Place | None,
    outcome: ContactOutcome | None,
) -> ContactOut:
    taking_part = {p.person_id for p in participants} | (
        {contact.facilitator_id} if contact.facilitator_id else set()
    )
    out = ContactOut(
        id=contact.id,
        child_id=contact.child_id,
        kind=contact.kind,
        mode=contact.mode,
        status=contact.status,
        version=contact.version,
        duration_minutes=contact.duration_minutes,
        series_id=contact.series_id,
        carer_present=contact.carer_present,
        call_arrangement=contact.call_arrangement,
    )
    if contact.status_reason:
        out.status_reason = contact.status_reason
    if contact.status == ContactStatus.DONE:
        out.done_confirmed = contact.done_confirmed_at is not None
    mine = next((p for p in participants if p.person_id == access.person_id), None)
    if mine is not None:
        out.my_response = mine.response
    out.participants = [_participant(db, access, p, team) for p in participants]
    if contact.facilitator_id and contact.facilitator_id in team:
        out.facilitator = describe_viewer(team[contact.facilitator_id], access)
    if not access.may_see_time_and_place(taking_part):
        return out  # hard rule: no time, place or note for someone under an order who is not taking part
    out.starts_at, out.ends_at, out.note = contact.starts_at, contact.ends_at, contact.note
    if place_visible(access, contact.place_kind):
        out.place = _place(db, access, contact, place)
    if outcome is not None and access.can_read_item(outcome):
        author = db.get(Person, outcome.author_id)
        out.outcome = OutcomeOut(
            how_it_went=outcome.how_it_went,
            child_reaction=outcome.child_reaction,
            routines=outcome.routines,
            food=outcome.food,
            sleep=outcome.sleep,
            comfort_objects=outcome.comfort_objects,
            next_steps=outcome.next_steps,
            audience=outcome.audience,
            author=author.display_name if author else "",
            version=outcome.version,
            added_to_care_info=outcome.added_to_care_info_at is not None,
        )
    return out


def _participant(
    db: Session, access: ChildAccess, participant: ContactParticipant, team: dict[uuid.UUID, Viewer]
) -> ParticipantOut:
    viewer = team.get(participant.person_id)
    role = viewer.roles[0].value if viewer else ""
    out = ParticipantOut(role=role, response=participant.response)
    if viewer is None or (not access.may_identify_carers and any(r in CARER_ROLES for r in viewer.roles)):
        return out
    out.person_id, out.name = participant.person_id, viewer.name
    if access.may_see_contact_details(participant.person_id, viewer.roles[0]):
        person = db.get(Person, participant.person_id)
        out.phone = person.phone or None if person else None
    return out


def _place(db: Session, access: ChildAccess, contact: Contact, place: Place | None) -> PlaceOut:
    out = PlaceOut(kind=contact.place_kind)
    if contact.place_kind == PlaceKind.NEUTRAL and place is not None:
        out.name, out.address = place.name, place.address
    elif contact.place_kind in (PlaceKind.FOSTER_HOME, PlaceKind.FACILITY):
        placement = current_placement(db, contact.child_id, access.on)
        if placement and placement.household_id:
            household = db.get(Household, placement.household_id)
            out.name, out.address = (household.name, household.address) if household else (None, None)
        elif placement and placement.facility_id:
            facility = db.get(Organisation, placement.facility_id)
            out.name, out.address = (facility.name, facility.address) if facility else (None, None)
    return out
