"""Test fixtures: a real database (SQLite always, PostgreSQL when QPI_TEST_DATABASE_URL is set),
migrated with Alembic and filled with the demo data, and the real ASGI app in front of it.

Every test that uses `app` or `db` runs once per database; its id says which ([sqlite] or
[postgresql]). Tests that change data either make their own records or ask for `fresh_app`, a
copy of the demo database made for that test alone.
"""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

# Settings for the whole test session, before the app is imported anywhere.
os.environ.setdefault("QPI_ENV", "test")

from fastapi import FastAPI
from sqlalchemy.engine import make_url
from sqlmodel import Session

from app import clock
from app.config import Settings
from app.db import make_engine
from app.demo.loader import load_demo
from app.main import create_app
from app.migrate import upgrade
from tests.mailserver import SmtpServer
from tests.support import Personas

PG_ENV = "QPI_TEST_DATABASE_URL"
# The day the tests run on: QPI_TEST_CLOCK=2027-03-31 runs the whole suite as if it were that day
# (10:00 in Japan; a full ISO time may be given). .ci/run uses it for fiscal-year boundaries.
CLOCK_ENV = "QPI_TEST_CLOCK"
SKIPPED_NOTES: list[str] = []


def _note_skip(message: str) -> None:
    if message not in SKIPPED_NOTES:
        SKIPPED_NOTES.append(message)


def pytest_terminal_summary(terminalreporter, exitstatus, config):  # type: ignore[no-untyped-def]
    """Say plainly, at the end of every run, what this machine could not test."""
    terminalreporter.section("what this run covered")
    pg = os.environ.get(PG_ENV)
    terminalreporter.write_line(
        f"Clock: {os.environ[CLOCK_ENV]} ({CLOCK_ENV})"
        if os.environ.get(CLOCK_ENV)
        else "Clock: the machine's"
    )
    terminalreporter.write_line("SQLite: tested")
    terminalreporter.write_line(
        f"PostgreSQL: tested ({_redact(pg)})"
        if pg
        else f"PostgreSQL: NOT tested (set {PG_ENV} to run every test on it)"
    )
    for note in SKIPPED_NOTES:
        terminalreporter.write_line(note)


def _redact(url: str) -> str:
    return make_url(url).render_as_string(hide_password=True)


@pytest.fixture(scope="session", autouse=True)
def test_clock() -> Iterator[None]:
    """Every test reads "today" and "now" through app.clock; this sets it, before any data is made."""
    wanted = os.environ.get(CLOCK_ENV)
    clock.set_now(clock.parse_moment(wanted) if wanted else None)
    yield
    clock.set_now(None)


# --- Databases ------------------------------------------------------------------------------


@dataclass
class TestDatabase:
    __test__ = False  # a helper, not a test class

    kind: str
    url: str
    admin_url: str | None = None  # PostgreSQL: where CREATE/DROP DATABASE is run
    # The demo database as it was before any test ran: what private copies are made from, so that
    # a test on a copy never sees what earlier tests did on the shared one (audit events, sessions).
    pristine: TestDatabase | None = None

    def copy(self, tmp: Path) -> TestDatabase:
        """A private copy for one test (SQLite: the file; PostgreSQL: CREATE DATABASE ... TEMPLATE)."""
        if self.kind == "sqlite":
            source = Path(make_url(self.url).database or "")
            target = tmp / f"copy-{uuid.uuid4().hex[:8]}.sqlite3"
            shutil.copyfile(source, target)
            return TestDatabase("sqlite", f"sqlite:///{target}")
        name = f"qpi_test_{uuid.uuid4().hex[:12]}"
        template = make_url(self.url).database
        _pg_admin(self.admin_url or "", f'CREATE DATABASE "{name}" TEMPLATE "{template}"')
        return TestDatabase(
            "postgresql", make_url(self.url).set(database=name).render_as_string(False), self.admin_url
        )

    def drop(self) -> None:
        if self.kind == "postgresql":
            name = make_url(self.url).database
            _pg_admin(self.admin_url or "", f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _pg_admin(admin_url: str, statement: str) -> None:
    import psycopg

    url = make_url(admin_url)
    with psycopg.connect(
        host=url.host or "127.0.0.1",
        port=url.port or 5432,
        user=url.username,
        password=url.password,
        dbname=url.database,
        autocommit=True,
    ) as connection:
        connection.execute(statement)  # type: ignore[arg-type]


def _new_pg_database(base_url: str) -> TestDatabase:
    url = make_url(base_url)
    admin = url.set(database="postgres").render_as_string(False)
    name = f"qpi_test_{uuid.uuid4().hex[:12]}"
    _pg_admin(admin, f'CREATE DATABASE "{name}"')
    return TestDatabase("postgresql", url.set(database=name).render_as_string(False), admin)


def _prepare(database: TestDatabase) -> None:
    upgrade(database.url)
    engine = make_engine(database.url)
    with Session(engine) as db:
        load_demo(db)
        db.commit()
    engine.dispose()


@pytest.fixture(scope="session", params=["sqlite", "postgresql"])
def database(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[TestDatabase]:
    """The demo database, migrated to head, shared by the tests of one kind of database."""
    if request.param == "postgresql":
        base = os.environ.get(PG_ENV)
        if not base:
            _note_skip(f"PostgreSQL variants were skipped: {PG_ENV} is not set.")
            pytest.skip(
                f"PostgreSQL not configured: set {PG_ENV} (e.g. postgresql+psycopg://postgres@127.0.0.1/test)"
            )
        try:
            db = _new_pg_database(base)
        except Exception as error:  # the server is named but not reachable: say so, do not pass silently
            pytest.fail(f"{PG_ENV} is set but PostgreSQL cannot be used: {error}")
    else:
        path = tmp_path_factory.mktemp("sqlite") / "demo.sqlite3"
        db = TestDatabase("sqlite", f"sqlite:///{path}")
    _prepare(db)
    db.pristine = db.copy(tmp_path_factory.mktemp("pristine"))
    yield db
    db.pristine.drop()
    db.drop()


def settings_for(url: str, tmp: Path, **overrides: object) -> Settings:
    values: dict[str, object] = {
        "env": "test",
        "database_url": url,
        "data_dir": tmp,
        "secret_key": "test-secret-" + "x" * 40,
        "base_url": "https://testserver",  # required outside development; where the test clients go
        "worker_in_process": False,
        "require_staff_totp": False,
    }
    values.update(overrides)
    return Settings(**values)  # type: ignore[arg-type]


@pytest.fixture(scope="session")
def app(database: TestDatabase, tmp_path_factory: pytest.TempPathFactory) -> Iterator[FastAPI]:
    application = create_app(settings_for(database.url, tmp_path_factory.mktemp("data")))
    yield application
    application.state.engine.dispose()


@pytest.fixture
def fresh_app(database: TestDatabase, app: FastAPI, tmp_path: Path) -> Iterator[FastAPI]:
    """An app on a private copy of the demo database: for tests that change shared records."""
    app.state.engine.dispose()  # PostgreSQL copies from a template only while nobody is connected
    copy = (database.pristine or database).copy(tmp_path)
    application = create_app(settings_for(copy.url, tmp_path))
    yield application
    application.state.engine.dispose()
    copy.drop()


@pytest.fixture
def db(app: FastAPI) -> Iterator[Session]:
    with Session(app.state.engine, expire_on_commit=False) as session:
        yield session


@pytest.fixture
def personas(app: FastAPI) -> Personas:
    return Personas(app)


@pytest.fixture
def fresh_personas(fresh_app: FastAPI) -> Personas:
    return Personas(fresh_app)


@pytest.fixture
def smtp() -> Iterator[SmtpServer]:
    """A real SMTP server on localhost for this test."""
    with SmtpServer() as server:
        yield server


@pytest.fixture
def mail_app(database: TestDatabase, app: FastAPI, tmp_path: Path, smtp: SmtpServer) -> Iterator[FastAPI]:
    """Like fresh_app, with the portal's SMTP settings pointing at the test's SMTP server."""
    app.state.engine.dispose()
    copy = (database.pristine or database).copy(tmp_path)
    application = create_app(
        settings_for(
            copy.url, tmp_path, smtp_host="127.0.0.1", smtp_port=smtp.port, base_url="https://testserver"
        )
    )
    yield application
    application.state.engine.dispose()
    copy.drop()


def deliver_mail(application: FastAPI) -> None:
    """What the worker does: send everything due in the outbox."""
    from app.notifications.outbox import send_due

    send_due(application.state.engine, application.state.settings, "test-worker")
