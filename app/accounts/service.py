"""Signing in and out, and what a person changes about their own account."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
import uuid
from dataclasses import dataclass

from fastapi import Request
from sqlmodel import Session, func, select

from app import clock
from app.accounts import sessions, throttle, totp
from app.accounts.models import Account, PasswordReset
from app.accounts.passwords import hash_password, needs_rehash, password_problem, verify_password
from app.accounts.sessions import SessionState
from app.audit import service as audit
from app.authz.actor import Actor
from app.config import Settings
from app.errors import Invalid, NotFound
from app.i18n import LOCALES, gettext
from app.notifications import emails, outbox
from app.orgs.models import StaffPosition
from app.people.models import Person


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
    data: dict[str, object] = {"csrf": secrets.token_urlsafe(32), "locale": account.locale, "method": method}
    if must_enrol_totp(db, settings, account, method):
        data["must_enrol_totp"] = True
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
    account.last_sign_in_at = clock.now()
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
    account.password_changed_at = clock.now()
    db.add(account)
    # Other devices signed in with the old password are signed out.
    sessions.end_all_sessions(db, actor.person_id, reason="password_changed", keep=actor.session_id)
    audit.record(db, actor, "change_password", "account", account.id)


# --- Throttled sign-in with an optional second step -------------------------------------------


@dataclass(frozen=True)
class SignInOutcome:
    account: Account | None = None
    locked_minutes: int = 0

    @property
    def needs_code(self) -> bool:
        return self.account is not None and self.account.has_totp


def attempt_password(db: Session, settings: Settings, email: str, password: str, ip: str) -> SignInOutcome:
    """Check e-mail and password unless throttled; a failure is counted for the account and address."""
    known = find_account(db, email)
    locked = throttle.minutes_locked(
        db, settings, email, ip, since_success=known.last_sign_in_at if known else None
    )
    if locked:
        return SignInOutcome(locked_minutes=locked)
    account = check_password(db, email, password)
    if account is None:
        throttle.record_failure(db, email, ip)
        return SignInOutcome()
    return SignInOutcome(account=account)


def attempt_code(db: Session, settings: Settings, account_id: uuid.UUID, code: str, ip: str) -> SignInOutcome:
    account = db.get(Account, account_id)
    if account is None or account.disabled_at is not None:
        return SignInOutcome()
    locked = throttle.minutes_locked(db, settings, account.email, ip, since_success=account.last_sign_in_at)
    if locked:
        return SignInOutcome(locked_minutes=locked)
    if not totp.verify_and_consume(account, code):
        throttle.record_failure(db, account.email, ip, kind="totp")
        return SignInOutcome()
    db.add(account)
    return SignInOutcome(account=account)


def must_enrol_totp(db: Session, settings: Settings, account: Account, method: str) -> bool:
    """Local staff accounts must use a second factor (organisation sign-ins bring their own)."""
    return (
        settings.require_staff_totp
        and method == "password"
        and not account.has_totp
        and (account.is_admin or is_staff(db, account.person_id))
    )


# --- Second factor, e-mail and password reset: each asks for the password again ---------------


def _require_password(account: Account, password: str, field: str = "password") -> None:
    if not verify_password(account.password_hash, password):
        raise Invalid({field: gettext("Your current password is not correct.")})


def enable_totp(db: Session, actor: Actor, secret: str, password: str, code: str) -> None:
    account = db.get(Account, actor.account_id)
    assert account is not None
    _require_password(account, password)
    step = totp.matching_step(secret, code)
    if step is None:
        raise Invalid(
            {"code": gettext("This code is not right. Check the time on your phone and try the newest code.")}
        )
    account.totp_secret, account.totp_enabled_at, account.totp_last_step = secret, clock.now(), step
    db.add(account)
    sessions.end_all_sessions(db, actor.person_id, reason="second_factor_changed", keep=actor.session_id)
    audit.record(db, actor, "enable_totp", "account", account.id)


def disable_totp(db: Session, settings: Settings, actor: Actor, password: str) -> None:
    account = db.get(Account, actor.account_id)
    assert account is not None
    _require_password(account, password)
    if settings.require_staff_totp and (account.is_admin or is_staff(db, account.person_id)):
        raise Invalid({"password": gettext("Staff accounts must keep a second factor.")})
    account.totp_secret = account.totp_enabled_at = account.totp_last_step = None
    db.add(account)
    sessions.end_all_sessions(db, actor.person_id, reason="second_factor_changed", keep=actor.session_id)
    audit.record(db, actor, "disable_totp", "account", account.id)


def change_email(db: Session, settings: Settings, actor: Actor, password: str, new_email: str) -> None:
    from app.people.service import is_email

    account = db.get(Account, actor.account_id)
    assert account is not None
    _require_password(account, password, "email_password")
    new_email = normalise_email(new_email)
    if not is_email(new_email):
        raise Invalid({"new_email": gettext("Enter an e-mail address like name@example.jp.")})
    other = find_account(db, new_email)
    if other is not None and other.id != account.id:
        raise Invalid({"new_email": gettext("Another account already uses this e-mail address.")})
    old_email = account.email
    account.email = new_email
    db.add(account)
    person = db.get(Person, account.person_id)
    if person is not None and person.email.lower() == old_email:
        person.email = new_email
        db.add(person)
    notice = emails.email_changed(account.locale, settings.base_url)
    outbox.enqueue(
        db,
        kind="email_changed",
        to=old_email,
        subject=notice.subject,
        body=notice.body,
        person_id=account.person_id,
    )
    sessions.end_all_sessions(db, actor.person_id, reason="email_changed", keep=actor.session_id)
    audit.record(db, actor, "change_email", "account", account.id, changes={"email": [old_email, new_email]})


def request_password_reset(db: Session, settings: Settings, email: str, ip: str) -> None:
    """Queue a reset link if the account exists. The answer to the person never says whether it does."""
    if throttle.minutes_locked(db, settings, f"reset:{email}", ip):
        return
    throttle.record_failure(db, f"reset:{email}", ip, kind="reset")  # counts requests, not failures
    account = find_account(db, email)
    if account is None or account.disabled_at is not None:
        return
    token = secrets.token_urlsafe(32)
    expires = clock.now() + dt.timedelta(minutes=settings.password_reset_valid_minutes)
    db.add(PasswordReset(token_hash=hash_secret(token), account_id=account.id, expires_at=expires))
    message = emails.password_reset(account.locale, f"{settings.base_url}/password-reset/{token}", expires)
    outbox.enqueue(
        db,
        kind="password_reset",
        to=account.email,
        subject=message.subject,
        body=message.body,
        person_id=account.person_id,
    )


def hash_secret(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def find_reset(db: Session, token: str) -> tuple[PasswordReset | None, str | None]:
    """The reset record for a link, or the reason it cannot be used ("unknown", "used", "expired")."""
    reset = db.exec(select(PasswordReset).where(PasswordReset.token_hash == hash_secret(token))).first()
    if reset is None:
        return None, "unknown"
    if reset.used_at is not None:
        return reset, "used"
    if reset.expires_at <= clock.now():
        return reset, "expired"
    return reset, None


def complete_password_reset(db: Session, token: str, password: str, confirm: str) -> Account:
    reset, problem = find_reset(db, token)
    if reset is None or problem:
        raise NotFound()
    account = db.get(Account, reset.account_id)
    assert account is not None
    problem_text = password_problem(password, email=account.email)
    if problem_text:
        raise Invalid({"password": problem_text})
    if password != confirm:
        raise Invalid({"confirm": gettext("The two new passwords are not the same.")})
    account.password_hash, account.password_changed_at = hash_password(password), clock.now()
    reset.used_at = clock.now()
    db.add(account)
    db.add(reset)
    sessions.end_all_sessions(db, account.person_id, reason="password_changed")
    audit.record(db, None, "reset_password", "account", account.id, person_id=account.person_id)
    return account
