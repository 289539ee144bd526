"""What is due after a placement: a comfort call within 2 days, an icebreaker within 7 days and a
support meeting within a calendar month (seed 002: 措置後1か月以内; the numbers are settings).

Each placement has its own items, and only a contact held while the child was in that placement
counts for them: an icebreaker with the next foster family does not make up for one missed with the
last. An item is satisfied by such a contact that happened, recorded or confirmed by staff (a
birth parent's "it happened" waits for that confirmation); scheduled by one still to come (booked
late if it comes after the deadline); no longer applies if the placement ended by its deadline; and
otherwise due, then overdue, and listed until it is done or the caseworker closes it with a reason
(closed): it does not vanish with time."""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass

from sqlmodel import Session, col, select

from app import clock
from app.authz.actor import Actor
from app.authz.policy import Category, SharingPolicy, TeamRole
from app.authz.scope import active_membership_clause, child_access, children_in_scope
from app.children.models import Child, Placement, PlacementKind
from app.config import Settings
from app.contacts.models import Contact, ContactKind, ContactStatus, DueItemClosure
from app.contacts.schemas import DueItemOut
from app.errors import NotFound
from app.i18n import TOKYO
from app.people.models import Person
from app.periods import months_after
from app.teams.models import TeamMembership

# The roles whose "due and overdue" list shows a child: the caseworker and the agency coordinator.
RESPONSIBLE_ROLES = (TeamRole.CASEWORKER.value, TeamRole.AGENCY_COORDINATOR.value)


# What a due item's state says. Items in OPEN_STATES still ask something of the caseworker.
SATISFIED, SCHEDULED, BOOKED_LATE, DUE, OVERDUE = "satisfied", "scheduled", "booked_late", "due", "overdue"
NO_LONGER_APPLIES, CLOSED = "no_longer_applies", "closed"
# Marked as done by a birth parent or carer: it counts once staff confirm it.
AWAITING_CONFIRMATION = "awaiting_confirmation"
OPEN_STATES = frozenset({SCHEDULED, BOOKED_LATE, DUE, OVERDUE, AWAITING_CONFIRMATION})


@dataclass(frozen=True)
class Rule:
    kind: ContactKind
    applies_to_temporary_protection: bool
    days: int = 0
    months: int = 0  # a period of calendar months, counted as the Civil Code counts them

    def deadline(self, start: dt.date) -> dt.date:
        if self.months:
            return months_after(start, self.months)
        return start + dt.timedelta(days=self.days)


def rules(settings: Settings) -> list[Rule]:
    return [
        Rule(ContactKind.COMFORT_CALL, True, days=settings.due_comfort_call_days),
        Rule(ContactKind.ICEBREAKER, False, days=settings.due_icebreaker_days),
        Rule(ContactKind.SUPPORT_MEETING, False, months=settings.due_support_meeting_months),
    ]


def _tokyo_date(moment: dt.datetime) -> dt.date:
    return moment.astimezone(TOKYO).date()


def due_items(
    db: Session, settings: Settings, children: list[Child], on: dt.date | None = None
) -> list[DueItemOut]:
    """The due items of these children's recent placements, with their state."""
    on = on or clock.today()
    if not children:
        return []
    ids = [c.id for c in children]
    names = {c.id: c.display_name for c in children}
    query = select(Placement).where(
        col(Placement.child_id).in_(ids),
        col(Placement.archived_at).is_(None),
        Placement.start_date <= on,
        Placement.kind != PlacementKind.AT_HOME_WITH_SUPPORT.value,
    )
    if settings.due_items_from is not None:  # placements from before the centre counted them here
        query = query.where(Placement.start_date >= settings.due_items_from)
    placements = db.exec(query).all()
    contacts = _contacts_by_child(db, ids, [r.kind.value for r in rules(settings)])
    closures = _closures(db, [p.id for p in placements])
    items = []
    for placement in placements:
        for rule in rules(settings):
            if (
                placement.kind == PlacementKind.TEMPORARY_PROTECTION
                and not rule.applies_to_temporary_protection
            ):
                continue
            item = _state(placement, rule, contacts.get(placement.child_id, []), names, on)
            closure = closures.get((placement.id, rule.kind.value))
            if closure is not None and item.state != SATISFIED:
                closed, who = closure
                item.state, item.contact_id = CLOSED, None
                item.closed_reason, item.closed_at, item.closed_by = closed.reason, closed.closed_at, who
            items.append(item)
    return sorted(items, key=lambda i: (i.deadline, i.child_name))


def _closures(
    db: Session, placement_ids: list[uuid.UUID]
) -> dict[tuple[uuid.UUID, str], tuple[DueItemClosure, str]]:
    """The items the caseworker closed, with the name of who closed them."""
    if not placement_ids:
        return {}
    rows = db.exec(
        select(DueItemClosure, Person)
        .join(Person, col(Person.id) == DueItemClosure.closed_by_id)
        .where(col(DueItemClosure.placement_id).in_(placement_ids))
    ).all()
    return {(c.placement_id, c.kind): (c, p.display_name) for c, p in rows}


def _contacts_by_child(db: Session, ids: list[uuid.UUID], kinds: list[str]) -> dict[uuid.UUID, list[Contact]]:
    result: dict[uuid.UUID, list[Contact]] = {}
    rows = db.exec(
        select(Contact).where(
            col(Contact.child_id).in_(ids), col(Contact.kind).in_(kinds), col(Contact.archived_at).is_(None)
        )
    )
    for contact in rows:
        result.setdefault(contact.child_id, []).append(contact)
    return result


def _during(placement: Placement, day: dt.date) -> bool:
    """Whether the child was in this placement on that day (a move's day belongs to the new one)."""
    return placement.start_date <= day and (placement.end_date is None or day < placement.end_date)


def _state(
    placement: Placement, rule: Rule, contacts: list[Contact], names: dict[uuid.UUID, str], on: dt.date
) -> DueItemOut:
    deadline = rule.deadline(placement.start_date)
    mine = [c for c in contacts if c.kind == rule.kind and _during(placement, _tokyo_date(c.starts_at))]
    happened = [c for c in mine if c.status == ContactStatus.DONE]
    done = next((c for c in happened if c.done_confirmed_at is not None), None)
    unconfirmed = next((c for c in happened if c.done_confirmed_at is None), None)
    planned = next(
        (
            c
            for c in sorted(mine, key=lambda c: c.starts_at)
            if c.status in (ContactStatus.PROPOSED, ContactStatus.CONFIRMED)
        ),
        None,
    )
    contact: Contact | None = None
    if done is not None:
        state, contact = SATISFIED, done
    elif unconfirmed is not None:
        state, contact = AWAITING_CONFIRMATION, unconfirmed
    elif placement.end_date is not None and placement.end_date <= deadline:
        # The child left before the deadline (returned home after 3 days): nothing more to do.
        state = NO_LONGER_APPLIES
    elif planned is not None:
        contact = planned
        state = BOOKED_LATE if _tokyo_date(planned.starts_at) > deadline else SCHEDULED
    else:
        state = OVERDUE if on > deadline else DUE
    return DueItemOut(
        child_id=placement.child_id,
        child_name=names[placement.child_id],
        kind=rule.kind.value,
        placement_id=placement.id,
        placement_kind=placement.kind,
        placement_start=placement.start_date,
        placement_end=placement.end_date,
        deadline=deadline,
        state=state,
        contact_id=contact.id if contact else None,
    )


def my_due_list(
    db: Session, settings: Settings, actor: Actor, policy: SharingPolicy, *, whole_centre: bool = False
) -> list[DueItemOut]:
    """Open due items (not satisfied) of the children I answer for: as caseworker or coordinator,
    or, for a supervisor asking for it, the whole centre's."""
    on = clock.today()
    query = children_in_scope(actor, policy, on).where(col(Child.archived_at).is_(None))
    if not whole_centre:
        responsible = select(TeamMembership.child_id).where(
            TeamMembership.person_id == actor.person_id,
            col(TeamMembership.role).in_(RESPONSIBLE_ROLES),
            active_membership_clause(on),
        )
        query = query.where(col(Child.id).in_(responsible))
    children = list(db.exec(query))
    visible = [c for c in children if _may_see_contacts(db, actor, policy, c.id)]
    return [i for i in due_items(db, settings, visible, on) if i.state in OPEN_STATES]


def _may_see_contacts(db: Session, actor: Actor, policy: SharingPolicy, child_id: uuid.UUID) -> bool:
    try:
        return child_access(db, actor, child_id, policy).can_see(Category.CONTACT_RECORDS)
    except NotFound:
        return False
