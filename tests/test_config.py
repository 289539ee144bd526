"""Settings: safe defaults for a laptop, refusals for production."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.config import InsecureSettings, Settings


def test_database_defaults_to_sqlite_under_var(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("QPI_DATABASE_URL", raising=False)
    settings = Settings(_env_file=None)  # type: ignore[call-arg]
    assert settings.database_url == "sqlite:///var/qpi.sqlite3"


def test_settings_come_from_environment_with_prefix(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("QPI_DATABASE_URL", "postgresql+psycopg://u@db/qpi")
    monkeypatch.setenv("QPI_SESSION_IDLE_MINUTES_STAFF", "15")
    settings = Settings(_env_file=None)  # type: ignore[call-arg]
    assert settings.database_url == "postgresql+psycopg://u@db/qpi"
    assert settings.session_idle_minutes_staff == 15


def test_development_generates_and_keeps_a_secret(tmp_path: Path) -> None:
    settings = Settings(env="development", data_dir=tmp_path, secret_key="", _env_file=None)  # type: ignore[call-arg]
    first = settings.resolved_secret_key()
    assert len(first) >= 40
    assert (tmp_path / "secret_key").stat().st_mode & 0o077 == 0, "the stored secret must be private"
    assert settings.resolved_secret_key() == first, "the stored secret is reused on the next start"


@pytest.mark.parametrize("secret", ["", "changeme", "secret", "short-but-not-default"])
def test_production_refuses_missing_default_or_short_secret(tmp_path: Path, secret: str) -> None:
    settings = Settings(env="production", data_dir=tmp_path, secret_key=secret, _env_file=None)  # type: ignore[call-arg]
    with pytest.raises(InsecureSettings, match="QPI_SECRET_KEY"):
        settings.resolved_secret_key()
    assert not (tmp_path / "secret_key").exists(), "production never invents a secret"


def test_production_refuses_a_moved_clock(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    settings = Settings(env="production", secret_key="s" * 40, data_dir=tmp_path)
    monkeypatch.setenv("QPI_CLOCK_OFFSET", "3600")
    with pytest.raises(InsecureSettings, match="QPI_CLOCK_OFFSET"):
        settings.resolved_secret_key()


def test_production_accepts_a_real_secret_and_secures_the_cookie(tmp_path: Path) -> None:
    settings = Settings(env="production", data_dir=tmp_path, secret_key="k" * 48, _env_file=None)  # type: ignore[call-arg]
    assert settings.resolved_secret_key() == "k" * 48
    assert settings.secure_cookies
    assert settings.session_cookie_name.startswith("__Host-")


def test_production_app_does_not_start_without_secret(tmp_path: Path) -> None:
    from app.main import create_app

    settings = Settings(
        env="production",
        data_dir=tmp_path,
        database_url=f"sqlite:///{tmp_path}/x.db",
        secret_key="",
        _env_file=None,
    )  # type: ignore[call-arg]
    with pytest.raises(InsecureSettings):
        create_app(settings)
