"""Due items counted as the seeds count them (issue 7, point 7), one test per rule, on both databases.

Seed 002: "措置後1か月以内の…支援会議" — a calendar month, counted as the Civil Code counts it (the first
day not counted): placed 31 January, due by 28 February (29th in a leap year); placed 15 October,
due by 15 November. Every test sets the clock to the days it talks about (tests/contacts/due_support.py).
"""

from __future__ import annotations

import datetime as dt
import logging

import pytest
from fastapi import FastAPI
from pydantic import ValidationError
from sqlmodel import Session, select

from app import clock
from app.audit.models import AuditEvent
from app.children.models import Child
from app.config import Settings
from app.contacts.due import due_items, rules
from app.contacts.models import ContactKind
from app.demo.loader import demo_id
from app.periods import add_months, months_after
from tests.contacts.due_support import (
    book,
    caseworker,
    clock_at,
    due_of,
    end_placement,
    later_year,
    move_clock,
    place,
)
from tests.support import HINATA

DAY = dt.timedelta(days=1)


# --- The support meeting is due within one calendar month ------------------------------------


@pytest.mark.parametrize(
    ("start", "deadline"),
    [
        ((1, 31), (2, 28)),  # a month without the 31st: its last day
        ((10, 15), (11, 15)),  # the same day of the next month, not 30 days (14 November)
        ((4, 30), (5, 31)),  # placed on a month's last day: counting starts on 1 May, a whole month
        ((12, 31), (1, 31)),  # into the next year
    ],
)
def test_months_are_counted_by_the_calendar(start: tuple[int, int], deadline: tuple[int, int]) -> None:
    year = later_year(leap=False)
    begin = dt.date(year, *start)
    assert months_after(begin, 1) == dt.date(year + (deadline[0] < start[0]), *deadline)


def test_a_leap_february_ends_on_the_29th_and_add_months_clamps() -> None:
    leap = later_year(leap=True)
    assert months_after(dt.date(leap, 1, 31), 1) == dt.date(leap, 2, 29)
    assert add_months(dt.date(leap, 1, 31), 1) == dt.date(leap, 2, 29)
    assert add_months(dt.date(leap + 1, 1, 31), 1) == dt.date(leap + 1, 2, 28)
    assert add_months(dt.date(leap, 1, 31), 3) == dt.date(leap, 4, 30)


@pytest.mark.parametrize(
    ("leap", "start", "deadline"),
    [(False, (1, 31), (2, 28)), (True, (1, 31), (2, 29)), (False, (10, 15), (11, 15))],
    ids=["31-jan-to-28-feb", "31-jan-to-29-feb-leap", "15-oct-to-15-nov"],
)
def test_support_meeting_is_due_by_the_same_day_next_month_or_its_end(
    fresh_app: FastAPI, leap: bool, start: tuple[int, int], deadline: tuple[int, int]
) -> None:
    year = later_year(leap=leap)
    placed, by = dt.date(year, *start), dt.date(year, *deadline)
    with clock_at(placed):
        placement = place(fresh_app, placed)
        items = due_of(fresh_app, placement)
        assert items["support_meeting"]["deadline"] == by.isoformat()
        assert items["comfort_call"]["deadline"] == (placed + 2 * DAY).isoformat(), "days stay days"
        assert items["icebreaker"]["deadline"] == (placed + 7 * DAY).isoformat()
        move_clock(by, hour=23)
        assert due_of(fresh_app, placement)["support_meeting"]["state"] == "due", "the last day still counts"
        move_clock(by + DAY, hour=0)
        assert due_of(fresh_app, placement)["support_meeting"]["state"] == "overdue"


def test_the_setting_is_in_months(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("QPI_DUE_SUPPORT_MEETING_DAYS", raising=False)
    monkeypatch.setenv("QPI_DUE_SUPPORT_MEETING_MONTHS", "2")
    settings = Settings(_env_file=None)  # type: ignore[call-arg]
    support = next(r for r in rules(settings) if r.kind is ContactKind.SUPPORT_MEETING)
    assert support.deadline(dt.date(later_year(leap=False), 12, 31)).month == 2
    assert Settings(_env_file=None).due_support_meeting_months == 2  # type: ignore[call-arg]
    monkeypatch.delenv("QPI_DUE_SUPPORT_MEETING_MONTHS")
    assert Settings(_env_file=None).due_support_meeting_months == 1, "the default is seed 002's month"  # type: ignore[call-arg]


def test_the_old_setting_in_days_still_works_with_a_clear_message(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.delenv("QPI_DUE_SUPPORT_MEETING_MONTHS", raising=False)
    monkeypatch.setenv("QPI_DUE_SUPPORT_MEETING_DAYS", "30")
    with caplog.at_level(logging.WARNING, logger="qpi"):
        settings = Settings(_env_file=None)  # type: ignore[call-arg]
    assert settings.due_support_meeting_months == 1
    assert "QPI_DUE_SUPPORT_MEETING_MONTHS=1" in caplog.text and "calendar months" in caplog.text

    monkeypatch.setenv("QPI_DUE_SUPPORT_MEETING_DAYS", "45")
    with pytest.raises(ValidationError, match="Set QPI_DUE_SUPPORT_MEETING_MONTHS"):
        Settings(_env_file=None)  # type: ignore[call-arg]

    monkeypatch.setenv("QPI_DUE_SUPPORT_MEETING_DAYS", "60")
    monkeypatch.setenv("QPI_DUE_SUPPORT_MEETING_MONTHS", "1")
    with pytest.raises(ValidationError, match="disagree"):
        Settings(_env_file=None)  # type: ignore[call-arg]


# --- A placement that ended before the deadline -------------------------------------------------


def test_items_of_a_placement_that_ended_before_their_deadline_no_longer_apply(fresh_app: FastAPI) -> None:
    placed = dt.date(later_year(leap=False), 6, 10)
    with clock_at(placed):
        placement = place(fresh_app, placed)
        move_clock(placed + 3 * DAY)
        book(caseworker(fresh_app).api("caseworker1"), "comfort_call", placed + DAY, done=True)
        end_placement(fresh_app, placement, placed + 3 * DAY)  # the child went home after 3 days
        items = due_of(fresh_app, placement)
        assert {k: i["state"] for k, i in items.items()} == {
            "comfort_call": "satisfied",
            "icebreaker": "no_longer_applies",
            "support_meeting": "no_longer_applies",
        }
        move_clock(placed + 60 * DAY)
        personas = caseworker(fresh_app)
        mine = personas.api("caseworker1").get("/api/v1/me/due").json()
        assert not [i for i in mine if i["placement_id"] == str(placement)], "nothing left to do"
        client = personas.client("caseworker1")
        for lang, text in (("ja", "対象外（措置終了）"), ("en", "No longer applies")):
            client.form("/language", {"lang": lang, "next": "/children"})
            page = client.get(f"/children/{HINATA}").text
            assert page.count(text) >= 2, lang
        client.form("/language", {"lang": "ja", "next": "/children"})


# --- A contact counts only for its own placement -----------------------------------------------


def test_a_contact_satisfies_only_the_due_item_of_its_own_placement(fresh_app: FastAPI) -> None:
    placed = dt.date(later_year(leap=False), 3, 2)
    moved = placed + 10 * DAY
    with clock_at(placed):
        first = place(fresh_app, placed)
        move_clock(moved)  # the first family's icebreaker (due within 7 days) never happened
        second = place(fresh_app, moved)
        move_clock(moved + 2 * DAY)
        book(caseworker(fresh_app).api("caseworker1"), "icebreaker", moved + DAY, done=True)
        assert due_of(fresh_app, second)["icebreaker"]["state"] == "satisfied"
        assert due_of(fresh_app, first)["icebreaker"]["state"] == "overdue", "missed with the first family"


# --- Booked after the deadline -------------------------------------------------------------------


def test_a_contact_booked_after_the_deadline_shows_booked_late(fresh_app: FastAPI) -> None:
    placed = dt.date(later_year(leap=False), 9, 1)
    with clock_at(placed):
        placement = place(fresh_app, placed)
        move_clock(placed + 5 * DAY)
        api = caseworker(fresh_app).api("caseworker1")
        book(api, "comfort_call", placed + 6 * DAY)  # due within 2 days
        book(api, "icebreaker", placed + 6 * DAY)  # due within 7 days
        items = due_of(fresh_app, placement)
        assert items["comfort_call"]["state"] == "booked_late"
        assert items["icebreaker"]["state"] == "scheduled"
        mine = [i for i in api.get("/api/v1/me/due").json() if i["placement_id"] == str(placement)]
        assert {i["kind"]: i["state"] for i in mine}["comfort_call"] == "booked_late", "still on my list"
        client = caseworker(fresh_app).client("caseworker1")
        for lang, text in (("ja", "期限後に予定"), ("en", "Booked late")):
            client.form("/language", {"lang": lang, "next": "/children"})
            assert text in client.get(f"/children/{HINATA}").text, lang
            assert text in client.get("/contacts").text, lang
        client.form("/language", {"lang": "ja", "next": "/children"})


# --- Only staff make a "done" count ----------------------------------------------------------------


def test_only_a_contact_recorded_or_confirmed_by_staff_satisfies_a_due_item(fresh_app: FastAPI) -> None:
    placed = dt.date(later_year(leap=False), 5, 20)
    with clock_at(placed):
        placement = place(fresh_app, placed)
        move_clock(placed + DAY, hour=15)
        personas = caseworker(fresh_app)
        parent = personas.api("parent2")
        recorded = book(parent, "comfort_call", placed + DAY, done=True)  # the birth parent: "it happened"
        assert recorded["status"] == "done" and recorded["done_confirmed"] is False
        assert due_of(fresh_app, placement)["comfort_call"]["state"] == "awaiting_confirmation"
        mine = [i for i in personas.api("caseworker1").get("/api/v1/me/due").json() if i["state"] != "due"]
        assert [i["kind"] for i in mine if i["placement_id"] == str(placement)] == ["comfort_call"]

        # The page says so, to the parent and to the caseworker; only staff are offered to confirm.
        contact_url = f"/children/{HINATA}/contacts/{recorded['id']}"
        parent_page = personas.client("parent2").get(contact_url).text
        assert "職員が確認すると" in parent_page and 'data-testid="confirm-done"' not in parent_page
        staff = personas.client("caseworker1")
        for lang, text in (
            ("en", "Done, waiting for staff to confirm"),
            ("ja", "実施済み（職員の確認待ち）"),
        ):
            staff.form("/language", {"lang": lang, "next": "/children"})
            assert text in staff.get(f"/children/{HINATA}").text, lang
            assert text in staff.get(contact_url).text, lang
        assert parent.post(f"/api/v1{contact_url}/confirm-done", json={"version": 1}).status_code == 404
        assert personas.client("parent2").form(f"{contact_url}/confirm", {"version": "1"}).status_code == 404

        # The caseworker confirms it on the page: now it counts, and the log says who confirmed.
        response = staff.form(f"{contact_url}/confirm", {"version": str(recorded["version"])})
        assert response.status_code == 303
        assert due_of(fresh_app, placement)["comfort_call"]["state"] == "satisfied"
        with Session(fresh_app.state.engine) as db:
            events = db.exec(
                select(AuditEvent).where(
                    AuditEvent.entity == "contact", AuditEvent.entity_id == recorded["id"]
                )
            ).all()
        assert any(
            e.changes.get("done_confirmed_by_id", [None, None])[1] == str(demo_id("caseworker1"))
            for e in events
        )


def test_a_parents_done_through_the_status_button_waits_and_the_api_confirms_it(fresh_app: FastAPI) -> None:
    placed = dt.date(later_year(leap=False), 7, 6)
    with clock_at(placed):
        placement = place(fresh_app, placed)
        parent = caseworker(fresh_app).api("parent2")
        proposed = book(parent, "icebreaker", placed + 2 * DAY)  # proposed by the parent: theirs to change
        move_clock(placed + 2 * DAY, hour=14)
        parent = caseworker(fresh_app).api("parent2")
        url = f"/api/v1/children/{HINATA}/contacts/{proposed['id']}"
        done = parent.post(f"{url}/status", json={"version": proposed["version"], "status": "done"})
        assert done.status_code == 200 and done.json()["done_confirmed"] is False
        assert due_of(fresh_app, placement)["icebreaker"]["state"] == "awaiting_confirmation"
        staff = caseworker(fresh_app).api("caseworker1")
        confirmed = staff.post(f"{url}/confirm-done", json={"version": done.json()["version"]})
        assert confirmed.status_code == 200 and confirmed.json()["done_confirmed"] is True
        assert due_of(fresh_app, placement)["icebreaker"]["state"] == "satisfied"


# --- Overdue items stay until done or closed with a reason --------------------------------------


def test_overdue_items_stay_listed_until_done_or_closed_with_a_reason(fresh_app: FastAPI) -> None:
    placed = dt.date(later_year(leap=False), 2, 3)
    with clock_at(placed):
        placement = place(fresh_app, placed)
        move_clock(placed + 200 * DAY)  # long after the 90 days they used to vanish after
        personas = caseworker(fresh_app)
        api = personas.api("caseworker1")

        def still_listed() -> dict[str, str]:
            mine = api.get("/api/v1/me/due").json()
            return {i["kind"]: i["state"] for i in mine if i["placement_id"] == str(placement)}

        assert still_listed() == {k: "overdue" for k in ("comfort_call", "icebreaker", "support_meeting")}

        # On the page: the reason is required; a refused form keeps what was typed.
        staff = personas.client("caseworker1")
        item = f"{placement}:icebreaker"
        form = staff.get(f"/children/{HINATA}/due/close", params={"item": item})
        assert form.status_code == 200 and f'value="{item}" selected' in form.text
        refused = staff.form(f"/children/{HINATA}/due/close", {"item": item, "reason": "  "})
        assert refused.status_code == 422 and "行わない理由を書いてください" in refused.text
        typed = "母と連絡が取れず、里親とだけ顔合わせをした"
        refused = staff.form(f"/children/{HINATA}/due/close", {"item": "", "reason": typed})
        assert refused.status_code == 422 and typed in refused.text, "the typed reason is still there"
        closed = staff.form(f"/children/{HINATA}/due/close", {"item": item, "reason": typed})
        assert closed.status_code == 303
        assert still_listed() == {"comfort_call": "overdue", "support_meeting": "overdue"}
        icebreaker = due_of(fresh_app, placement)["icebreaker"]
        assert icebreaker["state"] == "closed" and icebreaker["closed_reason"] == typed
        assert icebreaker["closed_by"] and icebreaker["closed_at"]

        # Through the API: the same rule; a birth parent cannot close anything.
        url = f"/api/v1/children/{HINATA}/due/close"
        body = {"placement_id": str(placement), "kind": "support_meeting"}
        assert api.post(url, json={**body, "reason": ""}).status_code == 422
        assert personas.api("parent2").post(url, json={**body, "reason": "x"}).status_code == 404
        assert personas.client("parent2").get(f"/children/{HINATA}/due/close").status_code == 404
        answer = api.post(url, json={**body, "reason": "支援会議は次の措置先で開く"})
        assert answer.status_code == 200 and answer.json()["state"] == "closed"

        # The comfort call still stays, until it is done.
        book(api, "comfort_call", placed + 199 * DAY, done=True)
        assert still_listed() == {}
        assert due_of(fresh_app, placement)["comfort_call"]["state"] == "satisfied"

        # Recorded and audited: who closed, and why; the page shows it in both languages.
        with Session(fresh_app.state.engine) as db:
            events = db.exec(select(AuditEvent).where(AuditEvent.entity == "due_item_closure")).all()
        assert {e.changes["reason"][1] for e in events} == {typed, "支援会議は次の措置先で開く"}
        assert {e.actor_person_id for e in events} == {demo_id("caseworker1")}
        for lang, text in (("ja", "に終了："), ("en", "Closed by")):
            staff.form("/language", {"lang": lang, "next": "/children"})
            page = staff.get(f"/children/{HINATA}").text
            assert text in page and typed in page, lang
        staff.form("/language", {"lang": "ja", "next": "/children"})


def test_a_centre_may_count_from_the_day_it_began_with_the_portal(db: Session) -> None:
    child = db.get(Child, HINATA)  # placed yesterday
    assert child is not None
    counted = Settings(_env_file=None, due_items_from=clock.today() - DAY)  # type: ignore[call-arg]
    later = Settings(_env_file=None, due_items_from=clock.today())  # type: ignore[call-arg]
    assert len(due_items(db, counted, [child])) == 3
    assert due_items(db, later, [child]) == [], "placed before the centre began counting here"
