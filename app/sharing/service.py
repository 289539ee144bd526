"""The sharing policy at work: protection orders, a deployment's overrides of the matrix,
explanations of one person's access, and the child's access log (consents: app/sharing/consents.py)."""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass
from typing import Any

from sqlmodel import Session, col, select

from app.audit import service as audit
from app.audit.models import AuditEvent
from app.authz.access import ChildAccess, Decision, Reason
from app.authz.actor import Actor
from app.authz.policy import BIRTH_FAMILY_ROLES, Category, Level, SharingPolicy, TeamRole, default_policy
from app.authz.scope import load_policy
from app.authz.visibility import team_viewers
from app.caseinfo.models import CaseItem
from app.children.models import Child
from app.errors import Invalid, NotFound
from app.i18n import format_date, gettext
from app.people.models import Person
from app.sharing.models import PolicyOverride, ProtectionOrder
from app.teams.models import TeamMembership

# --- Protection orders ---------------------------------------------------------------------


def family_members(db: Session, access: ChildAccess) -> list[tuple[uuid.UUID, str]]:
    """The people an order can concern: the child's birth family on the team."""
    rows = db.exec(
        select(Person.id, Person.family_name, Person.given_name)
        .join(TeamMembership, col(TeamMembership.person_id) == Person.id)
        .where(
            TeamMembership.child_id == access.child_id,
            col(TeamMembership.role).in_([r.value for r in BIRTH_FAMILY_ROLES]),
        )
        .distinct()
    )
    return [(pid, f"{family} {given}".strip()) for pid, family, given in rows]


def protection_orders(db: Session, access: ChildAccess) -> list[tuple[ProtectionOrder, str]]:
    if not access.can_see(Category.LEGAL):
        return []
    rows = db.exec(
        select(ProtectionOrder, Person)
        .join(Person, col(Person.id) == ProtectionOrder.person_id)
        .where(ProtectionOrder.child_id == access.child_id, col(ProtectionOrder.archived_at).is_(None))
        .order_by(col(ProtectionOrder.start_date).desc())
    ).all()
    return [(order, person.display_name) for order, person in rows]


def record_protection_order(
    db: Session, access: ChildAccess, person_id: uuid.UUID | None, start: dt.date, note: str
) -> ProtectionOrder:
    if not access.can_manage(Category.LEGAL):
        raise NotFound()
    if person_id is None or person_id not in {pid for pid, _ in family_members(db, access)}:
        raise Invalid({"person_id": gettext("Choose a person of the child's family on the team.")})
    order = ProtectionOrder(
        child_id=access.child_id,
        person_id=person_id,
        start_date=start,
        note=note.strip()[:1000],
        recorded_by_id=access.person_id,
    )
    db.add(order)
    db.flush()
    audit.record_change(
        db, access.actor, order, None, child_id=access.child_id, category=Category.LEGAL.value
    )
    return order


def end_protection_order(db: Session, access: ChildAccess, order_id: uuid.UUID, end: dt.date) -> None:
    if not access.can_manage(Category.LEGAL):
        raise NotFound()
    order = db.get(ProtectionOrder, order_id)
    if order is None or order.child_id != access.child_id:
        raise NotFound()
    if end < order.start_date:
        raise Invalid({"end_date": gettext("The end date cannot be before the start date.")})
    before = audit.snapshot(order)
    order.end_date = end
    db.add(order)
    audit.record_change(
        db, access.actor, order, before, child_id=access.child_id, category=Category.LEGAL.value
    )


# --- A deployment's overrides of the matrix -----------------------------------------------


def set_override(db: Session, actor: Actor, role: str, category: str, level: str, reason: str) -> None:
    """Change one cell of the matrix (or put it back to the repository's default), audited."""
    try:
        cell = (TeamRole(role), Category(category))
        wanted = Level.parse(level)
    except (ValueError, KeyError):
        raise Invalid({"level": gettext("Choose one of the options.")}) from None
    if not reason.strip():
        raise Invalid({"reason": gettext("Say why the sharing policy changes.")})
    default = default_policy().matrix[cell]
    before = load_policy(db).matrix[cell]
    existing = db.exec(
        select(PolicyOverride).where(PolicyOverride.role == role, PolicyOverride.category == category)
    ).first()
    if existing is not None:
        db.delete(existing)
        db.flush()
    if wanted != default:
        db.add(
            PolicyOverride(
                role=role,
                category=category,
                level=wanted.key,
                reason=reason.strip()[:500],
                changed_by_id=actor.person_id,
            )
        )
    audit.record(
        db,
        actor,
        "policy_change",
        "policy_override",
        f"{role}/{category}",
        category=category,
        summary=reason.strip()[:300],
        changes={"level": [before.key, wanted.key], "role": [role, role]},
    )


def overrides(db: Session) -> list[PolicyOverride]:
    return list(
        db.exec(select(PolicyOverride).order_by(col(PolicyOverride.role), col(PolicyOverride.category)))
    )


def policy_history(db: Session, limit: int = 50) -> list[AuditEvent]:
    return list(
        db.exec(
            select(AuditEvent)
            .where(AuditEvent.action == "policy_change")
            .order_by(col(AuditEvent.id).desc())
            .limit(limit)
        )
    )


@dataclass(frozen=True)
class PolicyChange:
    """One change of a matrix cell, in words: labels in the reader's language, not keys."""

    at: dt.datetime
    role: str
    category: str
    before: str
    after: str
    reason: str


def policy_history_rows(db: Session, policy: SharingPolicy, limit: int = 50) -> list[PolicyChange]:
    rows = []
    for event in policy_history(db, limit):
        role_key, _, category_key = event.entity_id.partition("/")
        before, after = (event.changes.get("level") or ["", ""])[:2]
        rows.append(
            PolicyChange(
                at=event.at,
                role=_label(policy.roles, TeamRole, role_key),
                category=_label(policy.categories, Category, category_key),
                before=_level_label(policy, before),
                after=_level_label(policy, after),
                reason=event.summary,
            )
        )
    return rows


def _label(table: Any, kind: Any, key: str) -> str:
    try:
        return str(table[kind(key)].label)
    except (ValueError, KeyError):
        return key  # a role or category no longer in the policy: its key is all there is


def _level_label(policy: SharingPolicy, key: str) -> str:
    try:
        return str(policy.levels[Level.parse(key)])
    except (ValueError, KeyError):
        return key


# --- Why can (or can't) this person see this? --------------------------------------------


@dataclass(frozen=True)
class Explanation:
    person_name: str
    subject: str
    decision: Decision


def explain(
    db: Session, access: ChildAccess, person_id: uuid.UUID, category: str | None, item_id: uuid.UUID | None
) -> Explanation:
    """For staff: why a person can or cannot see a category or an item of this child."""
    if not access.is_professional:
        raise NotFound()
    person = db.get(Person, person_id)
    if person is None:
        raise NotFound()
    item = db.get(CaseItem, item_id) if item_id else None
    if item is not None and (item.child_id != access.child_id or not access.can_read_item(item)):
        raise NotFound()
    try:
        chosen = Category(item.category if item else (category or Category.BASIC_PROFILE.value))
    except ValueError:
        raise NotFound() from None
    subject = item.title if item else str(access.policy.categories[chosen].label)
    child = db.get(Child, access.child_id)
    assert child is not None
    viewer = next(
        (v for v in team_viewers(db, child, access.policy, access.on) if v.person_id == person_id), None
    )
    if viewer is None:
        return Explanation(person.display_name, subject, Decision(False, _not_on_team(db, access, person_id)))
    decision = viewer.access.explain_item(item) if item else viewer.access.explain(chosen)
    return Explanation(person.display_name, subject, decision)


def _not_on_team(db: Session, access: ChildAccess, person_id: uuid.UUID) -> tuple[Reason, ...]:
    ended = db.exec(
        select(TeamMembership)
        .where(
            TeamMembership.child_id == access.child_id,
            TeamMembership.person_id == person_id,
            col(TeamMembership.end_date).is_not(None),
        )
        .order_by(col(TeamMembership.end_date).desc())
    ).first()
    if ended is not None and ended.end_date is not None:
        return (
            Reason(gettext("They left the team on %(date)s.", date=format_date(ended.end_date)), False),
            Reason(str(access.policy.hard_rules["former_member"]), False),
        )
    return (Reason(gettext("They are not on this child's team, so they see nothing of the child."), False),)


# --- The child's access log ------------------------------------------------------------------


def may_read_access_log(access: ChildAccess) -> bool:
    return bool(access.roles & access.policy.access_log_roles)


# Reading the log (one entry per request, filters, pages, the export): app/sharing/access_log.py.
