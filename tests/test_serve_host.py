"""`qpi serve` in development refuses an address others can reach (demo sign-ins, the mailbox page,
a generated key): it exits at once with a message that says what to do."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from app.cli import is_loopback

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.parametrize("host", ["0.0.0.0", "::", "192.168.1.20", "portal.example.jp"])  # noqa: S104
def test_development_refuses_a_host_others_can_reach(tmp_path: Path, host: str) -> None:
    env = {
        **os.environ,
        "QPI_ENV": "development",
        "QPI_DATABASE_URL": f"sqlite:///{tmp_path}/serve.sqlite3",
        "QPI_DATA_DIR": str(tmp_path),
        "LANG": "C.UTF-8",
    }
    result = subprocess.run(
        [sys.executable, "-m", "app.cli", "serve", "--host", host, "--port", "1"],
        capture_output=True,
        text=True,
        env=env,
        cwd=ROOT,
        timeout=60,
        check=False,
    )
    assert result.returncode != 0
    assert "QPI_ENV=production" in result.stderr and host in result.stderr
    assert not (tmp_path / "serve.sqlite3").exists(), "refused before touching the database"


def test_loopback_addresses_are_this_computer() -> None:
    assert all(is_loopback(h) for h in ("127.0.0.1", "localhost", "::1", "[::1]", "127.0.0.2"))
    assert not any(is_loopback(h) for h in ("0.0.0.0", "::", "10.0.0.1", "example.jp"))  # noqa: S104
