"""The database engine and the request-scoped session.

The session commits once, when the route returns without error, and rolls back otherwise.
Services flush but never commit, so one request is one transaction.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Any

from fastapi import Depends, Request
from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.orm.exc import StaleDataError
from sqlmodel import Session

from app.errors import Conflict


def make_engine(url: str, **kwargs: Any) -> Engine:
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 30}, **kwargs)
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    return create_engine(url, pool_pre_ping=True, **kwargs)


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    # Foreign keys are off by default in SQLite; WAL lets the worker and the web process share the file.
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.close()


def is_postgresql(engine: Engine) -> bool:
    return engine.dialect.name == "postgresql"


def get_session(request: Request) -> Iterator[Session]:
    engine: Engine = request.app.state.engine
    with Session(engine, expire_on_commit=False) as session:
        # Rendering the page (the unread count in the nav) reuses this session: one connection per
        # request, so that a full pool can never leave requests each holding one and waiting for a second.
        request.state.db = session
        try:
            yield session
            session.commit()
        except Exception:
            session.rollback()
            raise
        finally:
            del request.state.db


def request_session(request: Request) -> Session | None:
    """The session of the request being handled, while its route runs (None in error handlers)."""
    return getattr(request.state, "db", None)


# scope="function": commit before the response is sent, so a failed commit is never reported as success.
DbSession = Annotated[Session, Depends(get_session, scope="function")]


class HardDeleteRefused(RuntimeError):
    """Case records are archived with a reason, never deleted (records of adopted children are kept
    for good: the right to know one's origins)."""


def _refuse_hard_deletes(session: Session, _context: object, _instances: object) -> None:
    from app.modeling import Archivable

    for record in session.deleted:
        if isinstance(record, Archivable):
            raise HardDeleteRefused(f"{type(record).__name__} records are archived, never deleted")


event.listen(Session, "before_flush", _refuse_hard_deletes)


@contextmanager
def checked_version_write(db: Session, record: Any, conflict: Callable[[Any], Conflict]) -> Iterator[None]:
    """Write a change to a record whose version the service has just compared with the form's.

    Two saves that read the same version both pass that comparison; the second one's UPDATE then
    matches no row (StaleDataError). Nothing of it is written: roll back and raise the same Conflict
    the comparison would have raised, built by `conflict` from the record as it is now saved, so the
    form re-renders with what was typed and what is saved (a 409, never a bare error)."""
    model, key = type(record), record.id
    try:
        yield
        db.flush()
    except StaleDataError:
        db.rollback()
        raise conflict(db.get(model, key)) from None
