"""Saving a plan without problems: children, placements and team members, all in the request's one
transaction (app/db.py commits when the route returns, rolls back on any error), so an import is
saved whole or not at all."""

from __future__ import annotations

import uuid
from typing import Any

from sqlmodel import Session

from app.audit import service as audit
from app.authz.actor import Actor
from app.authz.policy import Category
from app.children.models import Child, Placement
from app.imports.lookups import Lookups
from app.imports.plan import CREATE, UNCHANGED, UPDATE, ChildIn, Plan
from app.teams.models import TeamMembership

CATEGORY = Category.BASIC_PROFILE.value


def apply_plan(db: Session, actor: Actor, plan: Plan, found: Lookups) -> dict[str, int]:
    assert not plan.problems, "a plan with problems is never saved"
    # Two flushes for the whole file, not one per row: the children first (placements and teams
    # refer to them), then everything else. Ids are made in Python, so nothing waits for the database.
    changing = [c for c in plan.children if c.action != UNCHANGED]
    children = [_child(db, actor, child_in, plan.centre_id) for child_in in changing]
    db.flush()
    for child, child_in in zip(children, changing, strict=True):
        _placements(db, actor, child, child_in)
        _members(db, actor, child, child_in, found)
    db.flush()
    summary = plan.summary()
    audit.record(
        db,
        actor,
        "import",
        "organisation",
        plan.centre_id,
        summary=", ".join(f"{k}={v}" for k, v in summary.items()),
    )
    return summary


def _child(db: Session, actor: Actor, child_in: ChildIn, centre_id: uuid.UUID) -> Child:
    values = {k: v for k, v in child_in.fields.items() if v is not None}
    if child_in.action == CREATE:
        child = Child(responsible_centre_id=centre_id, case_number=child_in.case_number, **values)
        db.add(child)
        audit.record_change(db, actor, child, None, action="import", child_id=child.id, category=CATEGORY)
        return child
    existing = child_in.existing
    assert existing is not None and child_in.action == UPDATE
    child = existing
    before = audit.snapshot(child)
    changed = _set(child, values)
    if changed:
        db.add(child)
        audit.record_change(db, actor, child, before, action="import", child_id=child.id, category=CATEGORY)
    return child


def _set(record: Any, values: dict[str, Any]) -> bool:
    changed = False
    for key, value in values.items():
        if getattr(record, key) != value:
            setattr(record, key, value)
            changed = True
    return changed


def _placements(db: Session, actor: Actor, child: Child, child_in: ChildIn) -> None:
    for placement_in in child_in.placements:
        if not placement_in.changed:
            continue
        existing = placement_in.existing
        if existing is None:
            placement = Placement(
                child_id=child.id,
                kind=placement_in.kind,
                start_date=placement_in.start_date,
                **placement_in.values(),
            )
            db.add(placement)
            audit.record_change(
                db, actor, placement, None, action="import", child_id=child.id, category=CATEGORY
            )
            continue
        before = audit.snapshot(existing)
        _set(existing, placement_in.values())
        db.add(existing)
        audit.record_change(
            db, actor, existing, before, action="import", child_id=child.id, category=CATEGORY
        )


def _members(db: Session, actor: Actor, child: Child, child_in: ChildIn, found: Lookups) -> None:
    starts = [p.start_date for p in child_in.placements if p.end_date is None] or [found.today]
    start = min(min(starts), found.today)
    for person_id, role in child_in.new_members.items():
        db.add(
            TeamMembership(
                child_id=child.id,
                person_id=person_id,
                role=role,
                start_date=start,
                added_by_id=actor.person_id,
            )
        )
