"""Actions that say what they do (issue 7, point 5): "it happened" only once a contact has started;
a cancelled contact is no calendar entry; answering clears the notification that asked."""

from __future__ import annotations

import datetime as dt
import uuid

from fastapi import FastAPI
from sqlmodel import Session, col, select

from app import clock
from app.contacts.models import Contact
from app.demo.loader import demo_id
from app.notifications.models import Notification
from tests.contacts.helpers import created_id, form_of, submit
from tests.support import HINATA, SAKURA, Personas


def _next_family_time(app: FastAPI) -> Contact:
    with Session(app.state.engine) as db:
        contact = db.exec(
            select(Contact)
            .where(Contact.child_id == SAKURA, Contact.kind == "family_time", Contact.status == "proposed")
            .order_by(col(Contact.starts_at))
        ).first()
        assert contact is not None and contact.starts_at > clock.now()
        return contact


def test_it_happened_is_offered_only_once_the_contact_has_started(fresh_app: FastAPI) -> None:
    caseworker = Personas(fresh_app).client("caseworker1")
    contact = _next_family_time(fresh_app)
    url = f"/children/{SAKURA}/contacts/{contact.id}"
    page = caseworker.get(url).text
    assert 'value="done"' not in page and 'value="cancelled"' in page
    with Session(fresh_app.state.engine) as db:
        row = db.get(Contact, contact.id)
        assert row is not None
        row.starts_at = clock.now() - dt.timedelta(minutes=30)
        db.add(row)
        db.commit()
    assert 'value="done"' in caseworker.get(url).text


def test_cancelling_asks_first_and_then_offers_no_calendar_entry(fresh_app: FastAPI) -> None:
    caseworker = Personas(fresh_app).client("caseworker1")
    contact = _next_family_time(fresh_app)
    url = f"/children/{SAKURA}/contacts/{contact.id}"
    assert f"{contact.id}.ics" in caseworker.get(url).text
    asked = caseworker.form(
        f"{url}/status", {"status": "cancelled", "reason": "発熱", "version": contact.version}
    )
    assert asked.status_code == 200 and 'data-testid="confirm-cancel"' in asked.text and "発熱" in asked.text
    with Session(fresh_app.state.engine) as db:
        assert db.get(Contact, contact.id).status == "proposed", "cancelling asks first"  # type: ignore[union-attr]
    done = caseworker.form(
        f"{url}/status",
        {"status": "cancelled", "reason": "発熱", "version": contact.version, "confirm": "yes"},
    )
    assert done.status_code == 303
    with Session(fresh_app.state.engine) as db:
        assert db.get(Contact, contact.id).status == "cancelled"  # type: ignore[union-attr]
    assert f"{contact.id}.ics" not in caseworker.get(url).text


def _unread(app: FastAPI, key: str, contact_id: uuid.UUID) -> int:
    with Session(app.state.engine) as db:
        rows = db.exec(
            select(Notification).where(
                Notification.person_id == demo_id(key),
                col(Notification.read_at).is_(None),
                col(Notification.link).endswith(str(contact_id)),
            )
        ).all()
    return len(rows)


def test_answering_clears_the_notification_that_asked(fresh_app: FastAPI) -> None:
    people = Personas(fresh_app)
    caseworker, parent = people.client("caseworker1"), people.client("parent2")
    contact_id = created_id(submit(caseworker, HINATA, form_of(caseworker, HINATA, "comfort_call")))
    assert _unread(fresh_app, "parent2", contact_id) == 1
    parent.form(f"/children/{HINATA}/contacts/{contact_id}/respond", {"response": "accepted"})
    assert _unread(fresh_app, "parent2", contact_id) == 0
    assert _unread(fresh_app, "foster1", contact_id) == 1, "only the one who answered"
