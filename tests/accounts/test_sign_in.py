"""Signing in and out with a local account; server-side sessions; CSRF on every change."""

from __future__ import annotations

from fastapi import FastAPI
from sqlmodel import Session, select

from app.accounts.models import WebSession
from app.accounts.sessions import hash_session_value
from tests.support import Personas, PortalClient, email


def test_sign_in_page_is_japanese_by_default(personas: Personas) -> None:
    page = personas.anonymous().get("/sign-in")
    assert page.status_code == 200
    assert '<html lang="ja">' in page.text
    assert "ログイン" in page.text


def test_sign_in_then_my_children(personas: Personas) -> None:
    client = personas.sign_in(email("foster1"))
    page = client.get("/children")
    assert page.status_code == 200
    assert "山田 さくら" in page.text


def test_wrong_password_and_unknown_email_get_the_same_answer(personas: Personas) -> None:
    client = personas.anonymous()
    client.remember_csrf(client.get("/sign-in").text)
    wrong = client.form("/sign-in", {"email": email("foster1"), "password": "not-the-password"})
    unknown = client.form("/sign-in", {"email": "nobody@example.jp", "password": "not-the-password"})
    assert wrong.status_code == unknown.status_code == 401
    message = "メールアドレスまたはパスワードが正しくありません。"
    assert message in wrong.text and message in unknown.text
    assert 'value="foster1@example.jp"' in wrong.text, "what was typed is kept"


def test_session_cookie_is_opaque_httponly_lax_and_secure(app: FastAPI, personas: Personas) -> None:
    client = personas.anonymous()
    client.remember_csrf(client.get("/sign-in").text)
    response = client.form("/sign-in", {"email": email("foster2"), "password": "nagano-qpi-demo"})
    cookie = response.headers["set-cookie"]
    name = app.state.settings.session_cookie_name
    assert cookie.startswith(f"{name}=")
    assert name.startswith("__Host-"), "outside development the cookie has the __Host- prefix"
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Secure" in cookie and "Path=/" in cookie
    value = cookie.split(";")[0].split("=", 1)[1]
    with Session(app.state.engine) as db:
        stored = db.get(WebSession, hash_session_value(value))
        assert stored is not None and stored.person_id is not None
        assert db.get(WebSession, value) is None, "only a hash of the cookie value is stored"


def test_sign_in_rotates_the_session_id(app: FastAPI, personas: Personas) -> None:
    client = personas.anonymous()
    client.remember_csrf(client.get("/sign-in").text)
    before = client.cookies.get(app.state.settings.session_cookie_name)
    client.form("/sign-in", {"email": email("foster2"), "password": "nagano-qpi-demo"})
    after = client.cookies.get(app.state.settings.session_cookie_name)
    assert before and after and before != after


def test_sign_out_ends_the_session_on_the_server(app: FastAPI, personas: Personas) -> None:
    client = personas.sign_in(email("foster2"))
    name = app.state.settings.session_cookie_name
    stolen = client.cookies.get(name) or ""

    def replay() -> int:
        copy = PortalClient(app, base_url="https://testserver", follow_redirects=False)
        copy.cookies.set(name, stolen, domain="testserver.local")
        return copy.get("/children").status_code

    assert replay() == 200, "the copied cookie works while the session lives"
    assert client.form("/sign-out").status_code == 303
    assert replay() == 303, "after sign-out the same cookie opens nothing"
    with Session(app.state.engine) as db:
        record = db.exec(select(WebSession).where(WebSession.id == hash_session_value(stolen))).one()
        assert record.ended_at is not None and record.ended_reason == "signed_out"


def test_pages_need_sign_in(personas: Personas) -> None:
    response = personas.anonymous().get("/children")
    assert response.status_code == 303
    assert response.headers["location"] == "/sign-in?next=%2Fchildren"


def test_change_without_csrf_token_is_refused(fresh_app: FastAPI) -> None:
    client = Personas(fresh_app).sign_in(email("foster2"))
    refused = client.post("/language", data={"lang": "en", "next": "/children"})
    assert refused.status_code == 403
    forged = client.post("/language", data={"lang": "en", "csrf_token": "forged"})
    assert forged.status_code == 403
    by_header = client.post("/language", data={"lang": "en"}, headers={"X-CSRF-Token": client.csrf or ""})
    assert by_header.status_code == 303, "htmx sends the token in a header"


def test_next_is_only_followed_within_the_site(personas: Personas) -> None:
    client = personas.anonymous()
    client.remember_csrf(client.get("/sign-in").text)
    response = client.form(
        "/sign-in",
        {"email": email("foster2"), "password": "nagano-qpi-demo", "next": "https://evil.example/"},
    )
    assert response.headers["location"] == "/children"
