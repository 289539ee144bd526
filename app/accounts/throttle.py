"""Sign-in throttling, per account and per address. Failures are counted in a sliding window; an
unknown e-mail is counted like a known one, so the answers never reveal which accounts exist."""

from __future__ import annotations

import datetime as dt

from sqlmodel import Session, col, func, select

from app import clock
from app.accounts.models import SignInAttempt
from app.config import Settings


def account_key(email: str) -> str:
    return email.strip().lower()[:254]


def record_failure(db: Session, email: str, ip: str, kind: str = "password") -> None:
    db.add(SignInAttempt(account_key=account_key(email), ip=ip[:64], kind=kind))


def _failures(db: Session, since: dt.datetime, **where: str) -> int:
    query = select(func.count()).select_from(SignInAttempt).where(SignInAttempt.at >= since)
    for column, value in where.items():
        query = query.where(col(getattr(SignInAttempt, column)) == value)
    return int(db.exec(query).one())


def minutes_locked(
    db: Session, settings: Settings, email: str, ip: str, *, since_success: dt.datetime | None = None
) -> int:
    """0 if another attempt may be made now, else the minutes to wait."""
    window = dt.timedelta(minutes=settings.throttle_window_minutes)
    start = clock.now() - window
    account_start = max(start, since_success) if since_success else start
    too_many_for_account = (
        _failures(db, account_start, account_key=account_key(email))
        >= settings.throttle_max_failures_per_account
    )
    too_many_from_address = (
        bool(ip) and _failures(db, start, ip=ip) >= settings.throttle_max_failures_per_address
    )
    if not (too_many_for_account or too_many_from_address):
        return 0
    return settings.throttle_window_minutes


def forget_before(db: Session, cutoff: dt.datetime) -> None:
    """Old attempts are of no use once outside every window (called by the worker)."""
    from sqlalchemy import delete

    db.execute(delete(SignInAttempt).where(col(SignInAttempt.at) < cutoff))
