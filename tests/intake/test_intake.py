"""Registering a child (issue 8.1): who may, what is created, duplicates, and input kept on refusal."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

import pytest
from sqlmodel import Session, select

from app import clock
from app.children.models import Child, Placement
from app.demo.loader import demo_id
from app.teams.models import TeamMembership
from tests.support import SAKURA, Personas

CHUO = demo_id("centre-chuo")
TANAKA = demo_id("hh-tanaka")


def _form(**overrides: Any) -> dict[str, Any]:
    today = clock.today()
    values: dict[str, Any] = {
        "family_name": "新規",
        "given_name": "はると",
        "family_name_kana": "しんき",
        "given_name_kana": "はると",
        "date_of_birth": (today - dt.timedelta(days=6 * 365)).isoformat(),
        "sex": "male",
        "case_number": "",
        "lead_caseworker_id": "",
        "kind": "temporary_protection",
        "start_date": today.isoformat(),
        "household_id": "",
        "facility_id": "",
        "agency_id": "",
    }
    values.update(overrides)
    return values


def _child(app: Any, **where: Any) -> Child:
    with Session(app.state.engine) as db:
        query = select(Child)
        for key, value in where.items():
            query = query.where(getattr(Child, key) == value)
        return db.exec(query).one()


@pytest.mark.parametrize("key", ["foster1", "parent1", "coordinator", "keyworker", "admin"])
def test_only_centre_caseworkers_and_supervisors_have_the_intake(fresh_personas: Personas, key: str) -> None:
    client = fresh_personas.client(key)
    assert client.get("/children/new").status_code == 404
    assert client.form("/children/new", _form()).status_code == 404
    assert "/children/new" not in client.get("/children").text
    api = fresh_personas.api(key)
    body = {k: v for k, v in _form().items() if v != ""}
    assert api.post("/api/v1/children", json=body).status_code == 404


def test_caseworker_registers_a_child_who_joins_their_list_with_what_is_due(
    fresh_app: Any, fresh_personas: Personas
) -> None:
    client = fresh_personas.client("caseworker1")
    assert 'href="/children/new"' in client.get("/children").text
    form = client.get("/children/new")
    assert form.status_code == 200 and "長野県中央児童相談所" in form.text
    values = _form(
        kind="foster_family", household_id=str(TANAKA), case_number="R8-0123", date_of_birth_estimated="on"
    )
    answer = client.form("/children/new", values)
    assert answer.status_code == 303, answer.text
    child = _child(fresh_app, case_number="R8-0123")
    assert answer.headers["location"] == f"/children/{child.id}"
    assert child.responsible_centre_id == CHUO and child.date_of_birth_estimated
    assert child.lead_caseworker_id == demo_id("caseworker1")
    with Session(fresh_app.state.engine) as db:
        roles = {
            (m.person_id, m.role)
            for m in db.exec(select(TeamMembership).where(TeamMembership.child_id == child.id))
        }
        placement = db.exec(select(Placement).where(Placement.child_id == child.id)).one()
    assert (demo_id("caseworker1"), "caseworker") in roles
    assert (demo_id("foster1"), "foster_parent") in roles, "the family the child goes to is on the team"
    assert placement.kind == "foster_family" and placement.start_date == clock.today()
    assert "新規 はると" in client.get("/children").text
    due = fresh_personas.api("caseworker1").get(f"/api/v1/children/{child.id}/due").json()
    assert {d["kind"] for d in due} >= {"comfort_call", "icebreaker", "support_meeting"}


def test_a_refused_intake_keeps_everything_typed(fresh_personas: Personas) -> None:
    client = fresh_personas.client("caseworker1")
    answer = client.form(
        "/children/new", _form(family_name="", given_name="typed-given-name", case_number="K-77")
    )
    assert answer.status_code == 422
    assert 'value="typed-given-name"' in answer.text and 'value="K-77"' in answer.text
    assert "入力してください" in answer.text or "Fill in" in answer.text
    future = client.form(
        "/children/new", _form(date_of_birth=(clock.today() + dt.timedelta(days=3)).isoformat())
    )
    assert future.status_code == 422 and "未来" in future.text


def test_family_placement_needs_the_family_and_lead_must_be_of_the_centre(fresh_personas: Personas) -> None:
    client = fresh_personas.client("caseworker1")
    no_family = client.form("/children/new", _form(kind="foster_family"))
    assert (
        no_family.status_code == 422
        and 'aria-invalid="true" aria-describedby="e-household_id"' in no_family.text
    )
    outsider = client.form("/children/new", _form(lead_caseworker_id=str(demo_id("caseworker2"))))
    assert outsider.status_code == 422 and "e-lead_caseworker_id" in outsider.text


def test_case_number_is_unique_within_the_centre(fresh_app: Any, fresh_personas: Personas) -> None:
    client = fresh_personas.client("caseworker1")
    assert client.form("/children/new", _form(case_number="C-1")).status_code == 303
    again = client.form("/children/new", _form(family_name="別人", given_name="です", case_number="C-1"))
    assert again.status_code == 422 and "e-case_number" in again.text and 'value="別人"' in again.text
    # Another centre may use the same number.
    other = fresh_personas.client("caseworker2").form("/children/new", _form(case_number="C-1"))
    assert other.status_code == 303


def test_possible_duplicate_is_shown_before_saving_and_can_be_overridden(
    fresh_app: Any, fresh_personas: Personas
) -> None:
    sakura = _child(fresh_app, id=SAKURA)
    client = fresh_personas.client("caseworker1")
    values = _form(
        family_name=sakura.family_name,
        given_name=sakura.given_name,
        family_name_kana="",
        given_name_kana="",
        date_of_birth=sakura.date_of_birth.isoformat(),
    )
    warned = client.form("/children/new", values)
    assert warned.status_code == 409
    assert 'data-testid="duplicates"' in warned.text
    assert f'href="/children/{SAKURA}"' in warned.text, "a child the caseworker is on the team of is linked"
    assert f'value="{sakura.date_of_birth.isoformat()}"' in warned.text
    confirmed = client.form("/children/new", {**values, "confirm_not_duplicate": "on"})
    assert confirmed.status_code == 303


def test_a_duplicate_outside_the_readers_reach_reveals_nothing(
    fresh_app: Any, fresh_personas: Personas
) -> None:
    # The supervisor registers a child they lead themself; caseworker1 is not on its team.
    supervisor = fresh_personas.client("supervisor")
    values = _form(
        family_name="秘密", given_name="たろう", family_name_kana="ひみつ", given_name_kana="たろう"
    )
    lead = str(demo_id("supervisor"))
    assert supervisor.form("/children/new", {**values, "lead_caseworker_id": lead}).status_code == 303
    hidden = _child(fresh_app, family_name="秘密")
    # Same kana and date of birth, another written name: still matched, and still not revealed.
    warned = fresh_personas.client("caseworker1").form("/children/new", {**values, "family_name": "日見津"})
    assert warned.status_code == 409
    assert str(hidden.id) not in warned.text and "秘密" not in warned.text
    assert "同じ" in warned.text


def test_the_api_registers_warns_and_refuses_like_the_form(fresh_app: Any, fresh_personas: Personas) -> None:
    api = fresh_personas.api("caseworker1")
    body = {k: v for k, v in _form(case_number="API-1").items() if v != ""}
    created = api.post("/api/v1/children", json=body)
    assert created.status_code == 201, created.text
    child_id = uuid.UUID(created.json()["id"])
    assert created.json()["name"] == "新規 はると"
    duplicate = api.post("/api/v1/children", json={**body, "case_number": "API-2"})
    assert duplicate.status_code == 409
    assert duplicate.json()["duplicates"][0]["child_id"] == str(child_id)
    assert {"name", "kana"} <= set(duplicate.json()["duplicates"][0]["matched_on"])
    confirmed = api.post(
        "/api/v1/children", json={**body, "case_number": "API-2", "confirm_not_duplicate": True}
    )
    assert confirmed.status_code == 201
    same_number = api.post("/api/v1/children", json={**body, "confirm_not_duplicate": True})
    assert same_number.status_code == 422
    assert api.post("/api/v1/children", json={**body, "sex": "x"}).status_code == 422


def test_a_child_taken_into_temporary_protection_today_has_the_comfort_call_due_in_two_days(
    fresh_app: Any, fresh_personas: Personas
) -> None:
    client = fresh_personas.client("caseworker1")
    answer = client.form("/children/new", _form(case_number="TP-1"))
    assert answer.status_code == 303
    child = _child(fresh_app, case_number="TP-1")
    due = fresh_personas.api("caseworker1").get(f"/api/v1/children/{child.id}/due").json()
    comfort = [d for d in due if d["kind"] == "comfort_call"]
    assert len(comfort) == 1 and comfort[0]["state"] == "due"
    assert comfort[0]["deadline"] == (clock.today() + dt.timedelta(days=2)).isoformat()
    mine = fresh_personas.api("caseworker1").get("/api/v1/me/due").json()
    assert any(d["child_id"] == str(child.id) and d["kind"] == "comfort_call" for d in mine), "on my due list"
