"""A person's own coming contacts, across the children whose team they are on."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlmodel import Session, col, or_, select

from app import clock
from app.authz.actor import Actor
from app.authz.policy import SharingPolicy
from app.authz.scope import active_membership_clause, child_access
from app.children.models import Child
from app.contacts import pages
from app.contacts.models import Contact, ContactParticipant
from app.contacts.schemas import ContactOut
from app.errors import NotFound
from app.teams.models import TeamMembership

HORIZON = dt.timedelta(days=60)


@dataclass(frozen=True)
class MyContact:
    child_name: str
    contact: ContactOut


def upcoming_for(db: Session, actor: Actor, policy: SharingPolicy) -> list[MyContact]:
    now = clock.now()
    mine = select(ContactParticipant.contact_id).where(ContactParticipant.person_id == actor.person_id)
    on_team = select(TeamMembership.child_id).where(
        TeamMembership.person_id == actor.person_id, active_membership_clause(now.date())
    )
    rows = db.exec(
        select(Contact)
        .where(
            col(Contact.child_id).in_(on_team),
            or_(col(Contact.id).in_(mine), Contact.facilitator_id == actor.person_id),
            Contact.starts_at >= now - dt.timedelta(hours=3),
            Contact.starts_at <= now + HORIZON,
            col(Contact.archived_at).is_(None),
        )
        .order_by(col(Contact.starts_at))
    ).all()
    result: list[MyContact] = []
    by_child: dict = {}
    for contact in rows:
        by_child.setdefault(contact.child_id, []).append(contact)
    for child_id, contacts in by_child.items():
        try:
            access = child_access(db, actor, child_id, policy)  # the policy decides every field
        except NotFound:
            continue
        child = db.get(Child, child_id)
        for view in pages.views(db, access, contacts):
            if view.starts_at is not None:
                result.append(MyContact(child.display_name if child else "", view))
    return sorted(result, key=lambda m: m.contact.starts_at or now)
