"""The outbox: e-mail is written in the same transaction as the change that causes it, then sent
by a worker. A worker claims a row with a compare-and-set UPDATE (it only succeeds if nobody holds
a live claim), so two workers never send the same message; a claim expires, so a worker that died
mid-way leaves its messages to the next one. Failed sends are retried with growing pauses.
"""

from __future__ import annotations

import datetime as dt
import logging
import uuid
from dataclasses import dataclass

from sqlalchemy import Engine, update
from sqlmodel import Session, col, or_, select

from app import clock
from app.config import Settings
from app.notifications import mailer
from app.notifications.models import OutboxMessage

log = logging.getLogger("qpi.outbox")

CLAIM_LEASE = dt.timedelta(minutes=5)  # longer than any SMTP conversation (30 s timeout)
MAX_ATTEMPTS = 8
FIRST_RETRY = dt.timedelta(seconds=30)
LONGEST_RETRY = dt.timedelta(hours=2)


def enqueue(
    db: Session,
    *,
    kind: str,
    to: str,
    subject: str,
    body: str,
    person_id: uuid.UUID | None = None,
    send_after: dt.datetime | None = None,
    dedupe_key: str | None = None,
) -> OutboxMessage | None:
    """Queue an e-mail in the caller's transaction. With a dedupe_key, a second call queues nothing."""
    if dedupe_key is not None:
        existing = db.exec(select(OutboxMessage).where(OutboxMessage.dedupe_key == dedupe_key)).first()
        if existing is not None:
            return None
    message = OutboxMessage(
        kind=kind,
        to_address=to,
        subject=subject,
        body=body,
        person_id=person_id,
        send_after=send_after or clock.now(),
        dedupe_key=dedupe_key,
    )
    db.add(message)
    return message


def retry_delay(attempts: int) -> dt.timedelta:
    return min(FIRST_RETRY * (2 ** max(attempts - 1, 0)), LONGEST_RETRY)


def claim(
    engine: Engine, worker_id: str, *, limit: int = 20, now: dt.datetime | None = None
) -> list[uuid.UUID]:
    """Claim up to `limit` messages that are due and not held by a live claim."""
    now = now or clock.now()
    claimed: list[uuid.UUID] = []
    with Session(engine) as db:
        due = db.exec(
            select(OutboxMessage.id)
            .where(
                col(OutboxMessage.sent_at).is_(None),
                col(OutboxMessage.failed_at).is_(None),
                OutboxMessage.send_after <= now,
                or_(col(OutboxMessage.claimed_until).is_(None), col(OutboxMessage.claimed_until) < now),
            )
            .order_by(col(OutboxMessage.send_after))
            .limit(limit)
        ).all()
        for message_id in due:
            result = db.execute(
                update(OutboxMessage)
                .where(
                    col(OutboxMessage.id) == message_id,
                    col(OutboxMessage.sent_at).is_(None),
                    or_(col(OutboxMessage.claimed_until).is_(None), col(OutboxMessage.claimed_until) < now),
                )
                .values(
                    claimed_by=worker_id, claimed_until=now + CLAIM_LEASE, attempts=OutboxMessage.attempts + 1
                )
            )
            db.commit()  # each claim stands alone, so a competing worker sees it at once
            if getattr(result, "rowcount", 0) == 1:
                claimed.append(message_id)
    return claimed


@dataclass
class DeliveryReport:
    sent: int = 0
    retried: int = 0
    failed: int = 0


def deliver(
    engine: Engine, settings: Settings, worker_id: str, message_ids: list[uuid.UUID]
) -> DeliveryReport:
    report = DeliveryReport()
    for message_id in message_ids:
        with Session(engine) as db:
            message = db.get(OutboxMessage, message_id)
            if message is None or message.claimed_by != worker_id or message.sent_at is not None:
                continue
            try:
                email = mailer.build_message(
                    settings, message.to_address, message.subject, message.body, str(message.id)
                )
                mailer.send(settings, email)
            except Exception as error:  # any failure: keep the message, try again later
                _record_failure(db, message, error)
                report.failed += message.failed_at is not None
                report.retried += message.failed_at is None
                continue
            message.sent_at, message.claimed_until, message.last_error = clock.now(), None, None
            db.add(message)
            db.commit()
            report.sent += 1
    return report


def _record_failure(db: Session, message: OutboxMessage, error: Exception) -> None:
    now = clock.now()
    message.last_error = f"{type(error).__name__}: {error}"[:1000]
    message.claimed_until = None
    if message.attempts >= MAX_ATTEMPTS:
        message.failed_at = now
        log.error("giving up on message %s after %d attempts: %s", message.id, message.attempts, error)
    else:
        message.send_after = now + retry_delay(message.attempts)
        log.warning("message %s not sent (attempt %d): %s", message.id, message.attempts, error)
    db.add(message)
    db.commit()


def send_due(engine: Engine, settings: Settings, worker_id: str) -> DeliveryReport:
    """Claim and send everything that is due now."""
    total = DeliveryReport()
    while True:
        claimed = claim(engine, worker_id)
        if not claimed:
            return total
        report = deliver(engine, settings, worker_id, claimed)
        total.sent += report.sent
        total.retried += report.retried
        total.failed += report.failed
