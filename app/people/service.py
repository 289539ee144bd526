"""People and their sign-ins, as administrators manage them."""

from __future__ import annotations

import datetime as dt
import re
import uuid

from pydantic import BaseModel, ConfigDict, Field
from sqlmodel import Session, col, or_, select

from app import clock
from app.accounts import sessions
from app.accounts.models import Account
from app.accounts.passwords import hash_password, password_problem
from app.accounts.service import find_account, normalise_email
from app.audit import service as audit
from app.authz.actor import Actor
from app.db import checked_version_write
from app.errors import Conflict, Invalid, NotFound
from app.i18n import gettext
from app.orgs.models import Organisation, Position, StaffPosition
from app.people.models import Person

EMAIL_PATTERN = r"^[^@\s]+@[^@\s]+\.[^@\s]+$"


class PersonIn(BaseModel):
    model_config = ConfigDict(str_strip_whitespace=True)

    family_name: str = Field(min_length=1, max_length=100)
    given_name: str = Field(default="", max_length=100)
    family_name_kana: str = Field(default="", max_length=100)
    given_name_kana: str = Field(default="", max_length=100)
    email: str = Field(default="", max_length=254)
    phone: str = Field(default="", max_length=40)


def list_people(db: Session, search: str = "", limit: int = 200) -> list[tuple[Person, Account | None]]:
    query = select(Person, Account).join(Account, col(Account.person_id) == Person.id, isouter=True)
    if search.strip():
        pattern = f"%{search.strip()}%"
        query = query.where(
            or_(
                col(Person.family_name).ilike(pattern),
                col(Person.given_name).ilike(pattern),
                col(Person.family_name_kana).ilike(pattern),
                col(Account.email).ilike(pattern),
            )
        )
    rows = db.exec(
        query.order_by(col(Person.family_name_kana), col(Person.given_name_kana)).limit(limit)
    ).all()
    return [(person, account) for person, account in rows]


def get_person(db: Session, person_id: uuid.UUID) -> Person:
    person = db.get(Person, person_id)
    if person is None:
        raise NotFound()
    return person


def account_of(db: Session, person_id: uuid.UUID) -> Account | None:
    return db.exec(select(Account).where(Account.person_id == person_id)).first()


def positions_of(db: Session, person_id: uuid.UUID) -> list[tuple[StaffPosition, Organisation]]:
    rows = db.exec(
        select(StaffPosition, Organisation)
        .join(Organisation, col(Organisation.id) == StaffPosition.organisation_id)
        .where(StaffPosition.person_id == person_id)
        .order_by(col(StaffPosition.start_date).desc())
    ).all()
    return [(position, org) for position, org in rows]


def is_email(value: str) -> bool:
    return re.match(EMAIL_PATTERN, value) is not None


def _email_error(db: Session, email: str, *, person_id: uuid.UUID | None = None) -> str | None:
    if not is_email(email):
        return gettext("Enter an e-mail address like name@example.jp.")
    existing = find_account(db, email)
    if existing is not None and existing.person_id != person_id:
        return gettext("Another account already uses this e-mail address.")
    return None


def create_person(db: Session, actor: Actor, data: PersonIn) -> Person:
    if data.email and not is_email(data.email):
        raise Invalid({"email": gettext("Enter an e-mail address like name@example.jp.")})
    person = Person(**data.model_dump())
    db.add(person)
    db.flush()
    audit.record_change(db, actor, person, None)
    return person


def update_person(db: Session, actor: Actor, person_id: uuid.UUID, data: PersonIn, version: int) -> Person:
    person = get_person(db, person_id)
    if person.version != version:
        raise _person_conflict(person, data)
    before = audit.snapshot(person)
    with checked_version_write(db, person, lambda saved: _person_conflict(saved, data)):
        for key, value in data.model_dump(exclude_unset=True).items():  # only the fields the form had
            setattr(person, key, value)
        person.updated_at = clock.now()
        db.add(person)
    audit.record_change(db, actor, person, before)
    return person


def _person_conflict(person: Person, data: PersonIn) -> Conflict:
    return Conflict(
        gettext("Someone else changed this person after you opened the form."),
        current={k: str(getattr(person, k)) for k in data.model_dump(exclude_unset=True)}
        | {"version": person.version},
    )


def create_account(
    db: Session,
    actor: Actor | None,
    person_id: uuid.UUID,
    email: str,
    password: str,
    *,
    is_admin: bool = False,
) -> Account:
    get_person(db, person_id)
    if account_of(db, person_id) is not None:
        raise Invalid({"email": gettext("This person already has a sign-in.")})
    email = normalise_email(email)
    errors: dict[str, str] = {}
    email_problem = _email_error(db, email)
    if email_problem:
        errors["email"] = email_problem
    problem = password_problem(password, email=email)
    if problem:
        errors["password"] = problem
    if errors:
        raise Invalid(errors)
    account = Account(
        person_id=person_id,
        email=email,
        password_hash=hash_password(password),
        is_admin=is_admin,
        password_changed_at=clock.now(),
    )
    db.add(account)
    db.flush()
    audit.record(db, actor, "create", "account", account.id, summary=email)
    return account


def set_disabled(db: Session, actor: Actor, person_id: uuid.UUID, disabled: bool) -> Account:
    """Disabling ends every session of the person at once."""
    account = account_of(db, person_id)
    if account is None:
        raise NotFound()
    if disabled and person_id == actor.person_id:
        raise Invalid({"account": gettext("You cannot disable your own account.")})
    account.disabled_at = clock.now() if disabled else None
    db.add(account)
    if disabled:
        sessions.end_all_sessions(db, person_id, reason="disabled")
    audit.record(db, actor, "disable" if disabled else "enable", "account", account.id)
    return account


def reset_second_factor(db: Session, actor: Actor, person_id: uuid.UUID) -> Account:
    """A lost phone: the person sets up a new second factor at their next sign-in (staff must)."""
    account = account_of(db, person_id)
    if account is None:
        raise NotFound()
    account.totp_secret = account.totp_enabled_at = account.totp_last_step = None
    db.add(account)
    sessions.end_all_sessions(db, person_id, reason="second_factor_changed")
    audit.record(db, actor, "reset_totp", "account", account.id)
    return account


def add_position(
    db: Session,
    actor: Actor,
    person_id: uuid.UUID,
    organisation_id: uuid.UUID,
    position: str,
    start_date: dt.date | None = None,
) -> StaffPosition:
    get_person(db, person_id)
    errors: dict[str, str] = {}
    if position not in {p.value for p in Position}:
        errors["position"] = gettext("Choose one of the options.")
    if db.get(Organisation, organisation_id) is None:
        errors["organisation_id"] = gettext("Choose one of the options.")
    if errors:
        raise Invalid(errors)
    staff = StaffPosition(
        person_id=person_id,
        organisation_id=organisation_id,
        position=position,
        start_date=start_date or clock.today(),
    )
    db.add(staff)
    db.flush()
    audit.record_change(db, actor, staff, None)
    return staff


def end_position(db: Session, actor: Actor, person_id: uuid.UUID, position_id: uuid.UUID) -> StaffPosition:
    staff = db.get(StaffPosition, position_id)
    if staff is None or staff.person_id != person_id:
        raise NotFound()
    before = audit.snapshot(staff)
    staff.end_date = clock.today()
    db.add(staff)
    db.flush()
    audit.record_change(db, actor, staff, before, action="end")
    return staff
