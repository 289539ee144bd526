"""Bad input gets a 422 with a field message, never a 500, and forms keep what was typed; every 422
has the one shape the OpenAPI document declares; 405s say what is allowed; a 500 page carries the
security headers (issue 7, point 10). Run on SQLite and PostgreSQL."""

from __future__ import annotations

import re
import uuid
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from pydantic import ConfigDict

from app.demo.loader import demo_id
from app.errors import ValidationProblem
from tests.contacts.helpers import created_id, form_of, submit, tomorrow
from tests.support import HARUTO, HINATA, SAKURA, Personas


class StrictProblem(ValidationProblem):
    model_config = ConfigDict(extra="forbid")


def problem(response: Any) -> StrictProblem:
    """The answer is a 422 of exactly the declared shape."""
    assert response.status_code == 422, f"{response.status_code}: {response.text[:300]}"
    return StrictProblem.model_validate(response.json())


def child_form(**changes: str) -> dict[str, str]:
    return {
        "family_name": "安藤",
        "given_name": "陽翔",
        "family_name_kana": "あんどう",
        "given_name_kana": "はると",
        "date_of_birth": "2024-05-01",
        "sex": "male",
        "version": "1",
        **changes,
    }


def comfort_call(**changes: Any) -> dict[str, Any]:
    return {
        "kind": "comfort_call",
        "mode": "phone",
        "place_kind": "remote",
        "date": tomorrow(),
        "start_time": "19:00",
        "end_time": "19:15",
        "participant_ids": [str(demo_id("foster1")), str(demo_id("parent2"))],
        "call_arrangement": "caseworker_connects",
        **changes,
    }


# --- NUL characters ------------------------------------------------------------------------


def test_a_nul_character_is_a_field_error_in_forms_queries_and_json(personas: Personas) -> None:
    client = personas.client("caseworker1")
    page = client.form(f"/children/{HARUTO}/edit", child_form(given_name="陽\x00翔"))
    assert page.status_code == 422 and "given_name" in page.text and "NUL" in page.text
    assert client.get("/children", params={"q": "\x00"}).status_code == 422
    api = personas.api("caseworker1")
    answer = problem(api.post(f"/api/v1/children/{HINATA}/contacts", json=comfort_call(note="a\x00b")))
    assert set(answer.errors) == {"note"} and "NUL" in answer.errors["note"]


# --- Contacts: dates, series, facilitator ---------------------------------------------------


def test_year_one_and_a_series_to_9999_are_field_errors(personas: Personas) -> None:
    api = personas.api("caseworker1")
    early = problem(api.post(f"/api/v1/children/{HINATA}/contacts", json=comfort_call(date="0001-01-01")))
    assert "date" in early.errors
    client = personas.client("caseworker1")
    values = form_of(client, HINATA, "family_time")
    values.update(
        place=next(p for p in values["places"] if p.startswith("neutral:")),
        date="0001-01-01",
        note="どちらも残ります",
    )
    response = submit(client, HINATA, values)
    assert response.status_code == 422 and "どちらも残ります" in response.text, "the typed note is kept"
    values.update(date=tomorrow(), recurrence="weekly", until_date="9999-12-31", carer_present="yes")
    response = submit(client, HINATA, values)
    assert response.status_code == 422 and 'value="9999-12-31"' in response.text
    assert "どちらも残ります" in response.text


def test_a_facilitator_must_be_on_the_childs_team(personas: Personas) -> None:
    api = personas.api("caseworker1")
    for stranger in (uuid.uuid4(), demo_id("caseworker2")):
        answer = problem(
            api.post(f"/api/v1/children/{HINATA}/contacts", json=comfort_call(facilitator_id=str(stranger)))
        )
        assert set(answer.errors) == {"facilitator_id"}


# --- The child's form ---------------------------------------------------------------------


def test_an_emptied_date_of_birth_is_a_field_error_and_keeps_the_form(personas: Personas) -> None:
    response = personas.client("caseworker1").form(
        f"/children/{HARUTO}/edit", child_form(date_of_birth="", given_name="入力した名")
    )
    assert response.status_code == 422
    assert "生年月日を入力してください。" in response.text and 'value="入力した名"' in response.text


# --- Versions and reasons -------------------------------------------------------------------


def test_a_damaged_version_is_a_field_error_and_keeps_the_form(fresh_app: FastAPI) -> None:
    personas = Personas(fresh_app)
    client = personas.client("caseworker1")
    made = client.form(
        f"/children/{SAKURA}/items",
        {"category": "care_info", "title": "寝る前", "body": "絵本を一冊", "audience": "team"},
    )
    assert made.status_code == 303
    edit = next(
        m
        for m in re.findall(
            r'href="(/children/[^"]+/items/[^"]+/edit)"', client.get(f"/children/{SAKURA}").text
        )
    )
    response = client.form(
        edit,
        {
            "category": "care_info",
            "title": "寝る前",
            "body": "書きかけの文",
            "audience": "team",
            "version": "abc",
        },
    )
    assert response.status_code == 422 and "書きかけの文" in response.text
    assert "このフォームは壊れています。" in response.text

    admin = personas.client("admin")
    org = demo_id("centre-chuo")
    response = admin.form(
        f"/admin/organisations/{org}/edit",
        {"name": "入力した名前", "kind": "child_guidance_centre", "region": "nagano", "version": "abc"},
    )
    assert response.status_code == 422 and "入力した名前" in response.text
    assert "このフォームは壊れています。" in response.text


def test_an_over_long_reason_is_a_field_error_and_keeps_the_reason(fresh_app: FastAPI) -> None:
    client = Personas(fresh_app).client("caseworker1")
    contact_id = created_id(submit(client, HINATA, form_of(client, HINATA, "comfort_call")))
    url = f"/children/{HINATA}/contacts/{contact_id}"
    reason = "長い理由" * 200
    response = client.form(f"{url}/status", {"status": "cancelled", "reason": reason, "version": "1"})
    assert response.status_code == 422 and reason in response.text
    response = client.form(f"{url}/status", {"status": "cancelled", "reason": "発熱", "version": "abc"})
    assert response.status_code == 422 and "発熱" in response.text


# --- One 422 shape, declared --------------------------------------------------------------


def test_every_422_has_the_shape_the_openapi_document_declares(app: FastAPI, personas: Personas) -> None:
    spec = TestClient(app).get("/api/openapi.json").json()
    assert "HTTPValidationError" not in spec["components"]["schemas"]
    declared = [
        operation["responses"]["422"]["content"]["application/json"]["schema"]["$ref"]
        for operations in spec["paths"].values()
        for operation in operations.values()
        if "422" in operation.get("responses", {})
    ]
    assert declared and set(declared) == {"#/components/schemas/ValidationProblem"}
    api = personas.api("caseworker1")
    refused_shape = problem(api.post(f"/api/v1/children/{HINATA}/contacts", json={"kind": "comfort_call"}))
    assert "date" in refused_shape.errors
    refused_content = problem(
        api.post(f"/api/v1/children/{HINATA}/contacts", json=comfort_call(end_time="18:00"))
    )
    assert "end_time" in refused_content.errors
    not_json = problem(
        api.post(
            f"/api/v1/children/{HINATA}/contacts", content=b"{", headers={"content-type": "application/json"}
        )
    )
    assert not_json.errors


# --- 405 and 500 ----------------------------------------------------------------------------


def test_405_says_which_methods_are_allowed(personas: Personas) -> None:
    page = personas.client("caseworker1").delete("/children")
    assert page.status_code == 405 and page.headers["allow"] == "GET"
    api = personas.api("caseworker1").put("/api/v1/me")
    assert api.status_code == 405 and api.headers["allow"] == "GET"


@pytest.mark.parametrize("path", ["/children/{child}", "/api/v1/children/{child}"])
def test_a_500_carries_the_security_headers(
    app: FastAPI, personas: Personas, monkeypatch: pytest.MonkeyPatch, path: str
) -> None:
    def broken(*_args: Any, **_kwargs: Any) -> Any:
        raise RuntimeError("a bug")

    monkeypatch.setattr("app.children.pages.child_page_context", broken)
    monkeypatch.setattr("app.children.service.child_detail", broken)
    client = TestClient(app, base_url="https://testserver", raise_server_exceptions=False)
    client.cookies = personas.client("caseworker1").cookies
    client.headers["Authorization"] = personas.api("caseworker1").headers["Authorization"]
    response = client.get(path.format(child=SAKURA))
    assert response.status_code == 500
    assert "script-src 'self'" in response.headers["content-security-policy"]
    assert response.headers["x-frame-options"] == "DENY" and response.headers["cache-control"] == "no-store"
    assert "a bug" not in response.text
