"""Invitations onto a child's team, by e-mail: a single-use link with 256 random bits, valid for
a limited time, that lets the person choose a password and join the team."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
import uuid
from dataclasses import dataclass

from sqlmodel import Session, col, select

from app import clock
from app.accounts.models import Account, Invitation
from app.accounts.passwords import hash_password, password_problem
from app.accounts.service import find_account, normalise_email
from app.audit import service as audit
from app.authz.access import ChildAccess
from app.authz.actor import Actor
from app.authz.policy import Category, TeamRole
from app.authz.scope import active_membership_clause
from app.config import Settings
from app.errors import Invalid, NotFound
from app.i18n import LOCALES, gettext
from app.notifications import emails, outbox
from app.people.models import Person
from app.people.service import is_email
from app.teams.models import TeamMembership


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def invite(
    db: Session,
    access: ChildAccess,
    settings: Settings,
    *,
    email: str,
    family_name: str,
    given_name: str,
    role: str,
    locale: str,
) -> Invitation:
    """Invite someone onto the child's team and queue the e-mail with the link."""
    if not access.can_invite:
        raise NotFound()
    email = normalise_email(email)
    errors: dict[str, str] = {}
    if not is_email(email):
        errors["email"] = gettext("Enter an e-mail address like name@example.jp.")
    if not family_name.strip():
        errors["family_name"] = gettext("Enter the name.")
    if role not in {r.value for r in access.policy.invitable_roles}:
        errors["role"] = gettext("Choose one of the options.")
    if errors:
        raise Invalid(errors)
    token = secrets.token_urlsafe(32)
    invitation = Invitation(
        token_hash=hash_token(token),
        child_id=access.child_id,
        role=role,
        email=email,
        family_name=family_name.strip(),
        given_name=given_name.strip(),
        locale=locale if locale in LOCALES else "ja",
        invited_by_id=access.person_id,
        expires_at=clock.now() + dt.timedelta(hours=settings.invitation_valid_hours),
    )
    db.add(invitation)
    db.flush()
    message = emails.invitation(
        invitation.locale, f"{settings.base_url}/invitations/{token}", invitation.expires_at
    )
    outbox.enqueue(db, kind="invitation", to=email, subject=message.subject, body=message.body)
    audit.record(
        db,
        access.actor,
        "invite",
        "invitation",
        invitation.id,
        child_id=access.child_id,
        category=Category.BASIC_PROFILE.value,
        summary=role,
    )
    return invitation


def pending_invitations(db: Session, access: ChildAccess) -> list[Invitation]:
    if not access.can_invite:
        return []
    return list(
        db.exec(
            select(Invitation)
            .where(
                Invitation.child_id == access.child_id,
                col(Invitation.accepted_at).is_(None),
                col(Invitation.revoked_at).is_(None),
            )
            .order_by(col(Invitation.created_at).desc())
        )
    )


def revoke(db: Session, access: ChildAccess, invitation_id: uuid.UUID) -> None:
    invitation = db.get(Invitation, invitation_id)
    if not access.can_invite or invitation is None or invitation.child_id != access.child_id:
        raise NotFound()
    invitation.revoked_at = clock.now()
    db.add(invitation)
    audit.record(db, access.actor, "revoke", "invitation", invitation.id, child_id=access.child_id)


@dataclass(frozen=True)
class InvitationState:
    """What an invitation link can still do, and why not."""

    invitation: Invitation | None
    problem: str | None  # "unknown", "expired", "used", "revoked"
    existing_account: Account | None = None

    @property
    def usable(self) -> bool:
        return self.problem is None


def look_up(db: Session, token: str) -> InvitationState:
    invitation = db.exec(select(Invitation).where(Invitation.token_hash == hash_token(token))).first()
    if invitation is None:
        return InvitationState(None, "unknown")
    if invitation.revoked_at is not None:
        return InvitationState(invitation, "revoked")
    if invitation.accepted_at is not None:
        return InvitationState(invitation, "used")
    if invitation.expires_at <= clock.now():
        return InvitationState(invitation, "expired")
    return InvitationState(invitation, None, find_account(db, invitation.email))


def accept_new(db: Session, token: str, password: str, confirm: str) -> Account:
    """Accept an invitation as a new person: the account, the person and the team membership."""
    state = look_up(db, token)
    if not state.usable or state.invitation is None:
        raise NotFound()
    if state.existing_account is not None:
        raise Invalid({"password": gettext("This e-mail address already has an account. Sign in to accept.")})
    invitation = state.invitation
    problem = password_problem(password, email=invitation.email)
    if problem:
        raise Invalid({"password": problem})
    if password != confirm:
        raise Invalid({"confirm": gettext("The two new passwords are not the same.")})
    person = Person(
        family_name=invitation.family_name, given_name=invitation.given_name, email=invitation.email
    )
    db.add(person)
    db.flush()
    account = Account(
        person_id=person.id,
        email=invitation.email,
        password_hash=hash_password(password),
        locale=invitation.locale,
        password_changed_at=clock.now(),
    )
    db.add(account)
    _join(db, invitation, person.id)
    return account


def accept_as(db: Session, actor: Actor, token: str) -> Invitation:
    """Accept an invitation as the signed-in person whose e-mail it was sent to."""
    state = look_up(db, token)
    if not state.usable or state.invitation is None:
        raise NotFound()
    if state.invitation.email != normalise_email(actor.email):
        raise Invalid({"email": gettext("This invitation was sent to another e-mail address.")})
    _join(db, state.invitation, actor.person_id)
    return state.invitation


def _join(db: Session, invitation: Invitation, person_id: uuid.UUID) -> None:
    today = clock.today()
    already = db.exec(
        select(TeamMembership).where(
            TeamMembership.child_id == invitation.child_id,
            TeamMembership.person_id == person_id,
            TeamMembership.role == invitation.role,
            active_membership_clause(today),
        )
    ).first()
    if already is None:
        membership = TeamMembership(
            child_id=invitation.child_id,
            person_id=person_id,
            role=invitation.role,
            start_date=today,
            added_by_id=invitation.invited_by_id,
        )
        db.add(membership)
    invitation.accepted_at, invitation.accepted_person_id = clock.now(), person_id
    db.add(invitation)
    db.flush()
    audit.record(
        db,
        None,
        "accept",
        "invitation",
        invitation.id,
        child_id=invitation.child_id,
        category=Category.BASIC_PROFILE.value,
        summary=invitation.role,
        person_id=person_id,
    )


def invitable_role_options(access: ChildAccess) -> list[tuple[str, str]]:
    return [(r.value, str(access.policy.roles[TeamRole(r)].label)) for r in access.policy.invitable_roles]
