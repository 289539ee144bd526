"""Issue 8 done-when: a supervisor imports a 500-row Shift_JIS CSV made as a centre makes it in
Excel, reads the preview, confirms, and the children appear with their teams; a second import of
the same file changes nothing. At phone and desktop width."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import LiveServer, screenshot
from tests.browser.test_portal_pages import sign_in
from tests.imports.caseload import caseload, to_csv

pytestmark = pytest.mark.browser


def test_supervisor_imports_a_500_row_shift_jis_csv(browser, live_server: LiveServer, viewport) -> None:  # type: ignore[no-untyped-def]
    content = to_csv(caseload(250, start=700), encoding="cp932")  # 250 children, two placements each
    assert content.count(b"\r\n") == 501
    context = browser.new_context(viewport=viewport[1], locale="ja-JP")
    page = context.new_page()
    sign_in(page, live_server, "supervisor@example.jp")
    page.click("[data-testid=import-caseload]")
    expect(page.locator("h1")).to_have_text("ケースの一括取り込み")

    def upload() -> None:
        page.set_input_files(
            "#f-file", files=[{"name": "児童一覧.csv", "mimeType": "text/csv", "buffer": content}]
        )
        page.click("form[action='/imports'] button[type=submit]")
        expect(page.locator("h1")).to_have_text("取り込みのプレビュー", timeout=60_000)

    upload()
    summary = page.locator("[data-testid=import-summary]")
    expect(summary).to_contain_text("行数: 500")
    expect(summary).to_contain_text("登録する子ども: 250")
    expect(page.locator("[data-testid=import-rows]")).to_contain_text("移行 児童700")
    screenshot(page, "40-import-preview", viewport)
    page.click("[data-testid=import-summary] button[type=submit]")
    expect(page.locator("body")).to_contain_text("新規登録 250人", timeout=60_000)
    page.goto(f"{live_server.url}/children?scope=centre&q=児童701")
    page.click("text=移行 児童701")
    expect(page.locator("body")).to_contain_text("伊藤 直子")  # the psychologist named in the file
    expect(page.locator("body")).to_contain_text("田中")  # the foster family the child lives with
    screenshot(page, "41-imported-child", viewport)

    page.goto(f"{live_server.url}/imports")
    upload()
    expect(page.locator("[data-testid=import-summary]")).to_contain_text("変更のない子ども: 250")
    expect(page.locator("[data-testid=import-nothing]")).to_be_visible()
    screenshot(page, "42-import-again-nothing-to-change", viewport)
    context.close()
