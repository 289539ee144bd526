"""Issue "co-parenting contacts", done when: the contacts scheduled for a newly placed child are seen
by the foster and birth parents, each only what they may, in the portal and in their subscribed
calendar feeds, and the reminders arrive once each in a real SMTP server, with two workers running."""

from __future__ import annotations

import datetime as dt
import re
import threading
from collections import Counter

import icalendar
from fastapi import FastAPI

from app import clock
from app.demo.loader import demo_id
from app.i18n import TOKYO
from app.notifications.worker import Worker
from tests.mailserver import Mailbox, SmtpServer
from tests.support import HINATA, Personas

REMINDER_SUBJECT = "【QPIポータル】予定のリマインダー"
FAMILY = [str(demo_id(k)) for k in ("foster1", "foster1-spouse", "parent2")]


def soon() -> tuple[str, str, str]:
    """A start about 90 minutes away, so both reminders (a day and two hours before) are due now."""
    start = clock.now().astimezone(TOKYO) + dt.timedelta(minutes=90)
    if start.hour == 23 and start.minute >= 35:
        start += dt.timedelta(minutes=30)  # keep start and end on one date
    end = start + dt.timedelta(minutes=20)
    return start.date().isoformat(), start.strftime("%H:%M"), end.strftime("%H:%M")


def feed(personas: Personas, key: str) -> icalendar.Calendar:
    page = personas.client(key).form("/account/calendar")
    url = re.search(r'data-testid="calendar-url">([^<]+)</code>', page.text).group(1)  # type: ignore[union-attr]
    response = personas.anonymous().get(url.replace("https://testserver", ""))
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/calendar")
    return icalendar.Calendar.from_ical(response.content)


def test_contacts_reach_each_parent_as_the_policy_allows_and_reminders_arrive_once(
    mail_app: FastAPI, smtp: SmtpServer
) -> None:
    personas = Personas(mail_app)
    api = personas.api("caseworker1")
    places = api.get(f"/api/v1/children/{HINATA}/contacts").json()
    assert places == [], "a newly placed child: nothing yet, three things due"
    assert [d["state"] for d in api.get(f"/api/v1/children/{HINATA}/due").json()] == ["due", "due", "due"]

    date, start, end = soon()
    neutral = str(demo_id("place-chuo-hall"))
    plans = [
        {
            "kind": "comfort_call",
            "mode": "phone",
            "place_kind": "remote",
            "date": date,
            "start_time": start,
            "end_time": end,
            "participant_ids": FAMILY,
            "call_arrangement": "caseworker_connects",
        },
        {
            "kind": "icebreaker",
            "mode": "in_person",
            "place_kind": "neutral",
            "place_id": neutral,
            "date": (dt.date.fromisoformat(date) + dt.timedelta(days=4)).isoformat(),
            "start_time": "10:00",
            "end_time": "11:00",
            "participant_ids": FAMILY,
        },
        {
            "kind": "family_time",
            "mode": "in_person",
            "place_kind": "foster_home",
            "date": (dt.date.fromisoformat(date) + dt.timedelta(days=7)).isoformat(),
            "start_time": "14:00",
            "end_time": "15:30",
            "participant_ids": FAMILY,
            "recurrence": "weekly",
            "carer_present": True,
            "until_date": (dt.date.fromisoformat(date) + dt.timedelta(days=28)).isoformat(),
        },
    ]
    for plan in plans:
        assert api.post(f"/api/v1/children/{HINATA}/contacts", json=plan).status_code == 201
    assert {d["kind"]: d["state"] for d in api.get(f"/api/v1/children/{HINATA}/due").json()} == {
        "comfort_call": "scheduled",
        "icebreaker": "scheduled",
        "support_meeting": "due",
    }

    # In the portal: both parents see all 6 contacts; the foster home is a place only for the foster parent.
    foster_view = personas.api("foster1").get(f"/api/v1/children/{HINATA}/contacts").json()
    parent_view = personas.api("parent2").get(f"/api/v1/children/{HINATA}/contacts").json()
    assert len(foster_view) == len(parent_view) == 6
    assert all(
        c.get("place", {}).get("address") == "長野県長野市若里0-1-2"
        for c in foster_view
        if c["kind"] == "family_time"
    )
    assert all("place" not in c for c in parent_view if c["kind"] == "family_time")
    assert all("starts_at" in c for c in parent_view), "no protection order for Hinata: times are shared"

    # In the subscribed feeds: the same, each only what they may.
    for key, sees_home in (("foster1", True), ("parent2", False)):
        events = [e for e in feed(personas, key).walk("VEVENT") if "陽葵" in str(e.get("SUMMARY"))]
        assert len(events) == 6, key
        homes = [e for e in events if "若里" in str(e.get("LOCATION", ""))]
        assert bool(homes) is sees_home, key
        assert all(e.decoded("DTSTART").tzinfo is not None for e in events)

    # Reminders: two workers at once, several rounds, a real SMTP server.
    workers = [Worker(mail_app.state.engine, mail_app.state.settings, identity=f"w{n}") for n in (1, 2)]
    for _round in range(3):
        threads = [threading.Thread(target=w.run, kwargs={"until_idle": True}) for w in workers]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=120)
    reminders = Counter(m["To"] for m in smtp.mailbox.messages if Mailbox.subject(m) == REMINDER_SUBJECT)
    expected = {"foster1@example.jp": 1, "parent2@example.jp": 1}  # the spouse has no sign-in
    print(
        f"\nreminders: expected {sum(expected.values())}, sent {sum(reminders.values())}, "
        f"duplicated {sum(max(n - 1, 0) for n in reminders.values())}, "
        f"lost {sum(max(expected[k] - reminders.get(k, 0), 0) for k in expected)}"
    )
    assert dict(reminders) == expected
    for message in smtp.mailbox.messages:
        text = Mailbox.text(message)
        assert "陽葵" not in text and "木村" not in text and "田中" not in text
