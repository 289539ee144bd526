"""Development keeps sent mail readable at /dev/mail; other environments have no such page."""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlmodel import Session

from app.main import create_app
from app.notifications import outbox
from tests.conftest import TestDatabase, settings_for


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
        page = TestClient(development).get("/dev/mail")
        assert (
            page.status_code == 200
            and "テストの件名" in page.text
            and 'href="https://example.jp/link"' in page.text
        )
        assert TestClient(app).get("/dev/mail").status_code == 404
    finally:
        development.state.engine.dispose()
        copy.drop()
