"""Signing in and out, and what a person changes about their own account."""

from __future__ import annotations

import secrets
import uuid

from fastapi import Request
from sqlmodel import Session, func, select

from app.accounts import sessions
from app.accounts.models import Account
from app.accounts.passwords import hash_password, needs_rehash, password_problem, verify_password
from app.accounts.sessions import SessionState
from app.audit import service as audit
from app.authz.actor import Actor
from app.config import Settings
from app.errors import Invalid
from app.i18n import LOCALES, gettext
from app.modeling import utcnow
from app.orgs.models import StaffPosition


def normalise_email(email: str) -> str:
    return email.strip().lower()


def find_account(db: Session, email: str) -> Account | None:
    return db.exec(select(Account).where(Account.email == normalise_email(email))).first()


def check_password(db: Session, email: str, password: str) -> Account | None:
    """The enabled account with this e-mail and password, or None. Unknown e-mail and wrong
    password take the same time and give the same answer."""
    account = find_account(db, email)
    ok = verify_password(account.password_hash if account else None, password)
    if not ok or account is None or account.disabled_at is not None:
        return None
    if account.password_hash and needs_rehash(account.password_hash):
        account.password_hash = hash_password(password)
        db.add(account)
    return account


def is_staff(db: Session, person_id: uuid.UUID) -> bool:
    count = db.exec(
        select(func.count()).select_from(StaffPosition).where(StaffPosition.person_id == person_id)
    ).one()
    return count > 0


def begin_session(db: Session, request: Request, settings: Settings, account: Account, method: str) -> None:
    """Sign the person in: a fresh session id (no fixation), the old session ended."""
    state: SessionState = request.scope["qpi.session"]
    if state.record_id:
        sessions.end_session(db, state.record_id, reason="rotated")
    staff = is_staff(db, account.person_id)
    idle = settings.session_idle_minutes_staff if staff else settings.session_idle_minutes_family
    data = {"csrf": secrets.token_urlsafe(32), "locale": account.locale, "method": method}
    state.new_cookie_value = sessions.create_session(
        db,
        person_id=account.person_id,
        idle_minutes=idle,
        absolute_hours=settings.session_absolute_hours,
        data=data,
        ip=request.client.host if request.client else "",
        user_agent=request.headers.get("user-agent", ""),
    )
    request.scope["session"] = data
    account.last_sign_in_at = utcnow()
    db.add(account)
    audit.record(db, None, "sign_in", "account", account.id, summary=method, person_id=account.person_id)


def sign_out(db: Session, request: Request, actor: Actor | None) -> None:
    state: SessionState = request.scope["qpi.session"]
    if state.record_id:
        sessions.end_session(db, state.record_id, reason="signed_out")
        if actor:
            audit.record(db, actor, "sign_out", "account", actor.account_id)
    state.clear_cookie = True
    request.scope["session"] = {}


def set_language(db: Session, actor: Actor | None, request: Request, locale: str) -> str:
    locale = locale if locale in LOCALES else "ja"
    request.session["locale"] = locale
    if actor is not None:
        account = db.get(Account, actor.account_id)
        if account is not None and account.locale != locale:
            account.locale = locale
            db.add(account)
    return locale


def change_password(db: Session, actor: Actor, current: str, new: str, confirm: str) -> None:
    account = db.get(Account, actor.account_id)
    assert account is not None
    errors: dict[str, str] = {}
    if not verify_password(account.password_hash, current):
        errors["current_password"] = gettext("Your current password is not correct.")
    problem = password_problem(new, email=account.email)
    if problem:
        errors["new_password"] = problem
    elif new != confirm:
        errors["confirm_password"] = gettext("The two new passwords are not the same.")
    if errors:
        raise Invalid(errors)
    account.password_hash = hash_password(new)
    account.password_changed_at = utcnow()
    db.add(account)
    # Other devices signed in with the old password are signed out.
    sessions.end_all_sessions(db, actor.person_id, reason="password_changed", keep=actor.session_id)
    audit.record(db, actor, "change_password", "account", account.id)
