"""A caseworker registers a child on a phone: the form fits, a possible duplicate is asked about."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from app import clock
from tests.browser.conftest import LiveServer, screenshot
from tests.browser.test_portal_pages import sign_in

pytestmark = pytest.mark.browser


def test_caseworker_registers_a_child_on_a_phone(browser, live_server: LiveServer, viewport) -> None:  # type: ignore[no-untyped-def]
    context = browser.new_context(viewport=viewport[1], locale="ja-JP")
    page = context.new_page()
    sign_in(page, live_server, "caseworker1@example.jp")
    page.click("[data-testid=register-child]")
    expect(page.locator("h1")).to_have_text("子どもを登録する")
    screenshot(page, "30-intake-form", viewport)

    def fill() -> None:
        page.fill("#f-family_name", "登録")
        page.fill("#f-given_name", "みらい")
        page.fill("#f-date_of_birth", clock.today().replace(year=clock.today().year - 4).isoformat())
        page.select_option("#f-sex", "female")

    fill()
    page.click("form[action='/children/new'] button[type=submit]")
    expect(page.locator("h1")).to_contain_text("登録 みらい")
    screenshot(page, "31-intake-registered", viewport)

    page.goto(f"{live_server.url}/children/new")
    fill()
    page.click("form[action='/children/new'] button[type=submit]")
    expect(page.locator("[data-testid=duplicates]")).to_be_visible()
    expect(page.locator("#f-given_name")).to_have_value("みらい")
    screenshot(page, "32-intake-possible-duplicate", viewport)
    page.check("[data-testid=confirm-not-duplicate] input")
    page.click("form[action='/children/new'] button[type=submit]")
    expect(page.locator("h1")).to_contain_text("登録 みらい")
    context.close()
