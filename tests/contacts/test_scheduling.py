"""A caseworker schedules the co-parenting contacts; the team answers; the policy shapes every view."""

from __future__ import annotations

import datetime as dt
import itertools
import re

from fastapi import FastAPI
from sqlmodel import Session, col, select

from app import clock
from app.caseinfo.models import CaseItem
from app.contacts.models import Contact, ContactParticipant
from app.demo.loader import demo_id
from app.notifications.models import Notification, OutboxMessage
from tests.contacts.helpers import created_id, form_of, submit, tomorrow
from tests.support import HINATA, SAKURA, YUI, Personas


def test_comfort_call_for_a_newly_placed_child(fresh_app: FastAPI) -> None:
    personas = Personas(fresh_app)
    caseworker = personas.client("caseworker1")
    page = caseworker.get(f"/children/{HINATA}").text
    due = page.split('data-testid="due-items"')[1].split("</ul>")[0]
    assert due.count("<li") == 3, "comfort call, icebreaker, support meeting"
    values = form_of(caseworker, HINATA, "comfort_call")
    assert set(values["participant_ids"]) >= {str(demo_id("foster1")), str(demo_id("parent2"))}
    response = submit(caseworker, HINATA, values)
    assert response.status_code == 303
    contact_id = created_id(response)
    page = caseworker.get(f"/children/{HINATA}").text
    assert "予定あり" in page.split('data-testid="due-items"')[1].split("</ul>")[0]
    with Session(fresh_app.state.engine) as db:
        notified = {
            n.person_id for n in db.exec(select(Notification).where(Notification.kind == "contact_proposed"))
        }
        assert {demo_id("foster1"), demo_id("parent2")} <= notified
        mails = db.exec(select(OutboxMessage).where(OutboxMessage.kind == "contact_proposed")).all()
        assert mails and all(
            "陽葵" not in m.body and "木村" not in m.body and "田中" not in m.body for m in mails
        )
        assert all(f"/contacts/{contact_id}" in m.body for m in mails), "a link, no names"


def test_scheduling_in_the_past_or_backwards_is_refused_and_input_kept(fresh_app: FastAPI) -> None:
    caseworker = Personas(fresh_app).client("caseworker1")
    values = form_of(caseworker, HINATA, "comfort_call")
    last_month = (clock.today() - dt.timedelta(days=30)).isoformat()
    past = submit(caseworker, HINATA, {**values, "date": last_month})
    assert past.status_code == 422 and "過ぎています" in past.text and f'value="{last_month}"' in past.text
    backwards = submit(caseworker, HINATA, {**values, "start_time": "15:00", "end_time": "14:00"})
    assert backwards.status_code == 422 and "終わりが始まりより前" in backwards.text
    stranger = submit(caseworker, HINATA, {**values, "participant_ids": [str(demo_id("foster2"))]})
    assert stranger.status_code == 422 and "チームにいる人だけ" in stranger.text
    no_arrangement = submit(caseworker, HINATA, {**values, "call_arrangement": ""})
    assert no_arrangement.status_code == 422
    with Session(fresh_app.state.engine) as db:
        assert db.exec(select(Contact).where(Contact.child_id == HINATA)).all() == [], "nothing half-saved"


def test_recording_one_that_happened_satisfies_the_due_item(fresh_app: FastAPI) -> None:
    caseworker = Personas(fresh_app).client("caseworker1")
    values = form_of(caseworker, HINATA, "comfort_call")
    today = clock.today().isoformat()
    response = submit(
        caseworker,
        HINATA,
        {**values, "date": today, "start_time": "00:00", "end_time": "00:10", "record_as_done": "yes"},
    )
    assert response.status_code == 303
    due = caseworker.get(f"/children/{HINATA}").text.split('data-testid="due-items"')[1].split("</ul>")[0]
    assert "済" in due or "完了" in due


def test_double_tap_creates_one_contact(fresh_app: FastAPI) -> None:
    caseworker = Personas(fresh_app).client("caseworker1")
    values = form_of(caseworker, HINATA, "icebreaker")
    values["place"] = next(p for p in values["places"] if p.startswith("neutral:"))
    first, second = submit(caseworker, HINATA, values), submit(caseworker, HINATA, values)
    assert first.status_code == second.status_code == 303
    assert created_id(first) == created_id(second)
    with Session(fresh_app.state.engine) as db:
        assert len(db.exec(select(Contact).where(Contact.child_id == HINATA)).all()) == 1


def test_weekly_family_time_and_changing_one_occurrence(fresh_app: FastAPI) -> None:
    caseworker = Personas(fresh_app).client("caseworker1")
    values = form_of(caseworker, HINATA, "family_time")
    values.update(
        place=next(p for p in values["places"] if p.startswith("neutral:")),
        date=tomorrow(2),
        recurrence="weekly",
        until_date=tomorrow(2 + 28),
        carer_present="yes",
    )
    response = submit(caseworker, HINATA, values)
    assert response.status_code == 303
    with Session(fresh_app.state.engine) as db:
        series = db.exec(
            select(Contact).where(Contact.child_id == HINATA).order_by(col(Contact.starts_at))
        ).all()
    assert len(series) == 5 and len({c.series_id for c in series}) == 1
    assert [(b.starts_at - a.starts_at).days for a, b in itertools.pairwise(series)] == [
        7,
        7,
        7,
        7,
    ]
    second = series[1]
    cancel = caseworker.form(
        f"/children/{HINATA}/contacts/{second.id}/status",
        {"status": "cancelled", "reason": "", "version": second.version},
    )
    assert cancel.status_code == 422 and "理由" in cancel.text
    caseworker.form(
        f"/children/{HINATA}/contacts/{second.id}/status",
        {"status": "cancelled", "reason": "子どもの発熱", "version": second.version, "confirm": "yes"},
    )
    with Session(fresh_app.state.engine) as db:
        statuses = [
            c.status
            for c in db.exec(
                select(Contact).where(Contact.child_id == HINATA).order_by(col(Contact.starts_at))
            )
        ]
    assert statuses == ["proposed", "cancelled", "proposed", "proposed", "proposed"]


def test_monthly_and_custom_dates(fresh_app: FastAPI) -> None:
    caseworker = Personas(fresh_app).client("caseworker1")
    values = form_of(caseworker, HINATA, "family_time")
    values["place"] = next(p for p in values["places"] if p.startswith("neutral:"))
    custom = submit(
        caseworker,
        HINATA,
        {**values, "recurrence": "custom", "custom_dates": f"{tomorrow(10)}\n{tomorrow(20)}"},
    )
    assert custom.status_code == 303
    with Session(fresh_app.state.engine) as db:
        assert len(db.exec(select(Contact).where(Contact.child_id == HINATA)).all()) == 3
    too_long = submit(
        caseworker,
        HINATA,
        {**values, "idempotency_key": "other", "recurrence": "weekly", "until_date": tomorrow(800)},
    )
    assert too_long.status_code == 422


def test_double_booking_is_a_warning(fresh_app: FastAPI) -> None:
    caseworker = Personas(fresh_app).client("caseworker1")
    values = form_of(caseworker, SAKURA, "interview_child")
    values.update(
        place=next(p for p in values["places"] if p.startswith("neutral:")),
        date=tomorrow(3),
        start_time="14:30",
        end_time="15:00",
        participant_ids=[str(demo_id("foster1"))],
    )
    check = caseworker.form(
        f"/children/{SAKURA}/contacts/check",
        {k: v for k, v in values.items() if k != "places"},
        headers={"HX-Request": "true"},
    )
    assert check.status_code == 200 and "田中 裕子" in check.text and "予定があります" in check.text
    response = submit(caseworker, SAKURA, values)
    assert response.status_code == 303, "a warning, not a refusal"
    assert "予定があります" in caseworker.get(response.headers["location"]).text


def test_participants_answer_in_one_tap(fresh_app: FastAPI) -> None:
    personas = Personas(fresh_app)
    caseworker, foster, parent = (
        personas.client("caseworker1"),
        personas.client("foster1"),
        personas.client("parent2"),
    )
    values = form_of(caseworker, HINATA, "comfort_call")
    contact_id = created_id(submit(caseworker, HINATA, values))
    url = f"/children/{HINATA}/contacts/{contact_id}"
    fragment = foster.form(f"{url}/respond", {"response": "accepted"}, headers={"HX-Request": "true"})
    assert fragment.status_code == 200 and "<html" not in fragment.text
    assert 'data-testid="my-response">参加する<' in fragment.text
    parent.form(f"{url}/respond", {"response": "accepted"})
    with Session(fresh_app.state.engine) as db:
        contact = db.get(Contact, contact_id)
        rows = db.exec(select(ContactParticipant).where(ContactParticipant.contact_id == contact_id)).all()
    assert contact is not None and contact.status == "confirmed", "all who can answer said yes"
    answers = {p.person_id: p.response for p in rows}
    assert answers[demo_id("foster1")] == answers[demo_id("parent2")] == "accepted"
    assert answers[demo_id("foster1-spouse")] == "pending", "no sign-in: confirmed by phone, not blocking"
    parent.form(f"{url}/respond", {"response": "declined"})
    with Session(fresh_app.state.engine) as db:
        contact = db.get(Contact, contact_id)
        told = db.exec(select(Notification).where(Notification.kind == "contact_declined")).all()
    assert contact is not None and contact.status == "proposed"
    assert {n.person_id for n in told} == {demo_id("caseworker1")}
    assert personas.client("coordinator").form(f"{url}/respond", {"response": "accepted"}).status_code == 404


def test_protection_order_hides_time_and_place_of_others_contacts(personas: Personas) -> None:
    parent2 = personas.api("parent2")
    contacts = parent2.get(f"/api/v1/children/{YUI}/contacts").json()
    assert contacts and all("starts_at" not in c and "place" not in c for c in contacts)
    page = personas.client("parent2").get(f"/children/{YUI}/contacts").text
    assert "日時と場所は共有されていません" in page
    caseworker = personas.api("caseworker2").get(f"/api/v1/children/{YUI}/contacts").json()
    assert all("starts_at" in c and c["place"]["address"] for c in caseworker)


def test_foster_home_is_never_a_place_shown_to_a_birth_parent(fresh_app: FastAPI) -> None:
    personas = Personas(fresh_app)
    caseworker = personas.client("caseworker1")
    values = form_of(caseworker, SAKURA, "family_time")
    assert "foster_home" in values["places"]
    contact_id = created_id(
        submit(caseworker, SAKURA, {**values, "place": "foster_home", "date": tomorrow(4)})
    )
    parent = personas.api("parent1").get(f"/api/v1/children/{SAKURA}/contacts/{contact_id}").json()
    assert "starts_at" in parent and "place" not in parent, "time yes, the foster home no"
    foster = personas.api("foster1").get(f"/api/v1/children/{SAKURA}/contacts/{contact_id}").json()
    assert foster["place"]["address"] == "長野県長野市若里0-1-2"
    parent_form = form_of(personas.client("parent1"), SAKURA, "family_time")
    assert "foster_home" not in parent_form["places"]
    refused = submit(personas.client("parent1"), SAKURA, {**parent_form, "place": "foster_home"})
    assert refused.status_code == 422 and "共有されていない" in refused.text


def test_comfort_call_numbers_show_only_as_the_policy_allows(personas: Personas) -> None:
    url = f"/api/v1/children/{SAKURA}/contacts/{demo_id('sakura-comfort')}"
    by_role = {p["role"]: p for p in personas.api("caseworker1").get(url).json()["participants"]}
    assert by_role["birth_parent"].get("phone") and by_role["foster_parent"].get("phone")
    foster = {p["role"]: p for p in personas.api("foster1").get(url).json()["participants"]}
    assert "phone" not in foster["birth_parent"], "the parent's number is not the foster parent's to see"
    parent = {p["role"]: p for p in personas.api("parent1").get(url).json()["participants"]}
    assert "phone" not in parent["foster_parent"], "nor the other way round without consent"
    assert personas.api("caseworker1").get(url).json()["call_arrangement"] == "caseworker_connects"


def test_outcome_and_adding_what_was_shared_to_care_information(fresh_app: FastAPI) -> None:
    personas = Personas(fresh_app)
    caseworker = personas.client("caseworker1")
    contact = demo_id("sota-family-time")
    url = f"/children/{demo_id('child-sota')}/contacts/{contact}"
    empty = caseworker.form(f"{url}/outcome", {"how_it_went": ""})
    assert empty.status_code == 422
    saved = caseworker.form(
        f"{url}/outcome",
        {
            "how_it_went": "穏やかに過ごせた",
            "child_reaction": "笑顔",
            "food": "カレーが好き",
            "sleep": "22時就寝",
            "audience": "team",
        },
    )
    assert saved.status_code == 303
    assert personas.client("keyworker").form(f"{url}/outcome/care-info").status_code == 303
    with Session(fresh_app.state.engine) as db:
        item = db.exec(
            select(CaseItem).where(
                CaseItem.child_id == demo_id("child-sota"),
                CaseItem.category == "care_info",
                col(CaseItem.body).contains("カレーが好き"),
            )
        ).one()
    assert "22時就寝" in item.body


def test_my_contacts_and_due_lists(personas: Personas) -> None:
    page = personas.client("caseworker1").get("/contacts").text
    due = page.split('data-testid="due-list"')[1].split("</ul>")[0]
    assert "木村 陽葵" in due and "安心コール" in due
    assert "ふれあい" not in due
    assert "親子交流" in page, "Sakura's coming family time"
    supervisor = personas.client("supervisor").get("/contacts", params={"scope": "centre"}).text
    assert "木村 陽葵" in supervisor
    assert "木村 陽葵" not in personas.client("caseworker2").get("/contacts").text


def test_api_idempotency_key_and_due(fresh_app: FastAPI) -> None:
    api = Personas(fresh_app).api("caseworker1")
    body = {
        "kind": "comfort_call",
        "mode": "phone",
        "place_kind": "remote",
        "date": tomorrow(),
        "start_time": "19:00",
        "end_time": "19:15",
        "participant_ids": [str(demo_id("foster1")), str(demo_id("parent2"))],
        "call_arrangement": "caseworker_connects",
    }
    first = api.post(f"/api/v1/children/{HINATA}/contacts", json=body, headers={"Idempotency-Key": "tap-1"})
    second = api.post(f"/api/v1/children/{HINATA}/contacts", json=body, headers={"Idempotency-Key": "tap-1"})
    assert first.status_code == second.status_code == 201
    assert second.json()["duplicate"] is True
    assert first.json()["contacts"][0]["id"] == second.json()["contacts"][0]["id"]
    bad = api.post(f"/api/v1/children/{HINATA}/contacts", json={**body, "end_time": "18:00"})
    assert bad.status_code == 422 and "end_time" in bad.json()["errors"]
    due = api.get(f"/api/v1/children/{HINATA}/due").json()
    assert {d["kind"]: d["state"] for d in due}["comfort_call"] == "scheduled"
    mine = api.get("/api/v1/me/due").json()
    assert any(d["child_id"] == str(HINATA) for d in mine)


def test_changing_a_contact_tells_everyone_and_asks_again(fresh_app: FastAPI) -> None:
    personas = Personas(fresh_app)
    caseworker = personas.client("caseworker1")
    contact_id = created_id(submit(caseworker, HINATA, form_of(caseworker, HINATA, "comfort_call")))
    url = f"/children/{HINATA}/contacts/{contact_id}"
    personas.client("foster1").form(f"{url}/respond", {"response": "accepted"})
    form = caseworker.get(f"{url}/edit").text
    version = re.search(r'name="version" value="(\d+)"', form).group(1)  # type: ignore[union-attr]
    values = form_of(caseworker, HINATA, "comfort_call")
    values = {k: v for k, v in values.items() if k not in ("places", "idempotency_key", "kind")}
    moved = caseworker.form(f"{url}/edit", {**values, "date": tomorrow(2), "version": version})
    assert moved.status_code == 303
    stale = caseworker.form(f"{url}/edit", {**values, "date": tomorrow(3), "version": version})
    assert stale.status_code == 409 and tomorrow(3) in stale.text
    with Session(fresh_app.state.engine) as db:
        answers = db.exec(
            select(ContactParticipant).where(
                ContactParticipant.contact_id == contact_id,
                ContactParticipant.person_id == demo_id("foster1"),
            )
        ).one()
        changed = db.exec(select(Notification).where(Notification.kind == "contact_changed")).all()
    assert answers.response == "pending", "a new time needs a new answer"
    assert {n.person_id for n in changed} >= {demo_id("foster1"), demo_id("parent2")}
