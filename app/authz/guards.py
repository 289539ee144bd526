"""Route guards: every route declares, through one of these dependencies, who may call it.

A test (tests/authz/test_every_route_guarded.py) walks app.routes and fails for any route whose
dependencies include none of them, so a new route cannot forget to ask the policy.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Annotated, Any, TypeVar

from fastapi import Depends, Request

from app.accounts.identity import load_actor
from app.accounts.sessions import SessionState
from app.accounts.tokens import find_live_token
from app.authz.access import ChildAccess
from app.authz.actor import Actor
from app.authz.policy import SharingPolicy
from app.authz.scope import child_access, load_policy
from app.contacts.calendar import feed_owner
from app.db import DbSession
from app.errors import Forbidden, MustEnrolSecondFactor, NotFound, NotSignedIn
from app.i18n import gettext

GUARD_ATTRIBUTE = "__qpi_guard__"
F = TypeVar("F", bound=Callable[..., Any])


def guard(kind: str) -> Callable[[F], F]:
    def mark(func: F) -> F:
        setattr(func, GUARD_ATTRIBUTE, kind)
        return func

    return mark


def request_policy(request: Request, db: DbSession) -> SharingPolicy:
    cached = getattr(request.state, "policy", None)
    if cached is None:
        cached = load_policy(db)
        request.state.policy = cached
    return cached


def optional_actor(request: Request, db: DbSession) -> Actor | None:
    """The signed-in person: by bearer token under /api, by session cookie elsewhere."""
    if hasattr(request.state, "actor"):
        cached: Actor | None = request.state.actor
        return cached
    actor: Actor | None = None
    if request.url.path.startswith("/api/"):
        header = request.headers.get("authorization", "")
        scheme, _, value = header.partition(" ")
        if scheme.lower() == "bearer" and value:
            token = find_live_token(db, value.strip())
            if token is not None:
                actor = load_actor(db, token.person_id, via="token")
    else:
        state: SessionState | None = request.scope.get("qpi.session")
        if state is not None and state.person_id is not None:
            actor = load_actor(db, state.person_id, via="session", session_id=state.record_id)
    request.state.actor = actor
    return actor


@guard("public")
def public() -> None:
    """Open to anyone: sign-in pages, health checks, the language switch."""


# Until a staff member has set up their second factor, only these pages open.
ENROLMENT_PATHS = ("/account/two-factor", "/sign-out", "/language")


@guard("development")
def development_only(request: Request) -> None:
    """Pages for trying the portal on a laptop (the dev mailbox); they do not exist elsewhere."""
    if not request.app.state.settings.is_development:
        raise NotFound()


@guard("signed_in")
def signed_in(request: Request, actor: Annotated[Actor | None, Depends(optional_actor)]) -> Actor:
    if actor is None:
        raise NotSignedIn(gettext("Please sign in."))
    enrolling = actor.via == "session" and request.session.get("must_enrol_totp")
    if enrolling and not request.url.path.startswith(ENROLMENT_PATHS):
        raise MustEnrolSecondFactor()
    return actor


@guard("admin")
def admin_required(actor: Annotated[Actor, Depends(signed_in)]) -> Actor:
    if not actor.is_admin:
        raise Forbidden(gettext("Only administrators can open this page."))
    return actor


@guard("staff")
def staff_required(actor: Annotated[Actor, Depends(signed_in)]) -> Actor:
    if not actor.is_staff:
        raise NotFound()
    return actor


@guard("child")
def child_scope(
    child_id: uuid.UUID,
    actor: Annotated[Actor, Depends(signed_in)],
    policy: Annotated[SharingPolicy, Depends(request_policy)],
    db: DbSession,
) -> ChildAccess:
    """The reader's access to the child named in the path; 404 when outside their scope."""
    return child_access(db, actor, child_id, policy)


@guard("calendar")
def calendar_feed_owner(token: str, db: DbSession) -> Actor:
    """The owner of the calendar feed named by the token in the path. Calendar apps cannot sign in,
    so the random token is the credential; unknown, stopped or of a disabled account: 404."""
    owner = feed_owner(db, token)
    if owner is None:
        raise NotFound()
    return owner


Public = Annotated[None, Depends(public)]
DevelopmentOnly = Annotated[None, Depends(development_only)]
CurrentActor = Annotated[Actor, Depends(signed_in)]
AdminActor = Annotated[Actor, Depends(admin_required)]
StaffActor = Annotated[Actor, Depends(staff_required)]
ChildScope = Annotated[ChildAccess, Depends(child_scope)]
RequestPolicy = Annotated[SharingPolicy, Depends(request_policy)]
FeedOwner = Annotated[Actor, Depends(calendar_feed_owner)]
