"""Turning a session or a token into an Actor."""

from __future__ import annotations

import uuid

from sqlmodel import Session, col, or_, select

from app import clock
from app.accounts.models import Account
from app.authz.actor import Actor, HeldPosition
from app.orgs.models import Organisation, StaffPosition
from app.people.models import Person


def active_positions(db: Session, person_id: uuid.UUID) -> tuple[HeldPosition, ...]:
    today = clock.today()
    end = col(StaffPosition.end_date)
    rows = db.exec(
        select(StaffPosition, Organisation)
        .join(Organisation, col(Organisation.id) == StaffPosition.organisation_id)
        .where(
            StaffPosition.person_id == person_id,
            StaffPosition.start_date <= today,
            or_(end.is_(None), end > today),
            col(Organisation.archived_at).is_(None),
        )
    ).all()
    return tuple(HeldPosition(org.id, org.kind, pos.position) for pos, org in rows)


def load_actor(db: Session, person_id: uuid.UUID, *, via: str, session_id: str | None = None) -> Actor | None:
    """The actor for a person with a live, enabled account; None otherwise."""
    row = db.exec(
        select(Account, Person)
        .join(Person, col(Person.id) == Account.person_id)
        .where(Account.person_id == person_id)
    ).first()
    if row is None:
        return None
    account, person = row
    if account.disabled_at is not None or person.archived_at is not None:
        return None
    return Actor(
        person_id=person.id,
        account_id=account.id,
        display_name=person.display_name,
        email=account.email,
        locale=account.locale,
        is_admin=account.is_admin,
        positions=active_positions(db, person.id),
        via=via,
        session_id=session_id,
    )
