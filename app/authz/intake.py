"""Who may register a child: a caseworker or supervisor of a child guidance centre, for their own
centre (DOMAIN.md: the centre takes the child into protection and is responsible for the case)."""

from __future__ import annotations

import uuid

from app.authz.actor import Actor
from app.orgs.models import OrgKind, Position

INTAKE_POSITIONS = frozenset({Position.CASEWORKER.value, Position.SUPERVISOR.value})


def intake_centres(actor: Actor) -> set[uuid.UUID]:
    """The centres where this person may register a child (empty: the intake form does not exist)."""
    return actor.organisations_where(INTAKE_POSITIONS, OrgKind.CHILD_GUIDANCE_CENTRE.value)


def may_register_at(actor: Actor, centre_id: uuid.UUID) -> bool:
    return centre_id in intake_centres(actor)
