"""Development keeps sent mail readable at /dev/mail; other environments have no such page."""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlmodel import Session

from app.main import create_app
from app.notifications import outbox
from tests.conftest import TestDatabase, settings_for
from tests.support import Personas


def test_dev_mailbox_shows_mail_in_development_only(
    database: TestDatabase, app: FastAPI, tmp_path: Path
) -> None:
    app.state.engine.dispose()
    copy = database.copy(tmp_path)
    development = create_app(settings_for(copy.url, tmp_path, env="development"))
    try:
        with Session(development.state.engine) as db:
            outbox.enqueue(
                db, kind="test", to="x@example.jp", subject="テストの件名", body="https://example.jp/link"
            )
            db.commit()
        outbox.send_due(development.state.engine, development.state.settings, "dev")
        people = Personas(development)
        page = people.client("admin").get("/dev/mail")
        assert (
            page.status_code == 200
            and "テストの件名" in page.text
            and 'href="https://example.jp/link"' in page.text
        )
        assert TestClient(app).get("/dev/mail").status_code == 404
    finally:
        development.state.engine.dispose()
        copy.drop()


def test_dev_mailbox_is_for_administrators_only(database: TestDatabase, app: FastAPI, tmp_path: Path) -> None:
    """Demos run in development: a family's or a carer's sign-in must not read everyone's mail."""
    app.state.engine.dispose()
    copy = database.copy(tmp_path)
    development = create_app(settings_for(copy.url, tmp_path, env="development"))
    try:
        with Session(development.state.engine) as db:
            outbox.enqueue(db, kind="test", to="x@example.jp", subject="他の人宛て", body="secret link")
            db.commit()
        outbox.send_due(development.state.engine, development.state.settings, "dev")
        people = Personas(development)
        for key in ("parent1", "parent2", "foster1", "caseworker1"):
            page = people.client(key).get("/dev/mail")
            assert page.status_code == 403 and "他の人宛て" not in page.text, key
        anonymous = people.anonymous().get("/dev/mail")
        assert anonymous.status_code in (303, 401) and "他の人宛て" not in anonymous.text
        assert "他の人宛て" in people.client("admin").get("/dev/mail").text
    finally:
        development.state.engine.dispose()
        copy.drop()
