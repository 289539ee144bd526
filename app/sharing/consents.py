"""Consents to show contact details, always for one recipient: a family member's own details, and
the foster household's address and phone (which also need the caseworker's agreement).

What a consent lets a reader see is decided in app/authz (ChildAccess.may_see_contact_details and
the foster_contact_consent flag); this module records, withdraws and lists consents.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from sqlmodel import Session, col, select

from app import clock
from app.audit import service as audit
from app.authz.access import ChildAccess
from app.authz.policy import BIRTH_FAMILY_ROLES, Category, Level
from app.authz.scope import current_placement
from app.authz.visibility import Viewer, team_viewers
from app.children.models import Child
from app.errors import Invalid, NotFound
from app.i18n import gettext
from app.people.models import HouseholdMember, Person
from app.sharing.models import Consent, ConsentKind


@dataclass(frozen=True)
class ConsentChoice:
    """One person the reader may show details to, and where that stands."""

    person_id: uuid.UUID
    name: str
    roles: str
    consent: Consent | None

    @property
    def state(self) -> str:
        if self.consent is None:
            return "none"
        if self.consent.kind == ConsentKind.SHARE_FOSTER_CONTACT.value and self.consent.agreed_at is None:
            return "waiting"
        return "shared"


def consent_household(db: Session, access: ChildAccess) -> uuid.UUID | None:
    """The household whose consent counts: the current foster home, if the reader belongs to it."""
    placement = current_placement(db, access.child_id, access.on)
    if placement is None or placement.household_id is None:
        return None
    member = db.exec(
        select(HouseholdMember).where(
            HouseholdMember.household_id == placement.household_id,
            HouseholdMember.person_id == access.person_id,
        )
    ).first()
    return placement.household_id if member else None


def may_give_foster_consent(db: Session, access: ChildAccess) -> bool:
    return consent_household(db, access) is not None and access.can_manage(Category.FOSTER_CONTACT)


def _viewers(db: Session, access: ChildAccess) -> list[Viewer]:
    child = db.get(Child, access.child_id)
    if child is None:
        raise NotFound()
    return team_viewers(db, child, access.policy, access.on)


def _roles(access: ChildAccess, viewer: Viewer) -> str:
    return ", ".join(str(access.policy.roles[r].label) for r in viewer.roles)


def _live(db: Session, access: ChildAccess, kind: ConsentKind, **match: uuid.UUID) -> list[Consent]:
    query = select(Consent).where(
        Consent.child_id == access.child_id,
        Consent.kind == kind.value,
        col(Consent.withdrawn_at).is_(None),
        col(Consent.recipient_person_id).is_not(None),
    )
    for name, value in match.items():
        query = query.where(getattr(Consent, name) == value)
    return list(db.exec(query))


def family_choices(db: Session, access: ChildAccess) -> list[ConsentChoice]:
    """For a family member: the people on the team they may show their own details to (other family
    members, and carers where the policy lets carers see the family's details). Nobody a protection
    order concerns: the consent would not count."""
    if not access.may_share_own_contact:
        return []
    given = {
        c.recipient_person_id: c
        for c in _live(db, access, ConsentKind.SHARE_FAMILY_CONTACT, subject_person_id=access.person_id)
    }
    return [
        ConsentChoice(v.person_id, v.name, _roles(access, v), given.get(v.person_id))
        for v in _viewers(db, access)
        if v.person_id != access.person_id
        and v.person_id not in access.protected_person_ids
        and v.access.may_receive_family_contact
    ]


def foster_choices(db: Session, access: ChildAccess) -> list[ConsentChoice]:
    """For the foster family: the members of the child's birth family on the team, one by one."""
    household_id = consent_household(db, access)
    if household_id is None or not access.can_manage(Category.FOSTER_CONTACT):
        return []
    given = {
        c.recipient_person_id: c
        for c in _live(db, access, ConsentKind.SHARE_FOSTER_CONTACT, household_id=household_id)
    }
    return [
        ConsentChoice(v.person_id, v.name, _roles(access, v), given.get(v.person_id))
        for v in _viewers(db, access)
        if set(v.roles) & BIRTH_FAMILY_ROLES
        and v.person_id not in access.protected_person_ids
        and any(access.policy.level(r, Category.FOSTER_CONTACT) >= Level.SEE for r in v.roles)
    ]


def foster_consents_to_agree(db: Session, access: ChildAccess) -> list[tuple[Consent, str, str]]:
    """For the caseworker: the foster household's live consents, those waiting for their agreement
    and those agreed, with the name of who gave each and of who would see the details."""
    if not access.may_agree_to_foster_consent:
        return []
    placement = current_placement(db, access.child_id, access.on)
    if placement is None or placement.household_id is None:
        return []
    result = []
    for consent in _live(db, access, ConsentKind.SHARE_FOSTER_CONTACT, household_id=placement.household_id):
        giver, recipient = db.get(Person, consent.given_by_id), db.get(Person, consent.recipient_person_id)
        result.append(
            (consent, giver.display_name if giver else "", recipient.display_name if recipient else "")
        )
    return result


def set_consent(
    db: Session, access: ChildAccess, kind: str, recipient_id: uuid.UUID | None, give: bool
) -> Consent | None:
    """Give or withdraw one consent of the reader's: their own details (a family member) or their
    household's (the foster family), for one recipient on the team."""
    if kind == ConsentKind.SHARE_FAMILY_CONTACT.value:
        if not access.may_share_own_contact:
            raise NotFound()
        choices, subject_id, household_id = family_choices(db, access), access.person_id, None
    elif kind == ConsentKind.SHARE_FOSTER_CONTACT.value:
        household_id = consent_household(db, access)
        if household_id is None or not access.can_manage(Category.FOSTER_CONTACT):
            raise NotFound()
        choices, subject_id = foster_choices(db, access), None
    else:
        raise NotFound()  # nothing of that kind to consent to
    choice = next((c for c in choices if c.person_id == recipient_id), None)
    if choice is None:
        raise Invalid({"recipient_id": gettext("Choose a person on the child's team.")})
    if give and choice.consent is None:
        consent = Consent(
            child_id=access.child_id,
            kind=kind,
            recipient_person_id=recipient_id,
            given_by_id=access.person_id,
            subject_person_id=subject_id,
            household_id=household_id,
        )
        db.add(consent)
        db.flush()
        audit.record_change(
            db,
            access.actor,
            consent,
            None,
            action="consent",
            child_id=access.child_id,
            category=_category(kind),
        )
        return consent
    if not give and choice.consent is not None:
        withdraw(db, access, choice.consent)
    return choice.consent


def withdraw(db: Session, access: ChildAccess, consent: Consent) -> None:
    before = audit.snapshot(consent)
    consent.withdrawn_at, consent.withdrawn_by_id = clock.now(), access.person_id
    db.add(consent)
    audit.record_change(
        db,
        access.actor,
        consent,
        before,
        action="withdraw_consent",
        child_id=access.child_id,
        category=_category(consent.kind),
    )


def agree(db: Session, access: ChildAccess, consent_id: uuid.UUID, agree: bool | None) -> Consent:
    """The caseworker agrees to the foster family's consent for one recipient, or ends it (turning
    down a waiting one, or ending an agreed one, withdraws it; the foster family may ask again)."""
    consent = next((c for c, _g, _r in foster_consents_to_agree(db, access) if c.id == consent_id), None)
    if consent is None:
        raise NotFound()
    if agree is None:
        raise Invalid({"agree": gettext("Choose one of the options.")})
    if not agree:
        withdraw(db, access, consent)
        return consent
    if consent.agreed_at is None:
        before = audit.snapshot(consent)
        consent.agreed_by_id, consent.agreed_at = access.person_id, clock.now()
        db.add(consent)
        audit.record_change(
            db,
            access.actor,
            consent,
            before,
            action="agree_consent",
            child_id=access.child_id,
            category=Category.FOSTER_CONTACT.value,
        )
    return consent


def _category(kind: str) -> str:
    if kind == ConsentKind.SHARE_FOSTER_CONTACT.value:
        return Category.FOSTER_CONTACT.value
    return Category.BIRTH_FAMILY_CONTACT.value
