"""Moving a case (issue 8.2): a placement change with no gap or overlap, the end of care, a new lead
caseworker and a transfer to another centre; the carers and staff who come and go; the audit."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from sqlmodel import Session, col, select

from app import clock
from app.audit.models import AuditEvent
from app.children.models import Child, Placement
from app.demo.loader import demo_id
from tests.support import SAKURA, Personas

SUZUKI = demo_id("hh-suzuki")
MATSUMOTO = demo_id("centre-matsumoto")


def _placements(app: Any) -> list[Placement]:
    with Session(app.state.engine) as db:
        return list(
            db.exec(select(Placement).where(Placement.child_id == SAKURA).order_by(col(Placement.start_date)))
        )


def _child(app: Any) -> Child:
    with Session(app.state.engine) as db:
        child = db.get(Child, SAKURA)
        assert child is not None
        return child


def test_a_move_ends_the_current_placement_the_same_day_and_changes_the_carers(
    fresh_app: Any, fresh_personas: Personas
) -> None:
    today = clock.today().isoformat()
    client = fresh_personas.client("caseworker1")
    form = client.get(f"/children/{SAKURA}/placements/new")
    assert 'name="previous_end_reason"' in form.text, "the reason the current placement ends is asked"
    answer = client.form(
        f"/children/{SAKURA}/placements",
        {
            "kind": "foster_family",
            "start_date": today,
            "household_id": str(SUZUKI),
            "previous_end_reason": "other",
        },
    )
    assert answer.status_code == 303, answer.text
    old, new = _placements(fresh_app)[-2:]
    assert old.end_date == new.start_date == clock.today() and old.end_reason == "other"
    assert new.household_id == SUZUKI and new.end_date is None
    assert fresh_personas.client("foster1").get(f"/children/{SAKURA}").status_code == 404, (
        "the old family left"
    )
    assert fresh_personas.client("foster2").get(f"/children/{SAKURA}").status_code == 200, (
        "the new one joined"
    )


def test_a_move_may_not_overlap_or_precede_the_current_placement(
    fresh_app: Any, fresh_personas: Personas
) -> None:
    current = _placements(fresh_app)[-1]
    client = fresh_personas.client("caseworker1")
    before = (current.start_date - dt.timedelta(days=1)).isoformat()
    answer = client.form(
        f"/children/{SAKURA}/placements",
        {
            "kind": "childrens_home",
            "start_date": before,
            "facility_id": "",
            "previous_end_reason": "transfer",
        },
    )
    assert answer.status_code == 422
    assert "e-start_date" in answer.text and f'value="{before}"' in answer.text
    assert _placements(fresh_app)[-1].id == current.id, "nothing changed"


def test_ending_care_with_a_reason_takes_the_carers_off_the_team(
    fresh_app: Any, fresh_personas: Personas
) -> None:
    current = _placements(fresh_app)[-1]
    client = fresh_personas.client("caseworker1")
    answer = client.form(
        f"/children/{SAKURA}/placements/{current.id}/end",
        {"end_date": clock.today().isoformat(), "end_reason": "return_home", "version": str(current.version)},
    )
    assert answer.status_code == 303
    ended = _placements(fresh_app)[-1]
    assert ended.end_date == clock.today() and ended.end_reason == "return_home"
    assert fresh_personas.client("foster1").get(f"/children/{SAKURA}").status_code == 404
    assert fresh_personas.client("parent1").get(f"/children/{SAKURA}").status_code == 200, "the family stays"


def test_lead_caseworker_changes_to_a_caseworker_of_the_centre(
    fresh_app: Any, fresh_personas: Personas
) -> None:
    client = fresh_personas.client("caseworker1")
    page = client.get(f"/children/{SAKURA}/move")
    assert page.status_code == 200
    version = str(_child(fresh_app).version)
    outsider = client.form(
        f"/children/{SAKURA}/lead", {"lead_caseworker_id": str(demo_id("caseworker2")), "version": version}
    )
    assert outsider.status_code == 422 and "e-lead_caseworker_id" in outsider.text
    supervisor = str(demo_id("supervisor"))
    answer = client.form(f"/children/{SAKURA}/lead", {"lead_caseworker_id": supervisor, "version": version})
    assert answer.status_code == 303
    assert str(_child(fresh_app).lead_caseworker_id) == supervisor
    stale = client.form(f"/children/{SAKURA}/lead", {"lead_caseworker_id": supervisor, "version": version})
    assert stale.status_code == 409, "a form opened before the change is refused, not applied"


def test_transfer_to_another_centre(fresh_app: Any, fresh_personas: Personas) -> None:
    client = fresh_personas.client("caseworker1")
    version = str(_child(fresh_app).version)
    values = {"centre_id": str(MATSUMOTO), "on": clock.today().isoformat(), "version": version}
    unconfirmed = client.form(f"/children/{SAKURA}/transfer", values)
    assert unconfirmed.status_code == 422 and "e-confirmed" in unconfirmed.text
    answer = client.form(f"/children/{SAKURA}/transfer", {**values, "confirmed": "on"})
    assert answer.status_code == 303 and answer.headers["location"] == "/children"
    child = _child(fresh_app)
    assert child.responsible_centre_id == MATSUMOTO and child.lead_caseworker_id is None
    assert client.get(f"/children/{SAKURA}").status_code == 404, "the sending caseworker left the team"
    assert fresh_personas.client("supervisor").get(f"/children/{SAKURA}").status_code == 404
    assert fresh_personas.client("foster1").get(f"/children/{SAKURA}").status_code == 200, "the carers stay"
    with Session(fresh_app.state.engine) as db:
        actions = set(db.exec(select(AuditEvent.action).where(AuditEvent.child_id == SAKURA)).all())
    assert "transfer" in actions


@pytest.mark.parametrize("key", ["foster1", "parent1", "coordinator"])
def test_only_those_who_manage_the_case_may_move_it(fresh_personas: Personas, key: str) -> None:
    client = fresh_personas.client(key)
    assert client.get(f"/children/{SAKURA}/move").status_code == 404
    assert (
        client.form(f"/children/{SAKURA}/lead", {"lead_caseworker_id": "", "version": "1"}).status_code == 404
    )
    assert client.form(f"/children/{SAKURA}/transfer", {"confirmed": "on"}).status_code == 404


def test_the_api_moves_a_case(fresh_app: Any, fresh_personas: Personas) -> None:
    api = fresh_personas.api("caseworker1")
    today = clock.today().isoformat()
    moved = api.post(
        f"/api/v1/children/{SAKURA}/placements",
        json={"kind": "foster_family", "start_date": today, "household_id": str(SUZUKI)},
    )
    assert moved.status_code == 201, moved.text
    placement = moved.json()
    overlap = api.post(
        f"/api/v1/children/{SAKURA}/placements",
        json={"kind": "foster_family", "start_date": today, "household_id": str(SUZUKI)},
    )
    assert overlap.status_code == 422
    version = _child(fresh_app).version
    lead = api.put(
        f"/api/v1/children/{SAKURA}/lead", json={"person_id": str(demo_id("supervisor")), "version": version}
    )
    assert lead.status_code == 204
    ended = api.post(
        f"/api/v1/children/{SAKURA}/placements/{placement['id']}/end",
        json={"end_date": today, "end_reason": "return_home", "version": placement["version"]},
    )
    assert ended.status_code == 200 and ended.json()["end_reason"] == "return_home"
    transfer = api.post(
        f"/api/v1/children/{SAKURA}/transfer", json={"centre_id": str(MATSUMOTO), "version": version + 1}
    )
    assert transfer.status_code == 204
    assert api.get(f"/api/v1/children/{SAKURA}").status_code == 404
    assert (
        fresh_personas.api("foster2")
        .put(f"/api/v1/children/{SAKURA}/lead", json={"person_id": str(demo_id("supervisor")), "version": 1})
        .status_code
        == 404
    )


def test_the_api_changes_the_team(fresh_app: Any, fresh_personas: Personas) -> None:
    api = fresh_personas.api("caseworker1")
    psychologist = str(demo_id("caseworker-chuo-former"))  # a former member, back
    added = api.post(
        f"/api/v1/children/{SAKURA}/team", json={"person_id": psychologist, "role": "caseworker"}
    )
    assert added.status_code == 201, added.text
    member = added.json()
    assert member["person_id"] == psychologist and member["role"] == "caseworker"
    again = api.post(
        f"/api/v1/children/{SAKURA}/team", json={"person_id": psychologist, "role": "caseworker"}
    )
    assert again.status_code == 422, "the same role twice is refused"
    ended = api.post(
        f"/api/v1/children/{SAKURA}/team/{member['membership_id']}/end",
        json={"end_date": clock.today().isoformat(), "version": member["version"]},
    )
    assert ended.status_code == 200 and ended.json()["end_date"] == clock.today().isoformat()
    refused = fresh_personas.api("foster1").post(
        f"/api/v1/children/{SAKURA}/team", json={"person_id": psychologist, "role": "caseworker"}
    )
    assert refused.status_code == 404
