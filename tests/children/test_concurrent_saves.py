"""Two people saving at once, against a real uvicorn server: the portal keeps answering, one save
wins, the other gets a 409 with both versions and its typed text, never a 500 or a hang
(issue 7, point 10). Runs on SQLite and PostgreSQL like every test with `fresh_app`."""

from __future__ import annotations

import datetime as dt
import re
import secrets
import threading
import time
import uuid
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import event
from sqlmodel import Session, select

from app import clock
from app.accounts import sessions
from app.accounts.models import Account
from app.children.models import Child
from app.demo.loader import demo_id
from app.teams.models import TeamMembership
from tests.contacts.helpers import created_id, form_of, submit
from tests.liveserver import LiveServer
from tests.support import HINATA, SAKURA, Personas

# Long enough that a blocked event loop shows in /healthz, short enough for a quick test.
WINNER_HOLDS_LOCK_SECONDS = 4.0
HEALTHZ_WITHIN_SECONDS = 2.0


class Browser:
    """A signed-in person talking HTTP to the live server (cookie and CSRF token as a browser would)."""

    def __init__(self, app: FastAPI, server: LiveServer, email: str) -> None:
        settings = app.state.settings
        self.csrf = secrets.token_urlsafe(32)
        with Session(app.state.engine) as db:
            account = db.exec(select(Account).where(Account.email == email)).one()
            value = sessions.create_session(
                db,
                person_id=account.person_id,
                idle_minutes=settings.session_idle_minutes_staff,
                absolute_hours=settings.session_absolute_hours,
                data={"csrf": self.csrf, "locale": "en", "method": "test"},
            )
            db.commit()
        self.client = httpx.Client(
            base_url=server.url,
            headers={"cookie": f"{settings.session_cookie_name}={value}"},
            timeout=30,
            follow_redirects=False,
        )

    def save_child(self, child_id: uuid.UUID, **fields: str) -> httpx.Response:
        return self.client.post(f"/children/{child_id}/edit", data={"csrf_token": self.csrf, **fields})

    def version_of(self, child_id: uuid.UUID) -> str:
        page = self.client.get(f"/children/{child_id}/edit").text
        match = re.search(r'name="version" value="(\d+)"', page)
        assert match, "the edit form carries the version"
        return match.group(1)


def _child_form(child: Child, version: str, **changes: str) -> dict[str, str]:
    return {
        "family_name": child.family_name,
        "given_name": child.given_name,
        "family_name_kana": child.family_name_kana,
        "given_name_kana": child.given_name_kana,
        "date_of_birth": child.date_of_birth.isoformat(),
        "sex": child.sex,
        "school_name": child.school_name,
        "version": version,
        **changes,
    }


class SlowFirstCommit:
    """Holds the first transaction that updates a row of `table` for a while before it commits, so
    that a second save of the same record surely arrives while the first still holds the row
    (PostgreSQL) or the write lock (SQLite): the moment the portal used to freeze."""

    def __init__(self, app: FastAPI, table: str = "child") -> None:
        self.engine = app.state.engine
        self.update = f"UPDATE {table.upper()} "
        self.updated = threading.Event()
        self._held = False
        self._lock = threading.Lock()

    def __enter__(self) -> SlowFirstCommit:
        event.listen(self.engine, "after_cursor_execute", self._after_execute)
        event.listen(self.engine, "commit", self._before_commit)
        return self

    def __exit__(self, *exc: object) -> None:
        event.remove(self.engine, "after_cursor_execute", self._after_execute)
        event.remove(self.engine, "commit", self._before_commit)

    def _after_execute(self, conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        if statement.lstrip().upper().startswith(self.update):
            with self._lock:
                if not self._held:
                    self._held = True
                    conn.info["hold_commit"] = True
            self.updated.set()

    def _before_commit(self, conn: Any) -> None:
        if conn.info.pop("hold_commit", False):
            time.sleep(WINNER_HOLDS_LOCK_SECONDS)


@pytest.fixture
def server(fresh_app: FastAPI) -> Iterator[LiveServer]:
    with LiveServer(fresh_app) as live:
        yield live


def _healthz_times(server: LiveServer, count: int) -> list[float]:
    times = []
    with httpx.Client(base_url=server.url, timeout=HEALTHZ_WITHIN_SECONDS * 3) as probe:
        for _ in range(count):
            started = time.monotonic()
            try:
                answered = probe.get("/healthz").status_code == 200
            except httpx.TimeoutException:
                answered = False
            times.append(time.monotonic() - started if answered else float("inf"))
            time.sleep(0.2)
    return times


def test_two_saves_of_one_child_at_once(fresh_app: FastAPI, server: LiveServer) -> None:
    first = Browser(fresh_app, server, "caseworker1@example.jp")
    second = Browser(fresh_app, server, "supervisor@example.jp")
    with Session(fresh_app.state.engine) as db:
        child = db.get(Child, SAKURA)
        assert child is not None
    version = first.version_of(SAKURA)
    assert second.version_of(SAKURA) == version, "both opened the same version of the form"

    with SlowFirstCommit(fresh_app) as slow, ThreadPoolExecutor(max_workers=2) as pool:
        winner = pool.submit(first.save_child, SAKURA, **_child_form(child, version, given_name="先の名"))
        assert slow.updated.wait(10), "the first save reached the database"
        loser = pool.submit(second.save_child, SAKURA, **_child_form(child, version, given_name="後の名"))
        time.sleep(0.5)  # the second save is now waiting for the first one's lock
        healthz = _healthz_times(server, 4)
        won, lost = winner.result(timeout=40), loser.result(timeout=40)

    assert max(healthz) < HEALTHZ_WITHIN_SECONDS, f"/healthz kept answering while both saved: {healthz}"
    assert won.status_code == 303, won.text[:500]
    assert lost.status_code == 409, f"{lost.status_code}: {lost.text[:500]}"
    assert 'value="後の名"' in lost.text, "what the second person typed is still in the form"
    assert 'data-testid="conflict"' in lost.text and "先の名" in lost.text, "and what is saved now"
    # Saving again on top of the version now saved goes through.
    again = second.save_child(SAKURA, **_child_form(child, second.version_of(SAKURA), given_name="後の名"))
    assert again.status_code == 303, again.text[:500]


def _ten_children(app: FastAPI) -> list[Child]:
    """Ten children on caseworker1's caseload (the demo has five)."""
    start = clock.today() - dt.timedelta(days=30)
    children = []
    with Session(app.state.engine, expire_on_commit=False) as db:
        for index in range(10):
            child = Child(
                family_name="同時",
                given_name=f"保存{index}",
                date_of_birth=clock.today() - dt.timedelta(days=2000 + index),
                sex="female",
                responsible_centre_id=demo_id("centre-chuo"),
                lead_caseworker_id=demo_id("caseworker1"),
            )
            db.add(child)
            db.flush()
            db.add(
                TeamMembership(
                    child_id=child.id, person_id=demo_id("caseworker1"), role="caseworker", start_date=start
                )
            )
            children.append(child)
        db.commit()
    return children


def test_ten_people_saving_ten_children_at_once_all_succeed(fresh_app: FastAPI, server: LiveServer) -> None:
    children = _ten_children(fresh_app)
    browsers = [Browser(fresh_app, server, "caseworker1@example.jp") for _ in children]
    started = time.monotonic()
    with ThreadPoolExecutor(max_workers=len(children)) as pool:
        answers = list(
            pool.map(
                lambda pair: pair[0].save_child(
                    pair[1].id, **_child_form(pair[1], "1", given_name=pair[1].given_name + "改")
                ),
                zip(browsers, children, strict=True),
            )
        )
    elapsed = time.monotonic() - started
    assert [a.status_code for a in answers] == [303] * 10, [
        a.text[:300] for a in answers if a.status_code != 303
    ]
    assert elapsed < 20, f"ten saves took {elapsed:.1f} s"
    with Session(fresh_app.state.engine) as db:
        saved = db.exec(select(Child.given_name).where(Child.family_name == "同時")).all()
    assert sorted(saved) == sorted(f"保存{i}改" for i in range(10))


def test_two_saves_of_one_contact_at_once(fresh_app: FastAPI, server: LiveServer) -> None:
    """The same race on another form: the contact's edit form keeps the loser's note."""
    first = Browser(fresh_app, server, "caseworker1@example.jp")
    second = Browser(fresh_app, server, "supervisor@example.jp")
    setup = Personas(fresh_app).client("caseworker1")
    contact_id = created_id(submit(setup, HINATA, form_of(setup, HINATA, "comfort_call")))
    url = f"/children/{HINATA}/contacts/{contact_id}/edit"
    page = first.client.get(url).text
    version = re.search(r'name="version" value="(\d+)"', page)
    assert version, "the edit form carries the version"
    values = {k: v for k, v in form_of(setup, HINATA, "comfort_call").items() if k not in ("places", "kind")}
    values.pop("idempotency_key", None)

    def save(browser: Browser, note: str) -> httpx.Response:
        form = {**values, "note": note, "version": version.group(1), "csrf_token": browser.csrf}
        return browser.client.post(url, data=form)

    with SlowFirstCommit(fresh_app, "contact") as slow, ThreadPoolExecutor(max_workers=2) as pool:
        winner = pool.submit(save, first, "先に保存したメモ")
        assert slow.updated.wait(10), "the first save reached the database"
        loser = pool.submit(save, second, "後から書いたメモ")
        time.sleep(0.5)
        healthz = _healthz_times(server, 3)
        won, lost = winner.result(timeout=40), loser.result(timeout=40)

    assert max(healthz) < HEALTHZ_WITHIN_SECONDS, f"/healthz kept answering: {healthz}"
    assert won.status_code == 303, won.text[:500]
    assert lost.status_code == 409, f"{lost.status_code}: {lost.text[:500]}"
    assert "後から書いたメモ" in lost.text, "what the second person typed is still in the form"
