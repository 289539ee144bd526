"""The notifications page: a person's own notifications, newest first, in their language, each with
its link; the unread ones marked and counted in the menu until marked as read."""

from __future__ import annotations

import datetime as dt
import re
import uuid

from fastapi import FastAPI
from sqlmodel import Session, select

from app import clock
from app.accounts.models import Account
from app.contacts.models import CONTACT_KIND_LABELS, ContactKind
from app.i18n import format_datetime, set_locale
from app.notifications.service import Event, notify
from tests.support import HINATA, SOTA, Personas, email

WHEN = dt.datetime(2026, 12, 3, 5, 30, tzinfo=dt.UTC)  # 14:30 in Japan


def event(kind: str, child_id: uuid.UUID, contact_id: uuid.UUID) -> Event:
    return Event(
        kind,
        CONTACT_KIND_LABELS[ContactKind.FAMILY_TIME],
        WHEN,
        f"/children/{child_id}/contacts/{contact_id}",
        child_id,
    )


def set_language(app: FastAPI, key: str, locale: str) -> None:
    with Session(app.state.engine) as db:
        account = db.exec(select(Account).where(Account.email == email(key))).one()
        account.locale = locale
        db.add(account)
        db.commit()


def when_in(locale: str) -> str:
    set_locale(locale)
    return format_datetime(WHEN, "short")


def test_the_page_lists_ones_own_notifications_in_ones_language(fresh_app: FastAPI) -> None:
    app, settings = fresh_app, fresh_app.state.settings
    set_language(app, "foster1", "en")
    older, newer, others = uuid.uuid4(), uuid.uuid4(), uuid.uuid4()
    with Session(app.state.engine) as db:
        notify(
            db,
            settings,
            [Personas.person_id("foster1"), Personas.person_id("parent2")],
            event("contact_proposed", HINATA, older),
            email=False,
        )
        db.commit()
    with Session(app.state.engine) as db:
        notify(
            db,
            settings,
            [Personas.person_id("foster1"), Personas.person_id("parent2")],
            event("contact_reminder", HINATA, newer),
            email=False,
        )
        notify(
            db,
            settings,
            [Personas.person_id("caseworker1")],
            event("contact_changed", SOTA, others),
            email=False,
        )
        db.commit()
    personas = Personas(app)

    english = personas.client("foster1").get("/notifications")
    assert english.status_code == 200
    assert f"Reminder: Family time on {when_in('en')}." in english.text
    assert f"Family time on {when_in('en')} was proposed." in english.text
    assert english.text.index(str(newer)) < english.text.index(str(older)), "newest first"
    assert f'href="/children/{HINATA}/contacts/{newer}"' in english.text
    assert str(others) not in english.text, "someone else's notification"
    assert len(re.findall(r'data-unread="true"', english.text)) == 2
    assert re.search(r'data-testid="unread-count">2<', english.text), "counted in the menu"

    japanese = personas.client("parent2").get("/notifications")
    assert japanese.status_code == 200 and '<html lang="ja">' in japanese.text
    assert when_in("ja") in japanese.text and when_in("en") not in japanese.text
    assert str(newer) in japanese.text and str(others) not in japanese.text

    done = personas.client("foster1").form("/notifications/read")
    assert done.status_code == 303 and done.headers["location"] == "/notifications"
    after = personas.client("foster1").get("/notifications")
    assert "data-unread" not in after.text and "unread-count" not in after.text
    assert str(newer) in after.text, "read notifications stay listed"
    other_page = personas.client("parent2").get("/children")
    assert re.search(r'data-testid="unread-count">2<', other_page.text), "only one's own are marked read"


def test_someone_without_notifications_sees_an_empty_list(fresh_app: FastAPI) -> None:
    page = Personas(fresh_app).client("caseworker1").get("/notifications")
    assert page.status_code == 200
    assert 'data-testid="notification"' not in page.text and "unread-count" not in page.text


def test_anonymous_is_sent_to_sign_in(app: FastAPI) -> None:
    response = Personas(app).anonymous().get("/notifications")
    assert response.status_code == 303
    assert response.headers["location"].startswith("/sign-in?next=%2Fnotifications")
    visitor = Personas(app).anonymous()
    visitor.remember_csrf(visitor.get("/sign-in").text)
    posted = visitor.form("/notifications/read")
    assert posted.status_code == 303 and posted.headers["location"].startswith("/sign-in")


def test_marking_read_only_marks_ones_own(fresh_app: FastAPI) -> None:
    from app.notifications.models import Notification

    with Session(fresh_app.state.engine) as db:
        notify(
            db,
            fresh_app.state.settings,
            [Personas.person_id("foster1"), Personas.person_id("parent2")],
            event("contact_cancelled", HINATA, uuid.uuid4()),
            email=False,
        )
        db.commit()
    personas = Personas(fresh_app)
    assert personas.client("foster1").form("/notifications/read").status_code == 303
    with Session(fresh_app.state.engine) as db:
        rows = db.exec(select(Notification)).all()
        read = {n.person_id: n.read_at for n in rows}
    assert read[Personas.person_id("foster1")] is not None
    assert read[Personas.person_id("parent2")] is None
    assert all(n.created_at <= clock.now() for n in rows)
