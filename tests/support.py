"""Named personas from the demo data and clients that act as them, through real HTTP requests
to the ASGI app (sign-in form, session cookie, CSRF token; or a bearer token for the API)."""

from __future__ import annotations

import re
import secrets
import uuid
from typing import Any

import pyotp
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlmodel import Session, select

from app import clock
from app.accounts import sessions
from app.accounts.models import Account
from app.accounts.tokens import create_token
from app.demo.loader import demo_id
from app.demo.people import DEMO_PASSWORD

CSRF_PATTERN = re.compile(r'name="csrf_token" value="([^"]+)"')

# Demo keys (app/demo/nagano.py) of the people and children tests talk about.
SAKURA = demo_id("child-sakura")  # foster family (Tanaka), parent1's daughter; no consent to share contacts
HARUTO = demo_id("child-haruto")  # infant home, parent1's son
YUI = demo_id("child-yui")  # foster family (Suzuki), parent2 is under a protection order for her
SOTA = demo_id("child-sota")  # children's home, parent2's son (no order for him)
HINATA = demo_id("child-hinata")  # placed yesterday with the Tanaka family, parent2's daughter


def email(key: str) -> str:
    return f"{key}@example.jp"


class PortalClient(TestClient):
    """A TestClient that remembers its CSRF token and can submit forms like a browser."""

    csrf: str | None = None

    def remember_csrf(self, html: str) -> None:
        match = CSRF_PATTERN.search(html)
        if match:
            self.csrf = match.group(1)

    def form(self, url: str, data: dict[str, Any] | None = None, **kwargs: Any) -> Any:
        if self.csrf is None:
            self.remember_csrf(self.get("/sign-in").text)
        payload = {"csrf_token": self.csrf, **(data or {})}
        return self.post(url, data=payload, **kwargs)


class Personas:
    def __init__(self, app: FastAPI) -> None:
        self.app = app
        self._clients: dict[str, PortalClient] = {}
        self._tokens: dict[str, str] = {}

    def anonymous(self) -> PortalClient:
        return PortalClient(self.app, base_url="https://testserver", follow_redirects=False)

    def sign_in(self, email_address: str, password: str = DEMO_PASSWORD) -> PortalClient:
        """A fresh client signed in through the sign-in form (and the code step, for staff)."""
        client = self.anonymous()
        client.remember_csrf(client.get("/sign-in").text)
        response = client.form(
            "/sign-in", {"email": email_address, "password": password, "next": "/children"}
        )
        if response.headers.get("location") == "/sign-in/code":
            response = client.form("/sign-in/code", {"code": self.next_code(email_address)})
        assert response.status_code == 303, f"sign-in of {email_address} failed: {response.status_code}"
        client.remember_csrf(client.get("/account").text)
        return client

    def next_code(self, email_address: str) -> str:
        """A code the account has not used yet (codes cannot be replayed, and tests sign in quickly)."""
        with Session(self.app.state.engine) as db:
            account = db.exec(select(Account).where(Account.email == email_address)).one()
            assert account.totp_secret
            totp = pyotp.TOTP(account.totp_secret)
            current = int(clock.now().timestamp() // totp.interval)
            step = max(current - 1, (account.totp_last_step or 0) + 1)
            assert step <= current + 1, "more sign-ins in one minute than codes allow"
            return totp.generate_otp(step)

    def client(self, key: str) -> PortalClient:
        """A signed-in client for a demo persona (by key, e.g. "caseworker1"), reused within a test.
        The session is opened directly; the tests of signing in itself use sign_in()."""
        if key not in self._clients:
            self._clients[key] = self.session_for(email(key))
        return self._clients[key]

    def session_for(self, email_address: str) -> PortalClient:
        settings = self.app.state.settings
        csrf = secrets.token_urlsafe(32)
        with Session(self.app.state.engine) as db:
            account = db.exec(select(Account).where(Account.email == email_address)).one()
            value = sessions.create_session(
                db,
                person_id=account.person_id,
                idle_minutes=settings.session_idle_minutes_staff,
                absolute_hours=settings.session_absolute_hours,
                data={"csrf": csrf, "locale": account.locale, "method": "test"},
            )
            db.commit()
        client = self.anonymous()
        # http.cookiejar files a host without a dot under "<host>.local".
        client.cookies.set(settings.session_cookie_name, value, domain="testserver.local")
        client.csrf = csrf
        return client

    def token(self, key: str) -> str:
        if key not in self._tokens:
            with Session(self.app.state.engine) as db:
                _record, value = create_token(db, demo_id(key), "tests")
                db.commit()
            self._tokens[key] = value
        return self._tokens[key]

    def api(self, key: str) -> TestClient:
        client = TestClient(self.app, base_url="https://testserver")
        client.headers["Authorization"] = f"Bearer {self.token(key)}"
        return client

    @staticmethod
    def person_id(key: str) -> uuid.UUID:
        return demo_id(key)
