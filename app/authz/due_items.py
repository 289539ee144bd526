"""Who settles what is due after a placement (issue 7): the one place pages, API and services ask.

Seed 002's measures (comfort call, support meeting within a month) are the centre's to account for,
so a contact counts for them only once staff recorded it or confirmed that it happened, and only the
caseworker closes an item that will not be done, saying why.
"""

from __future__ import annotations

from app.authz.access import ChildAccess
from app.authz.policy import Category


def may_confirm_done(access: ChildAccess) -> bool:
    """Staff on the child's team who record contacts: their "it happened" counts at once, and they
    confirm a birth parent's or carer's."""
    return access.is_professional and access.can_add(Category.CONTACT_RECORDS)


def may_close_due_items(access: ChildAccess) -> bool:
    """The caseworker (and the supervisor), who manage the child's contact records, close an item
    that will not be done, with a reason."""
    return access.is_professional and access.can_manage(Category.CONTACT_RECORDS)
