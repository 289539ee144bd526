"""The outbox, with a real SMTP server: retries with backoff, two workers never send twice, a
worker that died leaves nothing lost."""

from __future__ import annotations

import datetime as dt
import threading

from fastapi import FastAPI
from sqlmodel import Session, select

from app import clock
from app.notifications import outbox
from app.notifications.models import OutboxMessage
from app.notifications.worker import Worker
from tests.mailserver import SmtpServer


def queue(app: FastAPI, count: int, kind: str = "test") -> None:
    with Session(app.state.engine) as db:
        for index in range(count):
            outbox.enqueue(
                db, kind=kind, to=f"person{index}@example.jp", subject=f"message {index}", body="本文"
            )
        db.commit()


def test_failed_send_is_retried_with_backoff(mail_app: FastAPI, smtp: SmtpServer) -> None:
    queue(mail_app, 1)
    smtp.mailbox.refuse = True
    first = outbox.send_due(mail_app.state.engine, mail_app.state.settings, "w1")
    assert first.sent == 0 and first.retried == 1
    with Session(mail_app.state.engine) as db:
        message = db.exec(select(OutboxMessage)).one()
        assert message.attempts == 1 and message.last_error and "451" in message.last_error
        assert message.send_after > clock.now() + dt.timedelta(seconds=20), "the next try waits"
    smtp.mailbox.refuse = False
    assert outbox.send_due(mail_app.state.engine, mail_app.state.settings, "w1").sent == 0, (
        "not before its time"
    )
    later = clock.now() + dt.timedelta(minutes=5)
    claimed = outbox.claim(mail_app.state.engine, "w1", now=later)
    assert outbox.deliver(mail_app.state.engine, mail_app.state.settings, "w1", claimed).sent == 1
    assert len(smtp.mailbox.messages) == 1


def test_backoff_grows_and_gives_up() -> None:
    assert outbox.retry_delay(1) < outbox.retry_delay(2) < outbox.retry_delay(5) <= outbox.LONGEST_RETRY


def test_two_workers_send_every_message_exactly_once(mail_app: FastAPI, smtp: SmtpServer) -> None:
    queue(mail_app, 60)
    workers = [Worker(mail_app.state.engine, mail_app.state.settings, identity=f"worker-{n}") for n in (1, 2)]
    reports = []
    threads = [threading.Thread(target=lambda w=w: reports.append(w.run(until_idle=True))) for w in workers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    subjects = [m["Subject"] for m in smtp.mailbox.messages]
    assert len(subjects) == 60 and len(set(subjects)) == 60, "none lost, none twice"
    assert sum(r.sent for r in reports) == 60
    with Session(mail_app.state.engine) as db:
        senders = {m.claimed_by for m in db.exec(select(OutboxMessage))}
    assert senders <= {"worker-1", "worker-2"}


def test_a_dead_workers_claim_expires_and_nothing_is_lost(mail_app: FastAPI, smtp: SmtpServer) -> None:
    queue(mail_app, 3)
    held = outbox.claim(mail_app.state.engine, "crashed-worker")
    assert len(held) == 3, "claimed, then the worker died before sending"
    assert outbox.send_due(mail_app.state.engine, mail_app.state.settings, "w2").sent == 0, (
        "a live claim is respected"
    )
    after_lease = clock.now() + outbox.CLAIM_LEASE + dt.timedelta(seconds=1)
    claimed = outbox.claim(mail_app.state.engine, "w2", now=after_lease)
    assert outbox.deliver(mail_app.state.engine, mail_app.state.settings, "w2", claimed).sent == 3
    assert outbox.deliver(mail_app.state.engine, mail_app.state.settings, "crashed-worker", held).sent == 0, (
        "the old worker, back, does not send what another took over"
    )
    assert len(smtp.mailbox.messages) == 3


def test_dedupe_key_queues_once(fresh_app: FastAPI) -> None:
    with Session(fresh_app.state.engine) as db:
        first = outbox.enqueue(db, kind="reminder", to="a@example.jp", subject="s", body="b", dedupe_key="k1")
        db.commit()
        second = outbox.enqueue(
            db, kind="reminder", to="a@example.jp", subject="s", body="b", dedupe_key="k1"
        )
        db.commit()
        assert first is not None and second is None
        assert len(db.exec(select(OutboxMessage)).all()) == 1
