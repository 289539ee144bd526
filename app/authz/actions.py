"""What one reader may do to one thing: one function per action.

The page asks these to decide whether to show a button or form, and the route (or service) asks
the very same function before it acts. So a page never offers what the portal would refuse, and
nothing is refused that a page offered (tests/test_every_action_offered_works.py walks every page
as every demo person and uses every form it is shown).
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterable
from typing import Protocol

from app import clock
from app.authz.access import AudienceItem, ChildAccess
from app.authz.policy import Category

# A contact still to come, or at least not closed: proposed or confirmed.
OPEN_STATUSES = ("proposed", "confirmed")


class ContactLike(Protocol):
    created_by_id: uuid.UUID
    facilitator_id: uuid.UUID | None
    status: str
    starts_at: dt.datetime


class OutcomeLike(AudienceItem, Protocol):
    pass


# --- Contacts ---------------------------------------------------------------------------------


def may_schedule_contact(access: ChildAccess) -> bool:
    """Anyone who may add contact records proposes a contact."""
    return access.can_add(Category.CONTACT_RECORDS)


def may_see_contact_details(
    access: ChildAccess, contact: ContactLike, taking_part: Iterable[uuid.UUID]
) -> bool:
    """Time, place and note: hidden from someone under a protection order who does not take part."""
    people = set(taking_part) | ({contact.facilitator_id} if contact.facilitator_id else set())
    return access.can_see(Category.CONTACT_RECORDS) and access.may_see_time_and_place(people)


def may_organise_contact(access: ChildAccess, contact: ContactLike, taking_part: Iterable[uuid.UUID]) -> bool:
    """Its creator, its facilitator and those who manage contact records change a contact; but
    nobody changes what they may not read (a proposer later left out under a protection order)."""
    return may_see_contact_details(access, contact, taking_part) and (
        access.can_manage(Category.CONTACT_RECORDS)
        or contact.created_by_id == access.person_id
        or contact.facilitator_id == access.person_id
    )


def may_change_contact(access: ChildAccess, contact: ContactLike, taking_part: Iterable[uuid.UUID]) -> bool:
    """Change time, place, people or note: organisers, while it is still open."""
    return contact.status in OPEN_STATUSES and may_organise_contact(access, contact, taking_part)


def may_cancel_contact(access: ChildAccess, contact: ContactLike, taking_part: Iterable[uuid.UUID]) -> bool:
    return may_change_contact(access, contact, taking_part)


def may_record_not_happened(
    access: ChildAccess, contact: ContactLike, taking_part: Iterable[uuid.UUID]
) -> bool:
    return may_change_contact(access, contact, taking_part)


def may_mark_done(
    access: ChildAccess,
    contact: ContactLike,
    taking_part: Iterable[uuid.UUID],
    now: dt.datetime | None = None,
) -> bool:
    """The button "It happened": only once the contact has started."""
    return may_change_contact(access, contact, taking_part) and contact.starts_at <= (now or clock.now())


def may_respond(access: ChildAccess, contact: ContactLike, taking_part: Iterable[uuid.UUID]) -> bool:
    """Each participant answers for themselves, while the contact is open."""
    return contact.status in OPEN_STATUSES and access.person_id in set(taking_part)


def may_write_outcome(access: ChildAccess, contact: ContactLike, outcome: OutcomeLike | None) -> bool:
    """How it went: anyone who may add contact records writes it once the contact is done; once
    written, only its author and those who manage contact records change it."""
    if contact.status != "done" or not access.can_add(Category.CONTACT_RECORDS):
        return False
    if outcome is None:
        return True
    return outcome.author_id == access.person_id or access.can_manage(Category.CONTACT_RECORDS)


def may_add_outcome_to_care_info(access: ChildAccess, outcome: OutcomeLike | None) -> bool:
    return outcome is not None and access.can_read_item(outcome) and access.can_add(Category.CARE_INFO)


# --- Information items ------------------------------------------------------------------------


def may_add_item(access: ChildAccess, category: Category | str) -> bool:
    return category in set(Category) and access.can_add(Category(category))


def may_edit_item(access: ChildAccess, item: AudienceItem) -> bool:
    """Edit or archive: its author, or those who manage its category; never an item one cannot read."""
    return access.can_read_item(item) and (
        item.author_id == access.person_id or access.can_manage(Category(item.category))
    )
