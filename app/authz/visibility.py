"""Who can see something: the same decisions as ChildAccess, made for every current team member,
so each item on a page can say who sees it."""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass

from sqlmodel import Session, col, select

from app.authz.access import AudienceItem, ChildAccess, Grant
from app.authz.actor import Actor
from app.authz.policy import CARER_ROLES, Category, SharingPolicy, TeamRole
from app.authz.scope import active_membership_clause, sharing_facts
from app.children.models import Child
from app.i18n import gettext
from app.people.models import Person
from app.teams.models import TeamMembership


@dataclass(frozen=True)
class Viewer:
    """One person who could see something, and how to name them to the current reader."""

    person_id: uuid.UUID
    name: str
    roles: tuple[TeamRole, ...]
    access: ChildAccess


@dataclass(frozen=True)
class Audience:
    viewers: tuple[Viewer, ...]
    # The centre's supervisors see every child of the centre; named as a group, not one by one.
    centre_roles: tuple[TeamRole, ...]


def team_viewers(db: Session, child: Child, policy: SharingPolicy, on: dt.date) -> list[Viewer]:
    """Every current member of the child's team, with the access the policy gives them."""
    rows = db.exec(
        select(TeamMembership, Person)
        .join(Person, col(Person.id) == TeamMembership.person_id)
        .where(TeamMembership.child_id == child.id, active_membership_clause(on))
        .order_by(col(TeamMembership.start_date))
    ).all()
    grants: dict[uuid.UUID, list[Grant]] = {}
    people: dict[uuid.UUID, Person] = {}
    for membership, person in rows:
        people[person.id] = person
        grants.setdefault(person.id, []).append(
            Grant(TeamRole(membership.role), "team", since=membership.start_date, until=membership.end_date)
        )
    facts = sharing_facts(db, child.id, on)
    viewers = []
    for person_id, person_grants in grants.items():
        person = people[person_id]
        access = ChildAccess(
            actor=Actor(
                person_id=person_id,
                account_id=person_id,
                display_name=person.display_name,
                email="",
                locale="ja",
            ),
            child_id=child.id,
            responsible_centre_id=child.responsible_centre_id,
            grants=tuple(person_grants),
            policy=policy,
            under_protection_order=person_id in facts.protected,
            foster_contact_consent=person_id in facts.foster_contact_recipients,
            on=on,
            family_contact_consents=facts.family_consents_for(person_id),
            protected_person_ids=facts.protected,
        )
        viewers.append(Viewer(person_id, person.display_name, tuple(g.role for g in person_grants), access))
    return viewers


def may_name(viewer: Viewer, reader: ChildAccess) -> bool:
    """Whether the reader may learn this person's name: a carer stays unnamed to someone under a
    protection order, in pages, forms, choices and warnings alike."""
    return reader.may_identify_carers or not any(r in CARER_ROLES for r in viewer.roles)


def describe_viewer(viewer: Viewer, reader: ChildAccess) -> str:
    """A viewer as the reader may know them: a carer stays unnamed to someone under a protection order."""
    roles = ", ".join(str(reader.policy.roles[r].label) for r in viewer.roles)
    if not may_name(viewer, reader):
        return roles
    return gettext("%(name)s (%(roles)s)", name=viewer.name, roles=roles)


def audience_for_category(viewers: list[Viewer], policy: SharingPolicy, category: Category) -> Audience:
    return Audience(
        viewers=tuple(v for v in viewers if v.access.can_see(category)),
        centre_roles=tuple(
            TeamRole(p)
            for p in sorted(policy.centre_wide_positions)
            if policy.level(TeamRole(p), category) > 0
        ),
    )


def audience_for_item(viewers: list[Viewer], policy: SharingPolicy, item: AudienceItem) -> Audience:
    category = Category(item.category)
    return Audience(
        viewers=tuple(v for v in viewers if v.access.can_read_item(item)),
        centre_roles=tuple(
            TeamRole(p)
            for p in sorted(policy.centre_wide_positions)
            if policy.level(TeamRole(p), category) > 0
        ),
    )
