"""My account: language and password."""

from __future__ import annotations

from fastapi import FastAPI

from tests.support import Personas


def test_change_password_checks_and_signs_out_other_devices(fresh_app: FastAPI) -> None:
    personas = Personas(fresh_app)
    phone, laptop = personas.sign_in("parent1@example.jp"), personas.sign_in("parent1@example.jp")
    wrong = phone.form(
        "/account/password",
        {
            "current_password": "nope",
            "new_password": "new long phrase here",
            "confirm_password": "new long phrase here",
        },
    )
    assert wrong.status_code == 422 and "現在のパスワードが正しくありません" in wrong.text
    short = phone.form(
        "/account/password",
        {"current_password": "nagano-qpi-demo", "new_password": "short", "confirm_password": "short"},
    )
    assert short.status_code == 422 and "8文字以上" in short.text
    ok = phone.form(
        "/account/password",
        {
            "current_password": "nagano-qpi-demo",
            "new_password": "new long phrase here",
            "confirm_password": "new long phrase here",
        },
    )
    assert ok.status_code == 303
    assert phone.get("/children").status_code == 200, "this device stays signed in"
    assert laptop.get("/children").status_code == 303, "the other device is signed out"
    personas.sign_in("parent1@example.jp", "new long phrase here")


def test_tokens_are_shown_once_and_revocable(fresh_app: FastAPI) -> None:
    client = Personas(fresh_app).client("coordinator")
    page = client.form("/account/tokens", {"token_name": "表計算"})
    token = page.text.split('data-testid="new-token">')[1].split("<")[0]
    assert token.startswith("qpi_")
    assert token not in client.get("/account").text, "shown once"
    from fastapi.testclient import TestClient

    api = TestClient(fresh_app, headers={"Authorization": f"Bearer {token}"})
    assert api.get("/api/v1/me").status_code == 200
    token_id = client.get("/account").text.split("/account/tokens/")[1].split("/revoke")[0]
    client.form(f"/account/tokens/{token_id}/revoke")
    assert api.get("/api/v1/me").status_code == 401
