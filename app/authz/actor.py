"""Who is asking: the signed-in person, as the policy layer sees them."""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass, field


@dataclass(frozen=True)
class HeldPosition:
    organisation_id: uuid.UUID
    organisation_kind: str
    position: str


@dataclass(frozen=True)
class Actor:
    person_id: uuid.UUID
    account_id: uuid.UUID
    display_name: str
    email: str
    locale: str
    is_admin: bool = False
    positions: tuple[HeldPosition, ...] = ()
    # "session" for pages, "token" for the JSON API.
    via: str = "session"
    session_id: str | None = None
    signed_in_at: dt.datetime | None = None
    extra: dict[str, str] = field(default_factory=dict, compare=False)

    @property
    def is_staff(self) -> bool:
        return bool(self.positions)

    def organisations_where(self, positions: frozenset[str], kind: str) -> set[uuid.UUID]:
        return {
            p.organisation_id
            for p in self.positions
            if p.position in positions and p.organisation_kind == kind
        }
