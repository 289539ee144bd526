"""THE scope: which children a person may reach. Every query for children, and for anything that
hangs off a child, starts here, so a list, a count or a search can never include a child the
reader may not see. A child outside the scope is simply not found.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Select, union
from sqlmodel import Session, col, or_, select
from sqlmodel.sql.expression import SelectOfScalar

from app import clock
from app.authz.access import ChildAccess, Grant
from app.authz.actor import Actor
from app.authz.policy import Category, Level, SharingPolicy, TeamRole, default_policy
from app.children.models import Child, Placement
from app.errors import NotFound
from app.orgs.models import Organisation, OrgKind
from app.sharing.models import Consent, ConsentKind, PolicyOverride, ProtectionOrder
from app.teams.models import TeamMembership


def load_policy(session: Session) -> SharingPolicy:
    """The repository's policy with this deployment's overrides applied."""
    policy = default_policy()
    rows = session.exec(select(PolicyOverride)).all()
    overrides = {(TeamRole(r.role), Category(r.category)): Level.parse(r.level) for r in rows}
    return policy.with_overrides(overrides)


def active_membership_clause(on: dt.date) -> Any:
    end = col(TeamMembership.end_date)
    return (col(TeamMembership.start_date) <= on) & or_(end.is_(None), end > on)


def centre_wide_org_ids(actor: Actor, policy: SharingPolicy) -> set[uuid.UUID]:
    return actor.organisations_where(policy.centre_wide_positions, OrgKind.CHILD_GUIDANCE_CENTRE.value)


def accessible_child_ids(actor: Actor, policy: SharingPolicy, on: dt.date | None = None) -> Select:
    """A SELECT of the ids of every child the actor may reach today."""
    on = on or clock.today()
    on_team = select(TeamMembership.child_id).where(
        TeamMembership.person_id == actor.person_id, active_membership_clause(on)
    )
    centres = centre_wide_org_ids(actor, policy)
    if not centres:
        return on_team
    at_centre = select(Child.id).where(col(Child.responsible_centre_id).in_(centres))
    return select(union(on_team, at_centre).subquery().c[0])


def children_in_scope(
    actor: Actor, policy: SharingPolicy, on: dt.date | None = None
) -> SelectOfScalar[Child]:
    """SELECT Child rows the actor may reach; callers add filters and ordering, never widen."""
    return select(Child).where(col(Child.id).in_(accessible_child_ids(actor, policy, on)))


def child_access(
    session: Session,
    actor: Actor,
    child_id: uuid.UUID,
    policy: SharingPolicy | None = None,
    on: dt.date | None = None,
) -> ChildAccess:
    """The actor's access to one child; NotFound when the child is outside their scope."""
    policy = policy or load_policy(session)
    on = on or clock.today()
    child = session.get(Child, child_id)
    if child is None:
        raise NotFound()
    grants = _team_grants(session, actor, child_id, on) + _centre_grants(session, actor, child, policy)
    if not grants:
        raise NotFound()
    facts = sharing_facts(session, child_id, on)
    return ChildAccess(
        actor=actor,
        child_id=child_id,
        responsible_centre_id=child.responsible_centre_id,
        grants=tuple(grants),
        policy=policy,
        under_protection_order=actor.person_id in facts.protected,
        foster_contact_consent=actor.person_id in facts.foster_contact_recipients,
        on=on,
        family_contact_consents=facts.family_consents_for(actor.person_id),
        protected_person_ids=facts.protected,
    )


def _team_grants(session: Session, actor: Actor, child_id: uuid.UUID, on: dt.date) -> list[Grant]:
    rows = session.exec(
        select(TeamMembership).where(
            TeamMembership.child_id == child_id,
            TeamMembership.person_id == actor.person_id,
            active_membership_clause(on),
        )
    )
    return [Grant(TeamRole(m.role), "team", since=m.start_date, until=m.end_date) for m in rows]


def _centre_grants(session: Session, actor: Actor, child: Child, policy: SharingPolicy) -> list[Grant]:
    if child.responsible_centre_id not in centre_wide_org_ids(actor, policy):
        return []
    centre = session.get(Organisation, child.responsible_centre_id)
    name = centre.name if centre else ""
    return [
        Grant(TeamRole(p.position), "centre", organisation_name=name)
        for p in actor.positions
        if p.organisation_id == child.responsible_centre_id and p.position in policy.centre_wide_positions
    ]


def is_under_protection_order(
    session: Session, person_id: uuid.UUID, child_id: uuid.UUID, on: dt.date
) -> bool:
    orders = session.exec(
        select(ProtectionOrder).where(
            ProtectionOrder.child_id == child_id, ProtectionOrder.person_id == person_id
        )
    )
    return any(order.is_active(on) for order in orders)


def current_placement(session: Session, child_id: uuid.UUID, on: dt.date) -> Placement | None:
    end = col(Placement.end_date)
    return session.exec(
        select(Placement)
        .where(
            Placement.child_id == child_id,
            col(Placement.archived_at).is_(None),
            Placement.start_date <= on,
            or_(end.is_(None), end > on),
        )
        .order_by(col(Placement.start_date).desc())
    ).first()


@dataclass(frozen=True)
class SharingFacts:
    """What the database says about one child's sharing today: who is under a protection order, and
    the live consents, each for one recipient."""

    protected: frozenset[uuid.UUID]
    # Recipients of the current foster household's consent that the caseworker agreed to.
    foster_contact_recipients: frozenset[uuid.UUID]
    # recipient -> the family members who consented to show them their own details.
    family_consents: Mapping[uuid.UUID, frozenset[uuid.UUID]]

    def family_consents_for(self, recipient_id: uuid.UUID) -> frozenset[uuid.UUID]:
        return self.family_consents.get(recipient_id, frozenset())


def sharing_facts(session: Session, child_id: uuid.UUID, on: dt.date) -> SharingFacts:
    orders = session.exec(select(ProtectionOrder).where(ProtectionOrder.child_id == child_id))
    protected = frozenset(order.person_id for order in orders if order.is_active(on))
    placement = current_placement(session, child_id, on)
    household_id = placement.household_id if placement else None
    consents = session.exec(
        select(Consent).where(
            Consent.child_id == child_id,
            col(Consent.withdrawn_at).is_(None),
            col(Consent.recipient_person_id).is_not(None),
        )
    ).all()
    foster: set[uuid.UUID] = set()
    family: dict[uuid.UUID, set[uuid.UUID]] = {}
    for consent in consents:
        recipient = consent.recipient_person_id
        assert recipient is not None
        if consent.kind == ConsentKind.SHARE_FOSTER_CONTACT.value:
            # Only the household the child lives in now, and only once the caseworker agreed.
            if household_id is not None and consent.household_id == household_id and consent.agreed_at:
                foster.add(recipient)
        elif consent.kind == ConsentKind.SHARE_FAMILY_CONTACT.value and consent.subject_person_id:
            family.setdefault(recipient, set()).add(consent.subject_person_id)
    return SharingFacts(
        protected=protected,
        foster_contact_recipients=frozenset(foster),
        family_consents={k: frozenset(v) for k, v in family.items()},
    )
