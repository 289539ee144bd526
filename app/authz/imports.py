"""Who may import a centre's caseload or export it: a supervisor of a child guidance centre, for
their own centre, and an administrator, for any centre (setting up a centre that adopts the portal).

An import creates children, placements and teams in bulk, so it is held by the person who answers
for the centre's whole caseload, not by every caseworker."""

from __future__ import annotations

import uuid

from sqlmodel import Session, col, select

from app.authz.actor import Actor
from app.orgs.models import Organisation, OrgKind, Position

CASELOAD_POSITIONS = frozenset({Position.SUPERVISOR.value})


def caseload_centres(db: Session, actor: Actor) -> list[Organisation]:
    """The centres whose caseload this person may import and export (empty: the pages do not exist)."""
    query = select(Organisation).where(
        Organisation.kind == OrgKind.CHILD_GUIDANCE_CENTRE.value, col(Organisation.archived_at).is_(None)
    )
    if not actor.is_admin:
        own = actor.organisations_where(CASELOAD_POSITIONS, OrgKind.CHILD_GUIDANCE_CENTRE.value)
        if not own:
            return []
        query = query.where(col(Organisation.id).in_(own))
    return list(db.exec(query.order_by(col(Organisation.name))))


def may_handle_caseload(db: Session, actor: Actor, centre_id: uuid.UUID) -> bool:
    return any(centre.id == centre_id for centre in caseload_centres(db, actor))
