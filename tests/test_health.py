"""/healthz answers while the process runs; /readyz only when the database is there and at head."""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI
from fastapi.testclient import TestClient

from app.main import create_app
from app.migrate import downgrade
from tests.conftest import settings_for


def test_healthz(app: FastAPI) -> None:
    response = TestClient(app).get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


def test_readyz_at_head(app: FastAPI) -> None:
    response = TestClient(app).get("/readyz")
    assert response.status_code == 200
    assert response.json()["status"] == "ok"


def test_readyz_with_pending_migrations_is_not_ready(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path}/behind.sqlite3"
    from app.migrate import upgrade

    upgrade(url)
    downgrade(url, "base")
    response = TestClient(create_app(settings_for(url, tmp_path))).get("/readyz")
    assert response.status_code == 503
    assert response.json()["status"] == "migrations pending"


def test_readyz_without_database_is_not_ready(tmp_path: Path) -> None:
    url = "postgresql+psycopg://nobody@127.0.0.1:1/none"
    response = TestClient(create_app(settings_for(url, tmp_path))).get("/readyz")
    assert response.status_code == 503
    assert response.json()["status"] == "unavailable"
