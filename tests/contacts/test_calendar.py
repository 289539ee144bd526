"""Calendars: each person's private iCalendar feed and the .ics file of a contact, parsed with the
icalendar library and checked against RFC 5545 (UID, DTSTAMP, time zones, cancelled events), and
against the sharing policy (what each person's calendar may show)."""

from __future__ import annotations

import datetime as dt
import re
import uuid
from typing import Any

import icalendar
from fastapi import FastAPI
from sqlmodel import Session, select

from app import clock
from app.accounts.identity import load_actor
from app.accounts.models import Account
from app.authz.scope import child_access, load_policy
from app.contacts.models import CalendarFeed, Contact, ContactParticipant
from app.contacts.schemas import ContactIn, StatusChange
from app.contacts.service import schedule, set_status
from app.demo.loader import demo_id
from app.i18n import TOKYO
from tests.support import SAKURA, YUI, Personas

CALENDAR_URL = re.compile(r'data-testid="calendar-url">([^<]+)</code>')
HOUSEHOLD_TANAKA = "hh-tanaka"
HOUSEHOLD_SUZUKI = "hh-suzuki"


# --- Helpers ---------------------------------------------------------------------------------------


def add_contact(
    app: FastAPI,
    child_id: uuid.UUID,
    by: str,
    people: list[str],
    *,
    kind: str = "family_time",
    place_kind: str = "foster_home",
    mode: str = "in_person",
    days: int = 3,
    start: dt.time = dt.time(10, 0),
    end: dt.time = dt.time(11, 30),
    call_arrangement: str | None = None,
) -> uuid.UUID:
    """A contact scheduled through the service, as `by` (a demo key) would."""
    with Session(app.state.engine) as db:
        actor = load_actor(db, demo_id(by), via="session")
        assert actor is not None
        access = child_access(db, actor, child_id, load_policy(db))
        data = ContactIn(
            kind=kind,
            mode=mode,
            place_kind=place_kind,
            date=clock.today() + dt.timedelta(days=days),
            start_time=start,
            end_time=end,
            participant_ids=[demo_id(p) for p in people],
            call_arrangement=call_arrangement,
            record_as_done=days < 0,
        )
        result = schedule(db, access, app.state.settings, data)
        db.commit()
        return result.contacts[0].id


def cancel(app: FastAPI, child_id: uuid.UUID, by: str, contact_id: uuid.UUID) -> None:
    with Session(app.state.engine) as db:
        actor = load_actor(db, demo_id(by), via="session")
        assert actor is not None
        access = child_access(db, actor, child_id, load_policy(db))
        contact = db.get(Contact, contact_id)
        assert contact is not None
        set_status(
            db,
            access,
            app.state.settings,
            contact_id,
            StatusChange(version=contact.version, status="cancelled", reason="子どもの体調不良"),
        )
        db.commit()


def create_link(personas: Personas, key: str) -> str:
    """Make (or renew) the person's calendar link on My account; the path of the feed URL."""
    response = personas.client(key).form("/account/calendar")
    assert response.status_code == 200, response.status_code
    match = CALENDAR_URL.search(response.text)
    assert match, "the new link is shown"
    url = match.group(1)
    base = personas.app.state.settings.base_url.rstrip("/")
    assert url.startswith(base + "/calendar/") and url.endswith(".ics")
    return url[len(base) :]


def fetch(personas: Personas, path: str) -> Any:
    """What a calendar app gets: no session, no cookie."""
    return personas.anonymous().get(path)


def parse(body: bytes) -> icalendar.Calendar:
    calendar = icalendar.Calendar.from_ical(body)
    assert isinstance(calendar, icalendar.Calendar)
    return calendar


def feed(personas: Personas, key: str) -> icalendar.Calendar:
    response = fetch(personas, create_link(personas, key))
    assert response.status_code == 200
    return parse(response.content)


def events(calendar: icalendar.Calendar) -> dict[str, icalendar.Event]:
    return {str(e["uid"]): e for e in calendar.walk("VEVENT")}


def uid(contact_id: uuid.UUID) -> str:
    return f"{contact_id}@qpi-portal"


def at(days: int, time: dt.time) -> dt.datetime:
    return dt.datetime.combine(clock.today() + dt.timedelta(days=days), time, tzinfo=TOKYO)


def taking_part(app: FastAPI, key: str) -> set[str]:
    """The UIDs of every contact the person takes part in or facilitates, from the database."""
    person_id = demo_id(key)
    with Session(app.state.engine) as db:
        joined = set(
            db.exec(select(ContactParticipant.contact_id).where(ContactParticipant.person_id == person_id))
        )
        led = set(db.exec(select(Contact.id).where(Contact.facilitator_id == person_id)))
    return {uid(c) for c in joined | led}


def address(app: FastAPI, household: str) -> str:
    from app.people.models import Household

    with Session(app.state.engine) as db:
        row = db.get(Household, demo_id(household))
        assert row is not None and row.address
        return row.address


def check_rfc5545(body: bytes) -> icalendar.Calendar:
    """What every calendar this portal serves must be, whoever reads it."""
    text = body.decode("utf-8")
    assert text.startswith("BEGIN:VCALENDAR\r\n") and text.endswith("END:VCALENDAR\r\n")
    lines = text.split("\r\n")[:-1]
    assert all("\n" not in line and "\r" not in line for line in lines), "content lines end with CRLF"
    assert all(len(line.encode()) <= 75 for line in lines), "long lines are folded at 75 octets"
    calendar = parse(body)
    assert str(calendar["version"]) == "2.0"
    assert str(calendar["prodid"]).startswith("-//")
    assert str(calendar["calscale"]) == "GREGORIAN"
    assert str(calendar["method"]) == "PUBLISH"
    assert str(calendar["x-wr-timezone"]) == "Asia/Tokyo"
    assert str(calendar["x-wr-calname"])
    zones = [str(z["tzid"]) for z in calendar.walk("VTIMEZONE")]
    assert zones == ["Asia/Tokyo"]
    [zone] = calendar.walk("VTIMEZONE")
    assert [s.decoded("tzoffsetto") for s in zone.walk("STANDARD")] == [dt.timedelta(hours=9)]
    uids = [str(e["uid"]) for e in calendar.walk("VEVENT")]
    assert len(uids) == len(set(uids)), "UIDs are unique"
    for event in calendar.walk("VEVENT"):
        assert re.fullmatch(r"[0-9a-f-]{36}@qpi-portal", str(event["uid"]))
        stamp = event.decoded("dtstamp")
        assert isinstance(stamp, dt.datetime) and stamp.utcoffset() == dt.timedelta(0), "DTSTAMP in UTC"
        assert "DTSTAMP:" in text and re.search(r"DTSTAMP:\d{8}T\d{6}Z", text)
        start, end = event.decoded("dtstart"), event.decoded("dtend")
        for value, prop in ((start, "dtstart"), (end, "dtend")):
            assert isinstance(value, dt.datetime)
            assert str(value.tzinfo) == "Asia/Tokyo"
            assert event[prop].params["TZID"] == "Asia/Tokyo"
        assert end > start
        assert isinstance(event.decoded("sequence"), int) and event.decoded("sequence") >= 0
        assert str(event["status"]) in ("TENTATIVE", "CONFIRMED", "CANCELLED")
        assert str(event["summary"])
    assert re.search(r"^DTSTART;TZID=Asia/Tokyo:\d{8}T\d{6}\r$", text + "\r", re.M) or not uids
    return calendar


# --- The feed itself ------------------------------------------------------------------------------------


def test_feed_is_rfc5545_with_japan_times_and_cancelled_events(fresh_app: FastAPI) -> None:
    personas = Personas(fresh_app)
    visit = add_contact(fresh_app, SAKURA, "caseworker1", ["foster1", "parent1"], days=3)
    call = add_contact(
        fresh_app,
        SAKURA,
        "caseworker1",
        ["foster1", "parent1"],
        kind="comfort_call",
        mode="phone",
        place_kind="remote",
        days=5,
        start=dt.time(19, 30),
        end=dt.time(19, 45),
        call_arrangement="caseworker_connects",
    )
    cancel(fresh_app, SAKURA, "caseworker1", call)
    response = fetch(personas, create_link(personas, "foster1"))
    assert response.status_code == 200
    assert response.headers["content-type"] == "text/calendar; charset=utf-8"
    assert response.headers["cache-control"] == "no-store"
    assert "set-cookie" not in response.headers
    calendar = check_rfc5545(response.content)
    assert calendar["refresh-interval"].params["VALUE"] == "DURATION"
    found = events(calendar)
    assert {uid(visit), uid(call)} <= set(found)
    assert set(found) <= taking_part(fresh_app, "foster1")

    first = found[uid(visit)]
    assert first.decoded("dtstart") == at(3, dt.time(10, 0))
    assert first.decoded("dtend") == at(3, dt.time(11, 30))
    assert str(first["status"]) == "TENTATIVE", "proposed: not everyone has answered yet"
    with Session(fresh_app.state.engine) as db:
        row = db.get(Contact, visit)
        assert row is not None
        assert first.decoded("sequence") == row.version
        assert first.decoded("dtstamp") == row.updated_at.replace(microsecond=0)
    assert f"/children/{SAKURA}/contacts/{visit}" in str(first["description"])
    assert str(first["url"]).endswith(f"/children/{SAKURA}/contacts/{visit}")
    assert "さくら" in str(first["summary"])

    cancelled = found[uid(call)]
    assert str(cancelled["status"]) == "CANCELLED", "kept, so that subscribed calendars take it off"
    assert cancelled.decoded("dtstart") == at(5, dt.time(19, 30))
    assert cancelled.decoded("dtstart").utcoffset() == dt.timedelta(hours=9)
    assert cancelled.decoded("sequence") > first.decoded("sequence"), "a change raises SEQUENCE"
    assert str(cancelled["transp"]) == "TRANSPARENT"
    assert "子どもの体調不良" not in response.text, "the reason stays in the portal"


def test_feed_follows_the_account_language_and_window(fresh_app: FastAPI) -> None:
    personas = Personas(fresh_app)
    coming = add_contact(fresh_app, SAKURA, "caseworker1", ["foster1"], days=2)
    recent = add_contact(fresh_app, SAKURA, "caseworker1", ["foster1"], days=-10)
    old = add_contact(fresh_app, SAKURA, "caseworker1", ["foster1"], days=-40)
    with Session(fresh_app.state.engine) as db:
        account = db.exec(select(Account).where(Account.person_id == demo_id("foster1"))).one()
        account.locale = "en"
        db.add(account)
        db.commit()
    calendar = check_rfc5545(fetch(personas, create_link(personas, "foster1")).content)
    found = events(calendar)
    assert uid(coming) in found and uid(recent) in found
    assert uid(old) not in found, "contacts older than 30 days leave the calendar"
    assert str(found[uid(coming)]["summary"]) == "Proposed: Family time (さくら)"
    assert str(found[uid(recent)]["summary"]) == "Family time (さくら)"
    assert str(found[uid(recent)]["status"]) == "CONFIRMED", "done"
    assert "Status: Done" in str(found[uid(recent)]["description"])


def test_an_empty_feed_is_still_a_valid_calendar(fresh_app: FastAPI) -> None:
    personas = Personas(fresh_app)
    calendar = check_rfc5545(fetch(personas, create_link(personas, "supervisor")).content)
    assert calendar.walk("VEVENT") == []


# --- What each person's calendar shows ---------------------------------------------------------------


def test_each_feed_shows_what_the_policy_lets_its_owner_see(fresh_app: FastAPI) -> None:
    personas = Personas(fresh_app)
    tanaka, suzuki = address(fresh_app, HOUSEHOLD_TANAKA), address(fresh_app, HOUSEHOLD_SUZUKI)
    visit = add_contact(fresh_app, SAKURA, "caseworker1", ["foster1", "parent1"], days=4)
    interview = add_contact(fresh_app, SAKURA, "caseworker1", ["caseworker1"], kind="interview_child", days=6)
    yui_without_father = add_contact(fresh_app, YUI, "caseworker2", ["foster2"], days=4)
    yui_with_father = add_contact(fresh_app, YUI, "caseworker2", ["foster2", "parent2"], days=8)

    foster1 = events(feed(personas, "foster1"))
    assert uid(visit) in foster1
    assert set(foster1) <= taking_part(fresh_app, "foster1"), (
        "only the contacts the foster parent takes part in"
    )
    assert uid(interview) not in foster1
    assert tanaka in str(foster1[uid(visit)]["location"]), "the foster parent sees their own home"

    parent1 = events(feed(personas, "parent1"))
    assert uid(visit) in parent1 and uid(interview) not in parent1
    assert set(parent1) <= taking_part(fresh_app, "parent1")
    assert "location" not in parent1[uid(visit)], "no foster home shown to a birth parent without consent"
    assert parent1[uid(visit)].decoded("dtstart") == at(4, dt.time(10, 0))

    caseworker1 = events(feed(personas, "caseworker1"))
    assert {uid(visit), uid(interview)} <= set(caseworker1), "the caseworker sees all the child's contacts"
    assert not {uid(yui_without_father), uid(yui_with_father)} & set(caseworker1)

    parent2_feed = feed(personas, "parent2")
    parent2 = events(parent2_feed)
    assert uid(yui_without_father) not in parent2, "under a protection order: not his contact, not there"
    assert uid(yui_with_father) in parent2, "his own contact, with its time"
    assert set(parent2) <= taking_part(fresh_app, "parent2")
    assert "location" not in parent2[uid(yui_with_father)]
    assert suzuki not in parent2_feed.to_ical().decode()

    caseworker2 = events(feed(personas, "caseworker2"))
    assert {uid(yui_without_father), uid(yui_with_father)} <= set(caseworker2)
    assert suzuki in str(caseworker2[uid(yui_without_father)]["location"])

    supervisor = events(feed(personas, "supervisor"))
    assert supervisor == {}, "a centre-wide role does not put the whole centre in a calendar"


# --- The link: made, renewed, stopped -------------------------------------------------------------------


def test_renewing_or_stopping_the_link_closes_the_old_one(fresh_app: FastAPI) -> None:
    personas = Personas(fresh_app)
    client = personas.client("foster1")
    card = client.get("/account/calendar", headers={"HX-Request": "true"})
    assert card.status_code == 200 and 'action="/account/calendar"' in card.text
    assert "<html" not in card.text, "the card on My account gets the fragment only"
    assert 'hx-get="/account/calendar"' in client.get("/account").text

    first = create_link(personas, "foster1")
    assert fetch(personas, first).status_code == 200
    page = client.get("/account/calendar").text
    token = first.removeprefix("/calendar/").removesuffix(".ics")
    assert len(token) >= 43, "at least 256 bits"
    assert token not in page, "shown once: only its hash is kept"
    assert 'action="/account/calendar/revoke"' in page
    with Session(fresh_app.state.engine) as db:
        rows = db.exec(select(CalendarFeed).where(CalendarFeed.person_id == demo_id("foster1"))).all()
        assert [r.token_hash for r in rows] != [] and all(token not in r.token_hash for r in rows)
        assert rows[0].last_used_at is not None, "a calendar read it"

    second = create_link(personas, "foster1")
    assert second != first
    assert fetch(personas, first).status_code == 404, "the old link stops working"
    assert fetch(personas, second).status_code == 200

    stopped = client.form("/account/calendar/revoke")
    assert stopped.status_code == 303
    assert fetch(personas, second).status_code == 404
    assert "Create" in client.get("/account/calendar").text or "作成" in client.get("/account/calendar").text

    assert fetch(personas, "/calendar/not-a-real-token.ics").status_code == 404
    assert fetch(personas, f"/calendar/{'x' * 43}.ics").status_code == 404
    assert fetch(personas, "/calendar/.ics").status_code == 404


def test_a_disabled_account_has_no_feed(fresh_app: FastAPI) -> None:
    personas = Personas(fresh_app)
    path = create_link(personas, "parent1")
    assert fetch(personas, path).status_code == 200
    with Session(fresh_app.state.engine) as db:
        account = db.exec(select(Account).where(Account.person_id == demo_id("parent1"))).one()
        account.disabled_at = clock.now()
        db.add(account)
        db.commit()
    assert fetch(personas, path).status_code == 404


# --- One contact as a file --------------------------------------------------------------------------------


def test_contact_file_as_the_policy_allows(fresh_app: FastAPI) -> None:
    personas = Personas(fresh_app)
    suzuki = address(fresh_app, HOUSEHOLD_SUZUKI)
    visit = add_contact(fresh_app, SAKURA, "caseworker1", ["foster1", "parent1"], days=4)
    without_father = add_contact(fresh_app, YUI, "caseworker2", ["foster2"], days=4)
    with_father = add_contact(fresh_app, YUI, "caseworker2", ["foster2", "parent2"], days=5)

    response = personas.client("parent1").get(f"/children/{SAKURA}/contacts/{visit}.ics")
    assert response.status_code == 200
    assert response.headers["content-type"] == "text/calendar; charset=utf-8"
    assert response.headers["content-disposition"].startswith("attachment")
    calendar = check_rfc5545(response.content)
    [event] = calendar.walk("VEVENT")
    assert str(event["uid"]) == uid(visit)
    assert event.decoded("dtstart") == at(4, dt.time(10, 0))
    assert "location" not in event

    caseworker2 = personas.client("caseworker2")
    [event] = check_rfc5545(caseworker2.get(f"/children/{YUI}/contacts/{without_father}.ics").content).walk(
        "VEVENT"
    )
    assert suzuki in str(event["location"])

    parent2 = personas.client("parent2")
    assert parent2.get(f"/children/{YUI}/contacts/{without_father}.ics").status_code == 404
    own = parent2.get(f"/children/{YUI}/contacts/{with_father}.ics")
    assert own.status_code == 200 and suzuki not in own.text
    assert personas.client("foster1").get(f"/children/{YUI}/contacts/{with_father}.ics").status_code == 404
    assert caseworker2.get(f"/children/{SAKURA}/contacts/{visit}.ics").status_code == 404
    assert caseworker2.get(f"/children/{YUI}/contacts/{visit}.ics").status_code == 404, "another child's"
    assert caseworker2.get(f"/children/{YUI}/contacts/{uuid.uuid4()}.ics").status_code == 404
