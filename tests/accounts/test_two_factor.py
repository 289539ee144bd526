"""The second factor: staff must use one; codes are checked, not replayed, and throttled."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pyotp
import pytest
from fastapi import FastAPI

from app import clock
from app.main import create_app
from tests.conftest import TestDatabase, settings_for
from tests.support import Personas


@pytest.fixture
def strict_app(database: TestDatabase, app: FastAPI, tmp_path: Path) -> Iterator[FastAPI]:
    """Production-like: staff must have a second factor."""
    app.state.engine.dispose()
    copy = database.copy(tmp_path)
    application = create_app(settings_for(copy.url, tmp_path, require_staff_totp=True))
    yield application
    application.state.engine.dispose()
    copy.drop()


def password_step(personas: Personas, email: str, password: str = "nagano-qpi-demo"):  # type: ignore[no-untyped-def]
    client = personas.anonymous()
    client.remember_csrf(client.get("/sign-in").text)
    return client, client.form("/sign-in", {"email": email, "password": password, "next": "/children"})


def test_staff_sign_in_asks_for_a_code(strict_app: FastAPI) -> None:
    personas = Personas(strict_app)
    client, response = password_step(personas, "caseworker1@example.jp")
    assert response.headers["location"] == "/sign-in/code"
    assert client.get("/children").status_code == 303, "not signed in before the code"
    wrong = client.form("/sign-in/code", {"code": "000000"})
    assert wrong.status_code == 401 and "コードが正しくありません" in wrong.text
    code = personas.next_code("caseworker1@example.jp")
    assert client.form("/sign-in/code", {"code": code}).status_code == 303
    assert client.get("/children").status_code == 200
    other, _ = password_step(personas, "caseworker1@example.jp")
    assert other.form("/sign-in/code", {"code": code}).status_code == 401, "a code is used once"


def test_family_sign_in_needs_no_code(strict_app: FastAPI) -> None:
    _client, response = password_step(Personas(strict_app), "foster1@example.jp")
    assert response.headers["location"] == "/children"


def test_staff_without_second_factor_must_set_it_up(strict_app: FastAPI) -> None:
    personas = Personas(strict_app)
    admin = personas.client("admin")
    page = admin.form(
        "/admin/people", {"family_name": "新人", "given_name": "職員", "email": "new.staff@example.jp"}
    )
    person_url = page.headers["location"]
    admin.form(f"{person_url}/account", {"email": "new.staff@example.jp", "password": "first long password"})
    centre = re.search(
        r'<option value="([0-9a-f-]{36})"[^>]*>長野県中央児童相談所', admin.get(person_url).text
    )
    admin.form(f"{person_url}/positions", {"organisation_id": centre.group(1), "position": "caseworker"})  # type: ignore[union-attr]

    client, response = password_step(personas, "new.staff@example.jp", "first long password")
    assert response.headers["location"] == "/children"
    assert client.get("/children").headers["location"] == "/account/two-factor", "nothing else opens"
    setup = client.get("/account/two-factor")
    assert setup.status_code == 200 and "<svg" in setup.text
    secret = re.search(r'data-testid="totp-secret">([A-Z2-7]+)<', setup.text).group(1)  # type: ignore[union-attr]
    client.remember_csrf(setup.text)
    wrong = client.form("/account/two-factor", {"code": "123456", "password": "first long password"})
    assert wrong.status_code == 422
    ok = client.form(
        "/account/two-factor", {"code": pyotp.TOTP(secret).at(clock.now()), "password": "first long password"}
    )
    assert ok.status_code == 303
    assert client.get("/children").status_code == 200
    refused = client.form("/account/two-factor/disable", {"password": "first long password"})
    assert refused.status_code == 422 and "やめられません" in refused.text


def test_family_can_turn_a_second_factor_on_and_off(fresh_app: FastAPI) -> None:
    client = Personas(fresh_app).client("foster2")
    setup = client.get("/account/two-factor").text
    secret = re.search(r'data-testid="totp-secret">([A-Z2-7]+)<', setup).group(1)  # type: ignore[union-attr]
    needs_password = client.form(
        "/account/two-factor", {"code": pyotp.TOTP(secret).at(clock.now()), "password": "x"}
    )
    assert needs_password.status_code == 422, "changing the second factor asks for the password"
    assert (
        client.form(
            "/account/two-factor", {"code": pyotp.TOTP(secret).at(clock.now()), "password": "nagano-qpi-demo"}
        ).status_code
        == 303
    )
    assert "オン" in client.get("/account").text
    assert client.form("/account/two-factor/disable", {"password": "nagano-qpi-demo"}).status_code == 303


def test_too_many_wrong_codes_lock_the_code_step(strict_app: FastAPI) -> None:
    personas = Personas(strict_app)
    client, _ = password_step(personas, "supervisor@example.jp")
    for _attempt in range(strict_app.state.settings.throttle_max_failures_per_account):
        client.form("/sign-in/code", {"code": "000000"})
    locked = client.form("/sign-in/code", {"code": personas.next_code("supervisor@example.jp")})
    assert locked.status_code == 429 and "試行回数が多すぎます" in locked.text


def test_admin_resets_a_lost_second_factor(strict_app: FastAPI) -> None:
    personas = Personas(strict_app)
    staff = personas.sign_in("caseworker2@example.jp")
    admin = personas.client("admin")
    from app.demo.loader import demo_id

    assert admin.form(f"/admin/people/{demo_id('caseworker2')}/reset-second-factor").status_code == 303
    assert staff.get("/children").status_code == 303, "signed out everywhere"
    client, response = password_step(personas, "caseworker2@example.jp")
    assert response.headers["location"] == "/children", "no code asked: there is none"
    assert client.get("/children").headers["location"] == "/account/two-factor", "a new one must be set up"
    assert (
        personas.client("foster1")
        .form(f"/admin/people/{demo_id('caseworker2')}/reset-second-factor")
        .status_code
        == 403
    )
