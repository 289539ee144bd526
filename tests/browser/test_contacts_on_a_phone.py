"""Issue "co-parenting contacts", done when: a caseworker on a 360 px phone schedules a comfort call,
an icebreaker and recurring family time for a newly placed child; the foster and birth parents see
them, each only what they may."""

from __future__ import annotations

import datetime as dt

import pytest
from playwright.sync_api import expect

from app import clock
from app.i18n import TOKYO
from tests.browser.conftest import LiveServer, screenshot
from tests.browser.test_portal_pages import sign_in
from tests.support import HINATA

pytestmark = pytest.mark.browser
PHONE = ("phone", {"width": 360, "height": 800})


def day(offset: int) -> str:
    return (clock.now().astimezone(TOKYO).date() + dt.timedelta(days=offset)).isoformat()


def schedule(page, server: LiveServer, kind: str, **fields: str) -> None:  # type: ignore[no-untyped-def]
    page.goto(f"{server.url}/children/{HINATA}")
    page.locator("#contacts summary.button").click()
    page.locator(f"#contacts ul.chips a[href$='kind={kind}']").click()
    page.wait_for_url(f"**/contacts/new?kind={kind}")
    for name, value in fields.items():
        if value == "first neutral place":
            value = page.locator("#f-place option[value^='neutral:']").first.get_attribute("value") or ""
        if name in ("place", "recurrence"):
            page.select_option(f"#f-{name}", value)
        else:
            page.fill(f"#f-{name}", value)
    screenshot(page, f"20-schedule-{kind}", PHONE)
    page.click("form[data-testid=contact-form] button[type=submit]")
    page.wait_for_url("**/contacts/*-*")
    expect(page.locator(".flash.success")).to_be_visible()


def test_caseworker_schedules_the_first_contacts_on_a_phone(browser, live_server: LiveServer) -> None:  # type: ignore[no-untyped-def]
    context = browser.new_context(viewport=PHONE[1], locale="ja-JP")
    page = context.new_page()
    sign_in(page, live_server, "caseworker1@example.jp")
    page.goto(f"{live_server.url}/children/{HINATA}")
    expect(page.locator("[data-testid=due-items] li")).to_have_count(3)
    screenshot(page, "19-due-after-placement", PHONE)

    schedule(page, live_server, "comfort_call", date=day(1), start_time="19:00", end_time="19:20")
    screenshot(page, "21-comfort-call-scheduled", PHONE)
    schedule(
        page,
        live_server,
        "icebreaker",
        date=day(5),
        start_time="10:00",
        end_time="11:00",
        place="first neutral place",
    )
    schedule(
        page,
        live_server,
        "family_time",
        date=day(8),
        start_time="14:00",
        end_time="15:30",
        place="first neutral place",
        recurrence="weekly",
        until_date=day(8 + 21),
    )

    page.goto(f"{live_server.url}/children/{HINATA}")
    states = page.locator("[data-testid=due-items]").inner_text()
    assert states.count("予定あり") == 2, (
        "comfort call and icebreaker are scheduled; the support meeting is due"
    )
    expect(page.locator("#contacts [data-testid=contact]")).to_have_count(6)
    screenshot(page, "22-child-contacts", PHONE)
    context.close()

    # The foster parent: everything, with the place; answers in one tap.
    foster = browser.new_context(viewport=PHONE[1], locale="ja-JP").new_page()
    sign_in(foster, live_server, "foster1@example.jp")
    foster.goto(f"{live_server.url}/contacts")
    hinata = foster.locator("[data-testid=contact]", has_text="木村 陽葵")
    expect(hinata).to_have_count(6)
    hinata.first.click()
    foster.click("[data-testid=accept]")
    expect(foster.locator("[data-testid=my-response]")).to_have_text("参加する")
    screenshot(foster, "23-foster-parent-answers", PHONE)

    # The birth parent: the same contacts; the neutral place yes, never the foster home.
    parent = browser.new_context(viewport=PHONE[1], locale="ja-JP").new_page()
    sign_in(parent, live_server, "parent2@example.jp")
    parent.goto(f"{live_server.url}/children/{HINATA}/contacts")
    expect(parent.locator("[data-testid=contact]")).to_have_count(6)
    assert "若里" not in parent.content()
    parent.locator("[data-testid=contact]").first.click()
    screenshot(parent, "24-birth-parent-contact", PHONE)
