"""The access log as a supervisor reads it: one entry per page view listing the categories read,
in the reader's language, the IP column labelled as such, filters by person, category and dates,
and pages that cost the same number of SQL statements however full they are."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from contextlib import contextmanager
from html import unescape

import pytest
from fastapi import FastAPI
from sqlalchemy import event

from app import clock
from app.demo.loader import demo_id
from app.sharing import access_log
from tests.support import SAKURA, Personas

LOG = f"/children/{SAKURA}/access-log"
ENTRY = re.compile(r'<tr data-testid="log-entry">(.*?)</tr>', re.S)


def entries(html: str) -> list[str]:
    return [
        unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", row))).strip() for row in ENTRY.findall(html)
    ]


def test_one_page_view_is_one_entry_listing_the_categories_read(fresh_app: FastAPI) -> None:
    personas = Personas(fresh_app)
    assert personas.client("foster1").get(f"/children/{SAKURA}").status_code == 200
    supervisor = personas.client("supervisor")
    page = supervisor.get(LOG, params={"person_id": str(demo_id("foster1"))})
    assert page.status_code == 200
    rows = entries(page.text)
    assert len(rows) == 1, rows  # was one row per category read (9 for this view)
    row = rows[0]
    assert "閲覧：子どものページ、措置の経過、チームの連絡先" in row, row
    for category in ("子どもの所在", "里親家庭の連絡先", "法的手続き"):
        assert category in row, (category, row)
    assert "testclient" in row, "the address the request came from"
    assert "case_item" not in page.text and "read ·" not in page.text, "no internal keys"
    header = page.text.split("<thead>")[1].split("</thead>")[0]
    assert "IPアドレス" in header and "開始日" not in header


def test_the_log_is_in_the_readers_language(fresh_app: FastAPI) -> None:
    personas = Personas(fresh_app)
    personas.client("foster1").get(f"/children/{SAKURA}")
    supervisor = personas.client("supervisor")
    assert supervisor.form("/language", {"lang": "en", "next": LOG}).status_code == 303
    page = supervisor.get(LOG, params={"person_id": str(demo_id("foster1"))})
    (row,) = entries(page.text)
    assert "Viewed the child's page, the placement history, the team's contact details" in row, row
    assert "Whereabouts" in row or "whereabouts" in row.lower(), row
    assert "IP address" in page.text


def test_changes_are_entries_with_labels_not_keys(fresh_app: FastAPI) -> None:
    personas = Personas(fresh_app)
    caseworker = personas.client("caseworker1")
    caseworker.get(f"/children/{SAKURA}")
    created = caseworker.form(
        f"/children/{SAKURA}/items",
        {
            "category": "care_info",
            "title": "Sleeps with a night light",
            "body": "Blue lamp.",
            "audience": "team",
        },
    )
    assert created.status_code in (200, 303), created.text
    rows = entries(personas.client("supervisor").get(LOG).text)
    assert any("追加：情報の記録" in row for row in rows), rows
    assert not any("_" in row.split("閲覧")[0] for row in rows), rows


def test_filters_by_person_category_and_dates(fresh_app: FastAPI) -> None:
    personas = Personas(fresh_app)
    personas.client("foster1").get(f"/children/{SAKURA}")
    personas.client("caseworker1").get(f"/children/{SAKURA}")
    supervisor = personas.client("supervisor")

    everyone = entries(supervisor.get(LOG).text)
    foster = entries(supervisor.get(LOG, params={"person_id": str(demo_id("foster1"))}).text)
    assert len(foster) == 1 and len(everyone) > len(foster)

    # The caseworker's view read the birth family's contact details; the foster parent's did not.
    birth_contact = entries(supervisor.get(LOG, params={"category": "birth_family_contact"}).text)
    assert birth_contact and all("実家族の連絡先" in row for row in birth_contact), birth_contact
    assert any("佐藤 美咲" in row for row in birth_contact), "the caseworker's view is listed"
    assert not any("田中 裕子" in row for row in birth_contact), "the foster parent's view is left out"

    today = clock.today()
    tomorrow = (today + dt.timedelta(days=1)).isoformat()
    yesterday = (today - dt.timedelta(days=1)).isoformat()
    assert entries(supervisor.get(LOG, params={"since": tomorrow}).text) == []
    assert (
        entries(supervisor.get(LOG, params={"until": yesterday, "person_id": str(demo_id("foster1"))}).text)
        == []
    )
    both = {"since": today.isoformat(), "until": today.isoformat(), "person_id": str(demo_id("foster1"))}
    assert len(entries(supervisor.get(LOG, params=both).text)) == 1

    page = supervisor.get(LOG, params={"person_id": "not-an-id", "since": "31/12"})
    assert page.status_code == 200, "a malformed filter is ignored, not an error"

    export = supervisor.get(f"{LOG}.csv", params={"person_id": str(demo_id("foster1"))})
    lines = export.text.lstrip("\ufeff").splitlines()
    assert "IPアドレス" in lines[0] and len(lines) == 2, lines


@contextmanager
def counting(app: FastAPI) -> Iterator[list[str]]:
    statements: list[str] = []

    def count(conn, cursor, statement, *args):  # type: ignore[no-untyped-def]
        statements.append(statement)

    event.listen(app.state.engine, "before_cursor_execute", count)
    try:
        yield statements
    finally:
        event.remove(app.state.engine, "before_cursor_execute", count)


def test_pages_cost_the_same_number_of_statements(
    fresh_app: FastAPI, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(access_log, "PER_PAGE", 3)
    personas = Personas(fresh_app)
    foster = personas.client("foster1")
    for _ in range(7):
        assert foster.get(f"/children/{SAKURA}").status_code == 200
    supervisor = personas.client("supervisor")
    only_foster = {"person_id": str(demo_id("foster1"))}
    supervisor.get(LOG, params=only_foster)  # the session is warm before counting

    with counting(fresh_app) as first_statements:
        first = supervisor.get(LOG, params=only_foster)
    assert len(entries(first.text)) == 3 and 'rel="next"' in first.text and 'rel="prev"' not in first.text
    second = supervisor.get(LOG, params={**only_foster, "page": "2"})
    assert len(entries(second.text)) == 3 and 'rel="prev"' in second.text
    with counting(fresh_app) as last_statements:
        last = supervisor.get(LOG, params={**only_foster, "page": "3"})
    assert len(entries(last.text)) == 1 and 'rel="next"' not in last.text
    assert f"person_id={demo_id('foster1')}" in last.text, "paging keeps the filter"
    assert len(first_statements) == len(last_statements), (first_statements, last_statements)
