"""The JSON API: bearer tokens, the same scope and fields as the pages, 404/409/422 answers."""

from __future__ import annotations

import uuid

from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlmodel import Session

from app.accounts.tokens import revoke_token
from tests.support import SAKURA, SOTA, YUI, Personas


def test_me(personas: Personas) -> None:
    body = personas.api("caseworker1").get("/api/v1/me").json()
    assert body["name"] == "佐藤 美咲"
    assert body["positions"][0]["position"] == "caseworker"


def test_without_token_401(app: FastAPI) -> None:
    response = TestClient(app).get("/api/v1/children")
    assert response.status_code == 401
    assert response.headers["www-authenticate"] == "Bearer"


def test_session_cookie_does_not_open_the_api(personas: Personas) -> None:
    assert personas.client("foster1").get("/api/v1/children").status_code == 401


def test_list_is_scoped(personas: Personas) -> None:
    names = {c["name"] for c in personas.api("foster2").get("/api/v1/children").json()}
    assert names == {"木村 結衣"}, "foster2 is only on Yui's team"


def test_fields_follow_the_policy(personas: Personas) -> None:
    foster = personas.api("foster2").get(f"/api/v1/children/{YUI}").json()
    assert foster["school_name"] == "松本市立県ヶ丘小学校"
    assert foster["current_placement"]["place_address"] == "長野県松本市県0-3-4"
    parent = personas.api("parent2").get(f"/api/v1/children/{YUI}").json()
    assert "school_name" not in parent
    assert set(parent["current_placement"]) >= {"kind", "start_date"}
    assert not {"place_name", "place_address", "place_phone"} & set(parent["current_placement"])
    team = personas.api("parent2").get(f"/api/v1/children/{YUI}/team").json()
    carers = [m for m in team if m["role"] == "foster_parent"]
    assert carers and all("name" not in m and "person_id" not in m for m in carers)


def test_birth_parent_without_consent_gets_no_foster_contacts(personas: Personas) -> None:
    team = personas.api("parent1").get(f"/api/v1/children/{SAKURA}/team").json()
    foster = [m for m in team if m["role"] == "foster_parent"]
    assert foster and all("phone" not in m and "email" not in m and "address" not in m for m in foster)
    assert all("name" in m for m in foster), "no protection order: the carers are named"


def test_out_of_scope_is_404(personas: Personas) -> None:
    api = personas.api("foster1")
    assert api.get(f"/api/v1/children/{YUI}").status_code == 404
    assert api.get(f"/api/v1/children/{uuid.uuid4()}").status_code == 404
    assert api.get(f"/api/v1/children/{YUI}/team").status_code == 404


def test_patch_validates_and_detects_conflicts(fresh_app: FastAPI) -> None:
    api = Personas(fresh_app).api("caseworker1")
    current = api.get(f"/api/v1/children/{SOTA}").json()
    bad = api.patch(f"/api/v1/children/{SOTA}", json={"version": current["version"], "date_of_birth": "soon"})
    assert bad.status_code == 422
    assert list(bad.json()["errors"]) == ["date_of_birth"], "the one 422 shape: {field: message}"
    future = api.patch(
        f"/api/v1/children/{SOTA}", json={"version": current["version"], "date_of_birth": "2999-01-01"}
    )
    assert future.status_code == 422 and "date_of_birth" in future.json()["errors"]
    ok = api.patch(f"/api/v1/children/{SOTA}", json={"version": current["version"], "given_name": "そうた"})
    assert ok.status_code == 200 and ok.json()["version"] == current["version"] + 1
    stale = api.patch(
        f"/api/v1/children/{SOTA}", json={"version": current["version"], "given_name": "ソウタ"}
    )
    assert stale.status_code == 409
    assert (
        stale.json()["current"]["given_name"] == "そうた" and stale.json()["yours"]["given_name"] == "ソウタ"
    )


def test_foster_parent_cannot_patch(personas: Personas) -> None:
    api = personas.api("foster1")
    version = api.get(f"/api/v1/children/{SAKURA}").json()["version"]
    assert (
        api.patch(f"/api/v1/children/{SAKURA}", json={"version": version, "given_name": "x"}).status_code
        == 404
    )


def test_revoked_token_stops_working(app: FastAPI, personas: Personas) -> None:
    personas._tokens.clear()
    api = personas.api("keyworker")
    assert api.get("/api/v1/me").status_code == 200
    with Session(app.state.engine) as db:
        from sqlmodel import select

        from app.accounts.models import ApiToken
        from app.accounts.tokens import hash_token

        token = db.exec(
            select(ApiToken).where(ApiToken.token_hash == hash_token(personas.token("keyworker")))
        ).one()
        assert revoke_token(db, token.person_id, token.id)
        db.commit()
    assert api.get("/api/v1/me").status_code == 401


def test_openapi_and_docs(app: FastAPI) -> None:
    client = TestClient(app)
    spec = client.get("/api/openapi.json").json()
    assert "/api/v1/children/{child_id}" in spec["paths"]
    assert {"/api/v1/children", "/api/v1/children/{child_id}/transfer"} <= set(spec["paths"])
    pages = [path for path in spec["paths"] if not path.startswith("/api/v1/")]
    assert pages == [], "the OpenAPI document describes the JSON API only, not the HTML pages and forms"
    form_bodies = [n for n in spec["components"]["schemas"] if n.startswith("Body_") and "_api_v1_" not in n]
    assert form_bodies == [], "the pages' form bodies are not described"
    assert "IntakeIn" in spec["components"]["schemas"]
    docs = client.get("/api/docs")
    assert docs.status_code == 200 and "/static/vendor/swagger-ui/swagger-ui-bundle.js" in docs.text
    assert client.get("/static/vendor/swagger-ui/swagger-ui-bundle.js").status_code == 200


def test_api_messages_follow_accept_language(app: FastAPI) -> None:
    client = TestClient(app)
    assert client.get("/api/v1/me", headers={"Accept-Language": "en"}).json()["detail"] == "Please sign in."
    assert client.get("/api/v1/me").json()["detail"] == "ログインしてください。"
