"""Named personas from the demo data and clients that act as them, through real HTTP requests
to the ASGI app (sign-in form, session cookie, CSRF token; or a bearer token for the API)."""

from __future__ import annotations

import re
import uuid
from typing import Any

from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlmodel import Session

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
        """A fresh client signed in through the sign-in form."""
        client = self.anonymous()
        client.remember_csrf(client.get("/sign-in").text)
        response = client.form(
            "/sign-in", {"email": email_address, "password": password, "next": "/children"}
        )
        assert response.status_code == 303, f"sign-in of {email_address} failed: {response.status_code}"
        client.remember_csrf(client.get("/account").text)
        return client

    def client(self, key: str) -> PortalClient:
        """A signed-in client for a demo persona (by key, e.g. "caseworker1"), reused within a test."""
        if key not in self._clients:
            self._clients[key] = self.sign_in(email(key))
        return self._clients[key]

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
