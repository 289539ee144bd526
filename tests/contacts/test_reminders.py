"""Contact reminders, the day before and 2 hours before, sent by two workers at once through a real
SMTP server: every participant who has not declined gets each reminder once (none twice, none
lost), a refused send is retried, a restart loses nothing, and no e-mail names the child or family.

"Now" is moved by placing contacts at the right distance from the clock: a contact that starts in
23 hours is owed its day-before reminder, one that starts in 90 minutes both (sent as one).
"""

from __future__ import annotations

import datetime as dt
import re
import threading
import time
import uuid
from collections import Counter
from email.header import decode_header, make_header
from email.message import Message

import pytest
from fastapi import FastAPI
from sqlalchemy import update
from sqlmodel import Session, col, select

from app import clock
from app.config import Settings
from app.contacts import reminders
from app.contacts.models import (
    Contact,
    ContactKind,
    ContactParticipant,
    ContactStatus,
    ReminderSent,
    Response,
)
from app.contacts.reminders import due_offsets, send_reminders
from app.demo.loader import demo_id
from app.i18n import format_datetime, set_locale
from app.notifications import outbox
from app.notifications.models import Notification, OutboxMessage
from app.notifications.worker import Worker
from tests.mailserver import Mailbox, SmtpServer
from tests.support import HINATA, email

HOUR = dt.timedelta(hours=1)
MINUTE = dt.timedelta(minutes=1)
CONTACT_LINK = re.compile(r"https://testserver/children/([0-9a-f-]{36})/contacts/([0-9a-f-]{36})")
# Names of the child and the families around Hinata (demo data): no reminder may carry them.
NAMES = ("陽葵", "ひなた", "木村", "きむら", "健太", "田中", "たなか", "裕子", "Hinata", "Kimura", "Tanaka")
# Participants with an account get reminders; foster1-spouse has none and so gets no e-mail.
WITH_ACCOUNT = ("foster1", "parent2", "caseworker1")


# --- Helpers -------------------------------------------------------------------------------------


def add_contact(
    app: FastAPI,
    starts_in: dt.timedelta,
    participants: dict[str, Response] | None = None,
    *,
    status: ContactStatus = ContactStatus.CONFIRMED,
    archived: bool = False,
) -> uuid.UUID:
    """A family time for Hinata, starting `starts_in` from now, with these participants."""
    if participants is None:
        participants = {"foster1": Response.ACCEPTED, "parent2": Response.PENDING}
    with Session(app.state.engine) as db:
        contact = Contact(
            child_id=HINATA,
            kind=ContactKind.FAMILY_TIME.value,
            mode="in_person",
            place_kind="neutral",
            starts_at=(clock.now() + starts_in).replace(microsecond=0),
            duration_minutes=60,
            status=status.value,
            created_by_id=demo_id("caseworker1"),
            archived_at=clock.now() if archived else None,
            archive_reason="test" if archived else None,
        )
        db.add(contact)
        db.flush()
        for key, response in participants.items():
            db.add(ContactParticipant(contact_id=contact.id, person_id=demo_id(key), response=response.value))
        db.commit()
        return contact.id


def quick(settings: Settings) -> Settings:
    return settings.model_copy(update={"worker_poll_seconds": 0.05})


def run_workers(app: FastAPI, rounds: int = 1, workers: int = 2) -> None:
    """Each round starts new workers (their periodic jobs run at once) together, until idle."""
    settings = quick(app.state.settings)
    for round_number in range(rounds):
        team = [Worker(app.state.engine, settings, identity=f"w{round_number}-{n}") for n in range(workers)]
        start = threading.Barrier(workers)

        def go(worker: Worker, start: threading.Barrier = start) -> None:
            start.wait()
            worker.run(until_idle=True)

        threads = [threading.Thread(target=go, args=(w,)) for w in team]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=120)
            assert not thread.is_alive(), "a worker did not finish"


def header(message: Message, name: str) -> str:
    return str(make_header(decode_header(message[name])))


def reminders_by_recipient(mailbox: Mailbox) -> Counter[tuple[str, str]]:
    """(To, contact id) of every reminder e-mail received."""
    found: Counter[tuple[str, str]] = Counter()
    for message in mailbox.messages:
        match = CONTACT_LINK.search(Mailbox.text(message))
        assert match, "every reminder carries a link to its contact"
        found[(header(message, "To"), match.group(2))] += 1
    return found


def figures(expected: Counter[tuple[str, str]], got: Counter[tuple[str, str]]) -> str:
    duplicated = sum(max(n - expected[key], 0) for key, n in got.items() if key in expected)
    lost = sum(max(n - got[key], 0) for key, n in expected.items())
    unexpected = sum(n for key, n in got.items() if key not in expected)
    return (
        f"reminders: expected {sum(expected.values())}, sent {sum(got.values())}, "
        f"duplicated {duplicated}, lost {lost}, unexpected {unexpected}"
    )


def expect(pairs: list[tuple[str, uuid.UUID]]) -> Counter[tuple[str, str]]:
    return Counter((email(key), str(contact_id)) for key, contact_id in pairs)


def wait_for(condition: object, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if callable(condition) and condition():
            return
        time.sleep(0.05)
    raise AssertionError("timed out")


# --- Tests -----------------------------------------------------------------------------------------


def test_due_offsets() -> None:
    now = clock.now()
    assert due_offsets(now + 25 * HOUR, now) == []
    assert due_offsets(now + 23 * HOUR, now) == [1440]
    assert due_offsets(now + 90 * dt.timedelta(minutes=1), now) == [1440, 120]
    assert due_offsets(now, now) == [] and due_offsets(now - HOUR, now) == [], "never after it started"


def test_two_workers_remind_every_participant_exactly_once(mail_app: FastAPI, smtp: SmtpServer) -> None:
    everyone = {
        "foster1": Response.ACCEPTED,
        "foster1-spouse": Response.PENDING,  # no account: recorded, nobody to write to
        "parent2": Response.PENDING,
        "caseworker1": Response.ACCEPTED,
    }
    tomorrow = add_contact(mail_app, 23 * HOUR, everyone)
    soon = add_contact(mail_app, 90 * dt.timedelta(minutes=1))  # both moments passed: one reminder
    declined = add_contact(mail_app, 22 * HOUR, {"foster1": Response.ACCEPTED, "parent2": Response.DECLINED})
    add_contact(mail_app, 30 * HOUR)  # not yet
    add_contact(mail_app, 23 * HOUR, status=ContactStatus.CANCELLED)
    add_contact(mail_app, 23 * HOUR, archived=True)
    add_contact(mail_app, -10 * dt.timedelta(minutes=1))  # already started: too late to remind
    add_contact(mail_app, 23 * HOUR, status=ContactStatus.DONE)
    proposed = add_contact(mail_app, 20 * HOUR, status=ContactStatus.PROPOSED)

    run_workers(mail_app, rounds=3)

    expected = expect(
        [(key, tomorrow) for key in WITH_ACCOUNT]
        + [("foster1", soon), ("parent2", soon)]
        + [("foster1", declined)]
        + [("foster1", proposed), ("parent2", proposed)]
    )
    got = reminders_by_recipient(smtp.mailbox)
    print("\n" + figures(expected, got))
    assert got == expected, "each participant once per due reminder: none twice, none lost"

    with Session(mail_app.state.engine) as db:
        sent = db.exec(select(ReminderSent)).all()
        recorded = Counter((r.contact_id, r.person_id, r.offset_minutes) for r in sent)
        assert set(recorded.values()) == {1}
        assert (tomorrow, demo_id("foster1-spouse"), 1440) in recorded
        assert {o for c, p, o in recorded if c == soon and p == demo_id("foster1")} == {1440, 120}
        assert not any(p == demo_id("parent2") and c == declined for c, p, _ in recorded)
        notes = db.exec(select(Notification).where(Notification.kind == "contact_reminder")).all()
        in_app = Counter((n.person_id, n.link) for n in notes)
        assert sum(in_app.values()) == sum(expected.values()) and set(in_app.values()) == {1}
        assert in_app[(demo_id("parent2"), f"/children/{HINATA}/contacts/{tomorrow}")] == 1
        contact = db.get(Contact, tomorrow)
        assert contact is not None
        starts_at = contact.starts_at

    # What the e-mail says: the kind, the time (Japan time, in the reader's language) and a link.
    set_locale("ja")
    when = format_datetime(starts_at, "short")
    for message in smtp.mailbox.messages:
        text, subject = Mailbox.text(message), header(message, "Subject")
        for name in NAMES:
            assert name not in text and name not in subject, f"{name} in a reminder e-mail"
        if str(tomorrow) in text:
            assert when in text
            assert f"https://testserver/children/{HINATA}/contacts/{tomorrow}" in text

    run_workers(mail_app, rounds=2)
    assert reminders_by_recipient(smtp.mailbox) == expected, "later rounds send nothing again"


def test_a_worker_that_loses_the_race_sends_nothing(
    mail_app: FastAPI, smtp: SmtpServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Both workers see the same reminders owed; the unique key lets only the first record them."""
    contact = add_contact(mail_app, 23 * HOUR)
    now = clock.now()
    with Session(mail_app.state.engine) as db:
        seen_by_second = reminders._pending(db, now)
    assert len(seen_by_second) == 2
    first = send_reminders(mail_app.state.engine, mail_app.state.settings, now)
    monkeypatch.setattr(reminders, "_pending", lambda db, now: seen_by_second)
    second = send_reminders(mail_app.state.engine, mail_app.state.settings, now)
    assert (first.sent, first.raced, second.sent, second.raced) == (2, 0, 0, 2)
    outbox.send_due(mail_app.state.engine, mail_app.state.settings, "w")
    assert reminders_by_recipient(smtp.mailbox) == expect([("foster1", contact), ("parent2", contact)])
    with Session(mail_app.state.engine) as db:
        assert len(db.exec(select(Notification).where(Notification.kind == "contact_reminder")).all()) == 2


def test_a_moved_contact_is_reminded_again_and_a_cancelled_one_is_not(
    mail_app: FastAPI, smtp: SmtpServer
) -> None:
    moved = add_contact(mail_app, 23 * HOUR)
    cancelled = add_contact(mail_app, 23 * HOUR)
    run_workers(mail_app)
    first = expect([(k, c) for c in (moved, cancelled) for k in ("foster1", "parent2")])
    assert reminders_by_recipient(smtp.mailbox) == first

    with Session(mail_app.state.engine) as db:
        contact, other = db.get(Contact, moved), db.get(Contact, cancelled)
        assert contact is not None and other is not None
        contact.starts_at = (clock.now() + 21 * HOUR).replace(microsecond=0)  # rescheduled
        other.status = ContactStatus.CANCELLED.value
        other.starts_at = (clock.now() + 90 * dt.timedelta(minutes=1)).replace(
            microsecond=0
        )  # its 2 h is due
        db.add_all([contact, other])
        db.commit()
    run_workers(mail_app, rounds=2)

    got = reminders_by_recipient(smtp.mailbox)
    print("\n" + figures(first + expect([("foster1", moved), ("parent2", moved)]), got))
    assert got[(email("foster1"), str(moved))] == 2 and got[(email("parent2"), str(moved))] == 2, (
        "the new time gets its own reminder"
    )
    assert got[(email("foster1"), str(cancelled))] == 1, "nothing after it was cancelled"
    assert sum(got.values()) == 6


def test_a_refused_send_is_retried_later_and_delivered_once(mail_app: FastAPI, smtp: SmtpServer) -> None:
    contact = add_contact(mail_app, 23 * HOUR)
    smtp.mailbox.refuse = True
    run_workers(mail_app)
    assert smtp.mailbox.messages == []
    with Session(mail_app.state.engine) as db:
        queued = db.exec(select(OutboxMessage).where(OutboxMessage.kind == "contact_reminder")).all()
        assert len(queued) == 2
        assert all(m.attempts == 1 and m.sent_at is None and "451" in (m.last_error or "") for m in queued)
        assert all(m.send_after > clock.now() + dt.timedelta(seconds=20) for m in queued), "it waits"

    smtp.mailbox.refuse = False
    run_workers(mail_app)
    assert smtp.mailbox.messages == [], "not before its time"

    with Session(mail_app.state.engine) as db:  # the pause is over
        db.execute(update(OutboxMessage).values(send_after=clock.now() - dt.timedelta(seconds=1)))
        db.commit()
    run_workers(mail_app, rounds=2)
    expected = expect([("foster1", contact), ("parent2", contact)])
    got = reminders_by_recipient(smtp.mailbox)
    print("\n" + figures(expected, got))
    assert got == expected
    with Session(mail_app.state.engine) as db:
        assert all(m.sent_at is not None and m.attempts == 2 for m in db.exec(select(OutboxMessage)))
        assert len(db.exec(select(ReminderSent)).all()) == 2, "the reminder itself was made once"


def test_a_restart_loses_nothing_and_sends_nothing_twice(mail_app: FastAPI, smtp: SmtpServer) -> None:
    settings = quick(mail_app.state.settings)
    before = add_contact(mail_app, 23 * HOUR)
    running = [Worker(mail_app.state.engine, settings, identity=f"first-{n}") for n in (1, 2)]
    threads = [w.start_thread() for w in running]
    wait_for(lambda: len(smtp.mailbox.messages) >= 2)
    for worker in running:
        worker.stop()
    for thread in threads:
        thread.join(timeout=30)
        assert not thread.is_alive()

    # While no worker runs: a worker killed mid-way had queued the reminders of one contact and
    # claimed them without sending; then a contact is booked whose reminder moments have passed.
    queued = add_contact(mail_app, 22 * HOUR, {"caseworker1": Response.ACCEPTED, "parent2": Response.PENDING})
    assert send_reminders(mail_app.state.engine, settings).sent == 2
    held = outbox.claim(mail_app.state.engine, "killed-worker")
    assert len(held) == 2
    with Session(mail_app.state.engine) as db:  # its claims run out
        db.execute(
            update(OutboxMessage)
            .where(col(OutboxMessage.claimed_by) == "killed-worker")
            .values(claimed_until=clock.now() - dt.timedelta(seconds=1))
        )
        db.commit()
    missed = add_contact(mail_app, 100 * dt.timedelta(minutes=1))

    run_workers(mail_app, rounds=2)  # the restart: new workers

    expected = expect(
        [
            ("foster1", before),
            ("parent2", before),
            ("foster1", missed),
            ("parent2", missed),
            ("caseworker1", queued),
            ("parent2", queued),
        ]
    )
    got = reminders_by_recipient(smtp.mailbox)
    print("\n" + figures(expected, got))
    assert got == expected, "none lost, none twice across the restart"
    assert outbox.deliver(mail_app.state.engine, mail_app.state.settings, "killed-worker", held).sent == 0, (
        "the killed worker, back, does not send what others took over"
    )
    assert len(smtp.mailbox.messages) == 6
