"""A person on a phone and at a desk: sign in, my children, a child's page, switch language."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from app.demo.people import DEMO_PASSWORD
from tests.browser.conftest import LiveServer, screenshot
from tests.support import SAKURA, Personas

pytestmark = pytest.mark.browser


def sign_in(page, server: LiveServer, email: str) -> None:  # type: ignore[no-untyped-def]
    page.goto(f"{server.url}/sign-in")
    page.fill("#f-email", email)
    page.fill("#f-password", DEMO_PASSWORD)
    page.click("form[action='/sign-in'] button[type=submit]")
    # Wait for the answer to the form: the children, or (staff) the second factor.
    page.wait_for_url(re.compile(r"/children$|/sign-in/code$"))
    if page.url.endswith("/sign-in/code"):
        page.fill("#f-code", Personas(server.app).next_code(email))
        page.click("form[action='/sign-in/code'] button[type=submit]")
    page.wait_for_url(f"{server.url}/children")


def test_sign_in_my_children_child_page_and_language(browser, live_server: LiveServer, viewport) -> None:  # type: ignore[no-untyped-def]
    context = browser.new_context(viewport=viewport[1], locale="ja-JP")
    page = context.new_page()
    errors: list[str] = []
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)

    page.goto(f"{live_server.url}/sign-in")
    assert page.locator("h1").inner_text() == "ログイン"
    screenshot(page, "01-sign-in", viewport)

    sign_in(page, live_server, "foster1@example.jp")
    assert page.locator("h1").inner_text() == "担当の子ども"
    assert page.get_by_text("山田 さくら").is_visible()
    screenshot(page, "02-my-children", viewport)

    page.fill("#q", "ひなた")
    # The list narrows as one types (htmx), without a page load.
    expect(page.locator("[data-testid=children-list]")).not_to_contain_text("さくら")
    expect(page.locator("[data-testid=children-list]")).to_contain_text("木村 陽葵")

    page.goto(f"{live_server.url}/children/{SAKURA}")
    assert "山田 さくら" in page.locator("h1").inner_text()
    assert page.get_by_text("田中家").first.is_visible()
    screenshot(page, "03-child-page", viewport)

    page.click("button[name=lang][value=en]")
    page.wait_for_load_state()
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.get_by_role("heading", name="Current placement").is_visible()
    screenshot(page, "04-child-page-english", viewport)
    assert errors == [], f"browser console errors: {errors}"
    context.close()


def test_caseworker_pages_fit_a_phone(browser, live_server: LiveServer, viewport) -> None:  # type: ignore[no-untyped-def]
    context = browser.new_context(viewport=viewport[1])
    page = context.new_page()
    sign_in(page, live_server, "caseworker1@example.jp")
    screenshot(page, "05-caseworker-children", viewport)
    page.goto(f"{live_server.url}/children/{SAKURA}")
    screenshot(page, "06-caseworker-child-page", viewport)
    page.goto(f"{live_server.url}/children/{SAKURA}/edit")
    screenshot(page, "07-edit-child", viewport)
    page.goto(f"{live_server.url}/account")
    screenshot(page, "08-account", viewport)
    context.close()


def test_admin_pages_fit_a_phone(browser, live_server: LiveServer, viewport) -> None:  # type: ignore[no-untyped-def]
    context = browser.new_context(viewport=viewport[1])
    page = context.new_page()
    sign_in(page, live_server, "admin@example.jp")
    page.goto(f"{live_server.url}/admin/organisations")
    screenshot(page, "09-admin-organisations", viewport)
    page.goto(f"{live_server.url}/admin/people")
    screenshot(page, "10-admin-people", viewport)
    context.close()


def test_child_page_prints_cleanly(browser, live_server: LiveServer) -> None:  # type: ignore[no-untyped-def]
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    page = context.new_page()
    sign_in(page, live_server, "foster1@example.jp")
    page.goto(f"{live_server.url}/children/{SAKURA}")
    page.emulate_media(media="print")
    assert not page.locator("header.topbar").is_visible(), "the menu is not printed"
    assert page.locator("h1").is_visible()
    pdf = page.pdf(format="A4")
    assert pdf.startswith(b"%PDF") and len(pdf) > 10_000
    context.close()


def test_sharing_pages_fit_a_phone(browser, live_server: LiveServer, viewport) -> None:  # type: ignore[no-untyped-def]
    context = browser.new_context(viewport=viewport[1])
    page = context.new_page()
    page.goto(f"{live_server.url}/sharing-policy")
    expect(page.locator("[data-testid=hard-rule]").first).to_be_visible()
    screenshot(page, "11-who-sees-what", viewport)
    sign_in(page, live_server, "caseworker1@example.jp")
    page.goto(f"{live_server.url}/children/{SAKURA}/invite")
    screenshot(page, "12-invite", viewport)
    page.goto(f"{live_server.url}/children/{SAKURA}/items/new?category=assessments")
    screenshot(page, "13-add-information", viewport)
    page.goto(f"{live_server.url}/children/{SAKURA}/why")
    page.select_option("#f-person", index=2)
    page.select_option("#f-category", "assessments")
    page.click("main form[action$='/why'] button[type=submit]")
    expect(page.locator("[data-testid=explanation]")).to_be_visible()
    screenshot(page, "14-why", viewport)
    page.goto(f"{live_server.url}/account/two-factor")
    screenshot(page, "15-two-factor", viewport)
    context.close()


def test_supervisor_access_log_fits_a_phone(browser, live_server: LiveServer, viewport) -> None:  # type: ignore[no-untyped-def]
    context = browser.new_context(viewport=viewport[1])
    page = context.new_page()
    sign_in(page, live_server, "supervisor@example.jp")
    page.goto(f"{live_server.url}/children/{SAKURA}/access-log")
    screenshot(page, "16-access-log", viewport)
    context.close()


def test_birth_parent_under_protection_order_sees_a_clear_page(
    browser, live_server: LiveServer, viewport
) -> None:  # type: ignore[no-untyped-def]
    from tests.support import YUI

    context = browser.new_context(viewport=viewport[1])
    page = context.new_page()
    sign_in(page, live_server, "parent2@example.jp")
    page.goto(f"{live_server.url}/children/{YUI}")
    expect(page.get_by_text("あなたには共有されていません").first).to_be_visible()
    screenshot(page, "17-birth-parent-protection-order", viewport)
    context.close()
