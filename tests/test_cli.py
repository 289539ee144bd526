"""The qpi command, run as a user runs it, against a database of its own."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from fastapi.testclient import TestClient

from app import clock
from app.main import create_app
from tests.conftest import settings_for

ROOT = Path(__file__).resolve().parent.parent


def qpi_env(tmp_path: Path, **extra: str) -> dict[str, str]:
    """The environment of a `qpi` command run by a user in development, on a database in tmp_path."""
    env = {
        **os.environ,
        "QPI_DATABASE_URL": f"sqlite:///{tmp_path}/cli.sqlite3",
        "QPI_DATA_DIR": str(tmp_path),
        "QPI_ENV": "development",
        "LANG": "C.UTF-8",
        clock.OFFSET_ENV: str(clock.offset_seconds()),  # the command keeps the tests' time
        **extra,
    }
    env.pop("QPI_BASE_URL", None)  # as on a fresh machine, unless a test sets it
    return env


def qpi(tmp_path: Path, *args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "app.cli", *args],
        capture_output=True,
        text=True,
        env=qpi_env(tmp_path),
        cwd=ROOT,
        input=stdin,
        timeout=120,
        check=False,
    )


def test_demo_then_token_opens_the_api(tmp_path: Path) -> None:
    first = qpi(tmp_path, "demo")
    assert first.returncode == 0, first.stderr
    assert "Demo data loaded" in first.stdout and "parent2@example.jp" in first.stdout
    again = qpi(tmp_path, "demo", "--quiet")
    assert "nothing changed" in again.stdout
    token = qpi(tmp_path, "token", "create", "--email", "foster1@example.jp")
    assert token.returncode == 0 and token.stdout.startswith("qpi_")
    app = create_app(settings_for(f"sqlite:///{tmp_path}/cli.sqlite3", tmp_path))
    me = TestClient(app).get("/api/v1/me", headers={"Authorization": f"Bearer {token.stdout.strip()}"})
    assert me.status_code == 200 and me.json()["email"] == "foster1@example.jp"
    app.state.engine.dispose()


def test_worker_once_sends_what_is_due_and_exits(tmp_path: Path) -> None:
    assert qpi(tmp_path, "demo", "--quiet").returncode == 0
    app = create_app(settings_for(f"sqlite:///{tmp_path}/cli.sqlite3", tmp_path))
    client = TestClient(app, base_url="https://testserver")  # the cookie is Secure outside development
    csrf = client.get("/password-reset").text.split('name="csrf_token" value="')[1].split('"')[0]
    assert (
        client.post("/password-reset", data={"email": "parent1@example.jp", "csrf_token": csrf}).status_code
        == 200
    )
    app.state.engine.dispose()
    first = qpi(tmp_path, "worker", "--once")
    assert first.returncode == 0, first.stderr
    assert "Sent 1," in first.stdout, first.stdout
    again = qpi(tmp_path, "worker", "--once")
    assert "Sent 0," in again.stdout, "nothing is sent twice"


def test_token_for_unknown_person_fails_clearly(tmp_path: Path) -> None:
    assert qpi(tmp_path, "migrate").returncode == 0
    result = qpi(tmp_path, "token", "create", "--email", "nobody@example.jp")
    assert result.returncode == 2 and "no enabled account" in result.stderr


def test_create_admin_refuses_a_common_password_then_works(tmp_path: Path) -> None:
    assert qpi(tmp_path, "migrate").returncode == 0
    weak = qpi(tmp_path, "create-admin", "--email", "root@example.jp", "--password", "password123")
    assert weak.returncode == 2 and "よく使われている" in weak.stderr
    ok = qpi(
        tmp_path, "create-admin", "--email", "root@example.jp", "--password", "a long and unusual phrase"
    )
    assert ok.returncode == 0, ok.stderr
