"""Periodic clean-up run by the worker: sign-in attempts outside every window, long-ended sessions.
(Neither is a case record; the audit log keeps who signed in and out.)"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Engine, delete
from sqlmodel import Session, col

from app import clock
from app.accounts import throttle
from app.accounts.models import WebSession
from app.config import Settings

KEEP_ENDED_SESSIONS = dt.timedelta(days=30)


def clean_up(engine: Engine, settings: Settings) -> None:
    now = clock.now()
    with Session(engine) as db:
        throttle.forget_before(db, now - dt.timedelta(minutes=settings.throttle_window_minutes, days=1))
        db.execute(delete(WebSession).where(col(WebSession.expires_at) < now - KEEP_ENDED_SESSIONS))
        db.commit()
