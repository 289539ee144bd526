"""Server-side sessions.

The cookie holds only a random value; the session (who is signed in, the CSRF token, the OAuth
state Authlib keeps) is a row in web_session, keyed by the value's SHA-256. Ending a session on the
server therefore really ends it: logout, idle and absolute timeouts, and disabling a person.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
import uuid
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from typing import Any

import anyio
from sqlalchemy import Engine, update
from sqlmodel import Session, col

from app import clock
from app.accounts.models import WebSession
from app.config import Settings

# Don't write last_seen_at on every request; a minute's precision is enough for a 30-minute timeout.
TOUCH_INTERVAL = dt.timedelta(seconds=60)
ANONYMOUS_IDLE_MINUTES = 60


def hash_session_value(value: str) -> str:
    return hashlib.sha256(value.encode()).hexdigest()


@dataclass
class SessionState:
    """What the middleware knows about this request's session, shared with the routes via scope."""

    record_id: str | None = None
    person_id: uuid.UUID | None = None
    created_at: dt.datetime | None = None
    # Set by routes: a new cookie value to send (sign-in rotates the id), or clear the cookie.
    new_cookie_value: str | None = None
    clear_cookie: bool = False
    # Why a previous session ended, when this request arrived with a dead one ("idle", "absolute").
    expired_reason: str | None = None
    loaded_data: dict[str, Any] = field(default_factory=dict)


def _session_end_reason(record: WebSession, now: dt.datetime) -> str | None:
    if record.ended_at is not None:
        return record.ended_reason or "ended"
    if now >= record.expires_at:
        return "absolute"
    if now - record.last_seen_at > dt.timedelta(minutes=record.idle_minutes):
        return "idle"
    return None


def load_session(engine: Engine, cookie_value: str | None) -> tuple[WebSession | None, str | None]:
    """The live session for a cookie value, or None and the reason the old one ended."""
    if not cookie_value:
        return None, None
    now = clock.now()
    with Session(engine, expire_on_commit=False) as db:
        record = db.get(WebSession, hash_session_value(cookie_value))
        if record is None:
            return None, None
        reason = _session_end_reason(record, now)
        if reason is not None:
            if record.ended_at is None:
                record.ended_at, record.ended_reason = now, reason
                db.add(record)
                db.commit()
            # A session that had a person in it tells the sign-in page why it ended.
            return None, reason if record.person_id else None
        if now - record.last_seen_at > TOUCH_INTERVAL:
            record.last_seen_at = now
            db.add(record)
            db.commit()
        db.expunge(record)
        return record, None


def create_session(
    db: Session,
    *,
    person_id: uuid.UUID | None,
    idle_minutes: int,
    absolute_hours: int,
    data: dict[str, Any],
    ip: str = "",
    user_agent: str = "",
) -> str:
    """Store a new session and return the cookie value (the only place it exists in clear)."""
    value = secrets.token_urlsafe(32)
    now = clock.now()
    db.add(
        WebSession(
            id=hash_session_value(value),
            person_id=person_id,
            data=data,
            created_at=now,
            last_seen_at=now,
            idle_minutes=idle_minutes,
            expires_at=now + dt.timedelta(hours=absolute_hours),
            ip=ip[:64],
            user_agent=user_agent[:300],
        )
    )
    return value


def end_session(db: Session, record_id: str, reason: str = "signed_out") -> None:
    db.execute(
        update(WebSession)
        .where(col(WebSession.id) == record_id, col(WebSession.ended_at).is_(None))
        .values(ended_at=clock.now(), ended_reason=reason)
    )


def end_all_sessions(db: Session, person_id: uuid.UUID, reason: str, keep: str | None = None) -> int:
    """End every live session of a person (disabled, or signed out everywhere)."""
    statement = update(WebSession).where(
        col(WebSession.person_id) == person_id, col(WebSession.ended_at).is_(None)
    )
    if keep:
        statement = statement.where(col(WebSession.id) != keep)
    result = db.execute(statement.values(ended_at=clock.now(), ended_reason=reason))
    return int(getattr(result, "rowcount", 0) or 0)


def save_data(engine: Engine, record_id: str, data: dict[str, Any]) -> None:
    with Session(engine) as db:
        db.execute(update(WebSession).where(col(WebSession.id) == record_id).values(data=data))
        db.commit()


class ServerSessionMiddleware:
    """Puts a dict at scope["session"] (what Starlette's request.session and Authlib use) and
    persists it in web_session when it changed."""

    def __init__(self, app: Any, settings: Settings) -> None:
        self.app = app
        self.settings = settings

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] != "http" or scope["path"].startswith("/static/"):
            await self.app(scope, receive, send)
            return
        engine: Engine = scope["app"].state.engine
        cookie_value = _read_cookie(scope, self.settings.session_cookie_name)
        record, expired_reason = await anyio.to_thread.run_sync(load_session, engine, cookie_value)
        state = SessionState(
            record_id=record.id if record else None,
            person_id=record.person_id if record else None,
            created_at=record.created_at if record else None,
            expired_reason=expired_reason,
            loaded_data=dict(record.data) if record else {},
        )
        scope["session"] = dict(state.loaded_data)
        scope["qpi.session"] = state

        async def send_wrapper(message: dict[str, Any]) -> None:
            if message["type"] == "http.response.start":
                await self._persist(scope, state, engine)
                header = self._cookie_header(state, had_cookie=cookie_value is not None)
                if header:
                    message.setdefault("headers", []).append((b"set-cookie", header.encode("latin-1")))
            await send(message)

        await self.app(scope, receive, send_wrapper)

    async def _persist(self, scope: dict[str, Any], state: SessionState, engine: Engine) -> None:
        data = scope.get("session", {})
        if state.clear_cookie or state.new_cookie_value:
            return
        if state.record_id is None:
            if data:
                # An anonymous visitor needs a session now (a CSRF token, OAuth state).
                state.new_cookie_value = await anyio.to_thread.run_sync(
                    self._create_anonymous, engine, data, scope
                )
            return
        if data != state.loaded_data:
            await anyio.to_thread.run_sync(save_data, engine, state.record_id, data)

    def _create_anonymous(self, engine: Engine, data: dict[str, Any], scope: dict[str, Any]) -> str:
        with Session(engine) as db:
            value = create_session(
                db,
                person_id=None,
                idle_minutes=ANONYMOUS_IDLE_MINUTES,
                absolute_hours=self.settings.session_absolute_hours,
                data=data,
                ip=_client_ip(scope),
            )
            db.commit()
        return value

    def _cookie_header(self, state: SessionState, *, had_cookie: bool) -> str | None:
        name = self.settings.session_cookie_name
        attributes = "Path=/; HttpOnly; SameSite=Lax"
        if self.settings.secure_cookies:
            attributes += "; Secure"
        if state.new_cookie_value:
            return f"{name}={state.new_cookie_value}; {attributes}"
        if state.clear_cookie or (had_cookie and state.record_id is None):
            return f"{name}=; Max-Age=0; {attributes}"
        return None


def _read_cookie(scope: dict[str, Any], name: str) -> str | None:
    for key, value in scope.get("headers", []):
        if key == b"cookie":
            cookie: SimpleCookie = SimpleCookie()
            try:
                cookie.load(value.decode("latin-1"))
            except Exception:  # a malformed cookie header from a client is just no session
                return None
            if name in cookie:
                return cookie[name].value
    return None


def _client_ip(scope: dict[str, Any]) -> str:
    client = scope.get("client")
    return client[0] if client else ""
