"""Information items: reading them as the policy allows (each with who can see it), adding them,
and narrowing their audience, never widening it beyond the sharing matrix."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field

from pydantic import BaseModel, ConfigDict, Field
from sqlmodel import Session, col, select

from app import clock
from app.audit import service as audit
from app.authz import actions
from app.authz.access import ChildAccess
from app.authz.policy import CARER_ROLES, Category
from app.authz.redaction import hidden_words, redact
from app.authz.visibility import Audience as Viewers
from app.authz.visibility import Viewer, audience_for_item, team_viewers
from app.caseinfo.models import Audience, CaseItem
from app.children.models import Child
from app.db import checked_version_write
from app.errors import Conflict, Invalid, NotFound
from app.i18n import gettext
from app.people.models import Person


class ItemIn(BaseModel):
    model_config = ConfigDict(str_strip_whitespace=True)

    category: str
    title: str = Field(min_length=1, max_length=200)
    body: str = Field(default="", max_length=20000)
    audience: str = Audience.TEAM.value
    named: list[str] = []


class ItemOut(BaseModel):
    id: uuid.UUID
    category: str
    title: str
    body: str
    audience: str
    author: str
    created_at: str
    version: int


@dataclass
class ItemView:
    item: CaseItem
    author_name: str
    viewers: Viewers
    can_edit: bool


@dataclass
class CategoryItems:
    category: Category
    items: list[ItemView] = field(default_factory=list)
    can_add: bool = False


def readable_items(db: Session, access: ChildAccess, *, what: str = "items") -> list[CaseItem]:
    """The child's items this reader may see; audited categories log one read each."""
    visible = [c.value for c in access.visible_categories()]
    rows = db.exec(
        select(CaseItem)
        .where(
            CaseItem.child_id == access.child_id,
            col(CaseItem.archived_at).is_(None),
            col(CaseItem.category).in_(visible),
        )
        .order_by(col(CaseItem.created_at).desc())
    ).all()
    items = [item for item in rows if access.can_read_item(item)]
    child = db.get(Child, access.child_id)
    words = hidden_words(access, child) if child else []
    if words:  # copies, never added to the session: the stored text stays as written
        items = [_redacted(item, words) for item in items]
    for category in sorted({Category(i.category) for i in items}):
        if access.policy.categories[category].audit_reads:
            audit.record(
                db,
                access.actor,
                "read",
                "case_item",
                access.child_id,
                child_id=access.child_id,
                category=category.value,
                summary=what,
            )
    return items


def _redacted(item: CaseItem, words: list[str]) -> CaseItem:
    data = item.model_dump()
    data.update(title=redact(item.title, words), body=redact(item.body, words))
    return CaseItem(**data)


def items_by_category(db: Session, access: ChildAccess, viewers: list[Viewer]) -> list[CategoryItems]:
    """For the child's page: every category the reader sees, in the policy's order, with its items."""
    authors = _author_names(db, access)
    grouped = {c: CategoryItems(c, can_add=access.can_add(c)) for c in Category if access.can_see(c)}
    for item in readable_items(db, access, what="child page"):
        view = ItemView(
            item=item,
            author_name=authors.get(item.author_id, ""),
            viewers=audience_for_item(viewers, access.policy, item),
            can_edit=actions.may_edit_item(access, item),
        )
        grouped[Category(item.category)].items.append(view)
    return list(grouped.values())


def _author_names(db: Session, access: ChildAccess) -> dict[uuid.UUID, str]:
    rows = db.exec(
        select(Person.id, Person.family_name, Person.given_name).where(
            col(Person.id).in_(select(CaseItem.author_id).where(CaseItem.child_id == access.child_id))
        )
    )
    return {pid: f"{family} {given}".strip() for pid, family, given in rows}


def require_can_add(access: ChildAccess, category: str) -> None:
    """Before reading any input: adding to a category one may not add to does not exist."""
    known = category in set(Category)
    if known and access.can_add(Category(category)):
        return
    # An unknown category from someone who may add something is a mistake in the form (422 later).
    if known or not any(access.can_add(c) for c in Category):
        raise NotFound()


def _check(db: Session, access: ChildAccess, data: ItemIn) -> tuple[Category, list[str]]:
    try:
        category = Category(data.category)
    except ValueError:
        raise Invalid({"category": gettext("Choose one of the options.")}) from None
    if not access.can_add(category):
        raise NotFound()
    if data.audience not in {a.value for a in Audience}:
        raise Invalid({"audience": gettext("Choose one of the options.")})
    named: list[str] = []
    if data.audience == Audience.NAMED.value:
        named = _check_named(db, access, category, data.named)
    if category is Category.MESSAGES and not access.may_message_carers:
        _check_not_to_carers(db, access, data.audience, named)
    return category, named


def _check_not_to_carers(db: Session, access: ChildAccess, audience: str, named: list[str]) -> None:
    """Under a protection order a message goes to professionals only (or to named people, no carer)."""
    child = db.get(Child, access.child_id)
    assert child is not None
    carers = {
        str(v.person_id)
        for v in team_viewers(db, child, access.policy, access.on)
        if set(v.roles) & CARER_ROLES
    }
    if audience == Audience.TEAM.value or set(named) & carers:
        raise Invalid(
            {
                "audience": gettext(
                    "While a protection order concerns you, your messages go to the professionals on the "
                    "team only. Choose “Professionals only”."
                )
            }
        )


def _check_named(db: Session, access: ChildAccess, category: Category, named: list[str]) -> list[str]:
    """Named people must be on the team and already allowed to see the category: narrowing only."""
    if not named:
        raise Invalid({"named": gettext("Choose at least one person, or another audience.")})
    child = db.get(Child, access.child_id)
    assert child is not None
    allowed = {str(v.person_id): v for v in team_viewers(db, child, access.policy, access.on)}
    refused = [n for n in named if n not in allowed or not allowed[n].access.can_see(category)]
    if refused:
        raise Invalid(
            {
                "named": gettext(
                    "An author can only narrow who sees an item. Some of the people chosen may not see this "
                    "category under the sharing policy."
                )
            }
        )
    return sorted(set(named))


def add_item(db: Session, access: ChildAccess, data: ItemIn) -> CaseItem:
    category, named = _check(db, access, data)
    item = CaseItem(
        child_id=access.child_id,
        category=category.value,
        title=data.title,
        body=data.body,
        audience=data.audience,
        audience_person_ids=named,
        author_id=access.person_id,
    )
    db.add(item)
    db.flush()
    audit.record_change(db, access.actor, item, None, child_id=access.child_id, category=category.value)
    return item


def get_readable(db: Session, access: ChildAccess, item_id: uuid.UUID) -> CaseItem:
    item = db.get(CaseItem, item_id)
    if item is None or item.child_id != access.child_id or item.archived_at is not None:
        raise NotFound()
    if not access.can_read_item(item):
        raise NotFound()
    return item


def get_editable(db: Session, access: ChildAccess, item_id: uuid.UUID) -> CaseItem:
    item = get_readable(db, access, item_id)
    if not actions.may_edit_item(access, item):
        raise NotFound()
    return item


def update_item(db: Session, access: ChildAccess, item_id: uuid.UUID, data: ItemIn, version: int) -> CaseItem:
    item = get_editable(db, access, item_id)
    data.category = item.category  # an item stays in its category
    _category, named = _check(db, access, data)
    if item.version != version:
        raise _item_conflict(item)
    before = audit.snapshot(item)
    with checked_version_write(db, item, _item_conflict):
        item.title, item.body, item.audience, item.audience_person_ids = (
            data.title,
            data.body,
            data.audience,
            named,
        )
        item.updated_at = clock.now()
        db.add(item)
    audit.record_change(db, access.actor, item, before, child_id=access.child_id, category=item.category)
    return item


def _item_conflict(item: CaseItem) -> Conflict:
    return Conflict(
        gettext("Someone else changed this item after you opened the form."),
        current={"title": item.title, "body": item.body, "version": item.version},
    )


def archive_item(db: Session, access: ChildAccess, item_id: uuid.UUID, reason: str) -> CaseItem:
    item = get_editable(db, access, item_id)
    if not reason.strip():
        raise Invalid({"reason": gettext("Say why it is archived.")})
    before = audit.snapshot(item)
    item.archived_at, item.archive_reason = clock.now(), reason.strip()[:500]
    db.add(item)
    db.flush()
    audit.record_change(
        db, access.actor, item, before, action="archive", child_id=access.child_id, category=item.category
    )
    return item


def item_out(item: CaseItem, author: str) -> ItemOut:
    return ItemOut(
        id=item.id,
        category=item.category,
        title=item.title,
        body=item.body,
        audience=item.audience,
        author=author,
        created_at=item.created_at.isoformat(),
        version=item.version,
    )


def items_for_api(db: Session, access: ChildAccess) -> list[ItemOut]:
    authors = _author_names(db, access)
    return [item_out(i, authors.get(i.author_id, "")) for i in readable_items(db, access, what="api items")]
