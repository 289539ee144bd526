"""Settings, read from the environment (prefix ``QPI_``) and an optional ``.env`` file.

Every knob a deployment may turn lives here, with a default that makes ``qpi demo && qpi serve``
work on a bare machine. Production mode refuses the defaults that are only safe on a laptop.
"""

from __future__ import annotations

import datetime as dt
import ipaddress
import logging
import os
import secrets
from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, Field, PrivateAttr, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

log = logging.getLogger("qpi")

# The repository root: templates/, static/, locale/ and migrations/ sit beside app/.
BASE_DIR = Path(__file__).resolve().parent.parent

# Secrets that someone copied from an example must never protect real children's records.
KNOWN_WEAK_SECRETS = {"", "secret", "changeme", "change-me", "development", "dev", "qpi", "test"}
MIN_SECRET_LENGTH = 32

# In development, links point here unless QPI_BASE_URL is set or `qpi serve` says where it listens.
DEVELOPMENT_BASE_URL = "http://127.0.0.1:8000"
# Under data_dir: the address the last `qpi serve` of a development setup listened on, so that a
# separate `qpi worker` puts the same address in its e-mails.
SERVED_ADDRESS_FILE = "served_base_url"


class OIDCProvider(BaseModel):
    """One organisation's OpenID Connect provider (e.g. a prefecture's staff directory)."""

    name: str = Field(pattern=r"^[a-z0-9][a-z0-9_-]{0,31}$")
    label: str
    issuer: str
    client_id: str
    client_secret: str = ""
    scopes: str = "openid email profile"
    # "admin": an administrator links the provider's subject to a person beforehand.
    # "verified_email": on first sign-in, a verified e-mail that matches a staff account links it.
    link_by: Literal["admin", "verified_email"] = "admin"

    @property
    def metadata_url(self) -> str:
        return self.issuer.rstrip("/") + "/.well-known/openid-configuration"


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="QPI_", env_file=".env", extra="ignore")

    env: Literal["development", "production", "test"] = "development"
    database_url: str = ""
    secret_key: str = ""
    # Where people reach the portal; used in e-mails and calendar feed links. Required outside
    # development; in development it follows the address `qpi serve` listens on unless set.
    base_url: str = ""
    data_dir: Path = Path("var")

    default_locale: Literal["ja", "en"] = "ja"
    timezone: str = "Asia/Tokyo"

    # Sessions: staff work at a desk with case files open, so an unattended screen ends soon;
    # families sign in on their own phones and are asked again less often.
    session_idle_minutes_staff: int = 30
    session_idle_minutes_family: int = 240
    session_absolute_hours: int = 12

    invitation_valid_hours: int = 72
    password_reset_valid_minutes: int = 60
    require_staff_totp: bool = True

    # Sign-in throttling: failures allowed inside the window before the door closes for the window.
    throttle_window_minutes: int = 15
    throttle_max_failures_per_account: int = 5
    throttle_max_failures_per_address: int = 30

    oidc_providers: list[OIDCProvider] = []

    smtp_host: str = ""
    smtp_port: int = 25
    smtp_username: str = ""
    smtp_password: str = ""
    smtp_starttls: bool = False
    smtp_ssl: bool = False
    mail_from: str = "QPI portal <no-reply@localhost>"

    # qpi serve runs the outbox worker in-process unless told not to (then run `qpi worker`).
    worker_in_process: bool = True
    worker_poll_seconds: float = 2.0

    # Co-parenting contacts: when each practice is due, counted from the placement start. The
    # support meeting's period is seed 002's "措置後1か月以内": calendar months, counted as the Civil
    # Code counts them (app/periods.py), so 31 January gives 28 February and 15 October 15 November.
    due_comfort_call_days: int = Field(default=2, ge=0)
    due_icebreaker_days: int = Field(default=7, ge=0)
    due_support_meeting_months: int = Field(default=1, ge=1, le=24)
    # The setting took days before (QPI_DUE_SUPPORT_MEETING_DAYS=30). A deployment that still sets it
    # keeps working: whole months of 30 days are read as months, with a warning; anything else stops
    # the start with a message saying what to set instead.
    due_support_meeting_days: int | None = None
    # Placements that started before this date produce no due items: the day a centre began counting
    # them in the portal (placements entered from the paper files would otherwise all be overdue).
    due_items_from: dt.date | None = None

    # Whether QPI_BASE_URL was given (else development fills in an address, see _fill_defaults).
    _base_url_given: bool = PrivateAttr(default=False)

    @model_validator(mode="after")
    def _fill_defaults(self) -> Settings:
        if not self.database_url:
            self.database_url = f"sqlite:///{(self.data_dir / 'qpi.sqlite3').as_posix()}"
        self.base_url = self.base_url.strip().rstrip("/")
        self._base_url_given = bool(self.base_url)
        if not self.base_url and self.is_development:
            self.base_url = self._last_served_address() or DEVELOPMENT_BASE_URL
        return self

    @model_validator(mode="after")
    def _support_meeting_in_months(self) -> Settings:
        days = self.due_support_meeting_days
        if days is None:
            return self
        if days <= 0 or days % 30:
            raise ValueError(
                f"QPI_DUE_SUPPORT_MEETING_DAYS={days} cannot be used: the support meeting is now due within "
                "calendar months (seed 002: 措置後1か月以内; placed 31 January, due by 28 February), "
                "not a number of days. Set QPI_DUE_SUPPORT_MEETING_MONTHS (1 for one month) and remove "
                "QPI_DUE_SUPPORT_MEETING_DAYS."
            )
        months = days // 30
        given = "due_support_meeting_months" in self.model_fields_set
        if given and self.due_support_meeting_months != months:
            raise ValueError(
                f"QPI_DUE_SUPPORT_MEETING_DAYS={days} and QPI_DUE_SUPPORT_MEETING_MONTHS="
                f"{self.due_support_meeting_months} disagree. Keep only QPI_DUE_SUPPORT_MEETING_MONTHS."
            )
        self.due_support_meeting_months = months
        log.warning(
            "QPI_DUE_SUPPORT_MEETING_DAYS=%s is read as QPI_DUE_SUPPORT_MEETING_MONTHS=%s: the support "
            "meeting is due within calendar months, not days. Set QPI_DUE_SUPPORT_MEETING_MONTHS=%s and "
            "remove QPI_DUE_SUPPORT_MEETING_DAYS.",
            days,
            months,
            months,
        )
        return self

    def _last_served_address(self) -> str:
        path = self.data_dir / SERVED_ADDRESS_FILE
        return path.read_text().strip() if path.is_file() else ""

    @property
    def base_url_given(self) -> bool:
        return self._base_url_given

    def check_base_url(self) -> None:
        """Refuse to start without an address people can follow (links in e-mails and calendars)."""
        if not self.base_url:
            raise InsecureSettings(
                f"QPI_BASE_URL must be set when QPI_ENV is {self.env}: the address people use to reach "
                "the portal (for example https://qpi.example.jp). It goes into e-mails and calendar links."
            )
        if not self.base_url.startswith(("http://", "https://")):
            raise InsecureSettings(
                f"QPI_BASE_URL must start with https:// or http:// (it is {self.base_url!r})."
            )

    @property
    def is_development(self) -> bool:
        return self.env == "development"

    @property
    def is_production(self) -> bool:
        return self.env == "production"

    @property
    def secure_cookies(self) -> bool:
        # Outside development the cookie is Secure and carries the __Host- prefix.
        return self.env != "development"

    @property
    def session_cookie_name(self) -> str:
        return "__Host-qpi_session" if self.secure_cookies else "qpi_session"

    def resolved_secret_key(self) -> str:
        """The secret key, generated and kept under data_dir on first run in development."""
        key = self.secret_key
        if self.is_production and os.environ.get("QPI_CLOCK_OFFSET"):
            raise InsecureSettings(
                "QPI_CLOCK_OFFSET moves the clock for tests and demos; unset it in production."
            )
        if self.is_production:
            if key.lower() in KNOWN_WEAK_SECRETS or len(key) < MIN_SECRET_LENGTH:
                raise InsecureSettings(
                    f"QPI_SECRET_KEY must be set to a random value of at least {MIN_SECRET_LENGTH} "
                    "characters in production (for example: python -c 'import secrets; "
                    "print(secrets.token_urlsafe(48))')."
                )
            return key
        if key:
            return key
        path = self.data_dir / "secret_key"
        if path.exists():
            return path.read_text().strip()
        path.parent.mkdir(parents=True, exist_ok=True)
        key = secrets.token_urlsafe(48)
        path.write_text(key)
        path.chmod(0o600)
        return key


class InsecureSettings(RuntimeError):
    """Raised at start-up when settings would put records at risk or send people to the wrong place."""


def served_base_url(host: str, port: int) -> str:
    """The address a browser on this machine uses to reach `qpi serve --host H --port P`."""
    if _listens_everywhere(host):  # every interface: this machine reaches it on loopback
        host = "::1" if ":" in host else "127.0.0.1"
    if ":" in host:
        host = f"[{host}]"  # an IPv6 literal in a URL
    return f"http://{host}:{port}"


def _listens_everywhere(host: str) -> bool:
    try:
        return not host or ipaddress.ip_address(host).is_unspecified
    except ValueError:  # a name, such as localhost
        return False


def follow_served_address(host: str, port: int) -> Settings:
    """In development without QPI_BASE_URL, links follow the address `qpi serve` listens on.

    Set in the environment, so the app uvicorn creates, its worker thread and every process it
    starts (uvicorn's workers) read it; and kept under data_dir for a separate `qpi worker`.
    Outside development, or when QPI_BASE_URL is set, nothing changes.
    """
    settings = get_settings()
    if not settings.is_development or settings.base_url_given:
        return settings
    address = served_base_url(host, port)
    os.environ["QPI_BASE_URL"] = address
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    (settings.data_dir / SERVED_ADDRESS_FILE).write_text(address + "\n")
    get_settings.cache_clear()
    return get_settings()


@lru_cache
def get_settings() -> Settings:
    return Settings()
