"""Telling people that something changed: a notification in the portal and an e-mail. E-mails say
what kind of thing, when, and give a link; never the name of a child or a family."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import update
from sqlmodel import Session, col, func, select

from app import clock
from app.accounts.models import Account
from app.config import Settings
from app.i18n import N_, format_datetime, get_locale, gettext, set_locale, translate_in
from app.notifications import outbox
from app.notifications.models import Notification

# What a notification says, by kind; params fill it in the reader's language when shown.
TEXTS = {
    "contact_proposed": N_("%(kind)s on %(when)s was proposed. Please answer whether you can come."),
    "contact_changed": N_("%(kind)s on %(when)s was changed."),
    "contact_cancelled": N_("%(kind)s on %(when)s was cancelled."),
    "contact_declined": N_("Someone cannot come to %(kind)s on %(when)s."),
    "contact_reminder": N_("Reminder: %(kind)s on %(when)s."),
}
SUBJECTS = {
    "contact_proposed": N_("[QPI portal] A new appointment"),
    "contact_changed": N_("[QPI portal] An appointment was changed"),
    "contact_cancelled": N_("[QPI portal] An appointment was cancelled"),
    "contact_declined": N_("[QPI portal] An answer to an appointment"),
    "contact_reminder": N_("[QPI portal] Reminder of an appointment"),
}
OPEN_LINK = N_("Open the portal to see it: %(link)s")
NO_DETAILS = N_("For everyone's privacy, this e-mail carries no details; everything is in the portal.")


@dataclass(frozen=True)
class Event:
    """What happened: the kind of notification, the contact's kind label (a msgid) and its time."""

    kind: str
    subject_label: str
    when: dt.datetime
    link: str
    child_id: uuid.UUID | None = None


def _when(locale: str, moment: dt.datetime) -> str:
    previous = get_locale()
    set_locale(locale)
    try:
        return format_datetime(moment, "short")
    finally:
        set_locale(previous)


def email_text(locale: str, event: Event, base_url: str) -> tuple[str, str]:
    params = {"kind": translate_in(locale, event.subject_label), "when": _when(locale, event.when)}
    body = "\n\n".join(
        [
            translate_in(locale, TEXTS[event.kind], **params),
            translate_in(locale, OPEN_LINK, link=base_url + event.link),
            translate_in(locale, NO_DETAILS),
        ]
    )
    return translate_in(locale, SUBJECTS[event.kind]), body


def notify(
    db: Session,
    settings: Settings,
    person_ids: Iterable[uuid.UUID],
    event: Event,
    *,
    email: bool = True,
    dedupe: str | None = None,
) -> int:
    """Notify each person who has an account, in the portal and (unless told not) by e-mail."""
    people = set(person_ids)
    if not people:
        return 0
    accounts = db.exec(
        select(Account).where(col(Account.person_id).in_(people), col(Account.disabled_at).is_(None))
    ).all()
    for account in accounts:
        db.add(
            Notification(
                person_id=account.person_id,
                child_id=event.child_id,
                kind=event.kind,
                params={"label": event.subject_label, "when": event.when.isoformat()},
                link=event.link,
            )
        )
        if email:
            subject, body = email_text(account.locale, event, settings.base_url)
            outbox.enqueue(
                db,
                kind=event.kind,
                to=account.email,
                subject=subject,
                body=body,
                person_id=account.person_id,
                dedupe_key=f"{dedupe}:{account.person_id}" if dedupe else None,
            )
    return len(accounts)


def render_text(notification: Notification) -> str:
    when = dt.datetime.fromisoformat(notification.params["when"])
    kind_label: str = notification.params["label"]  # a msgid, kept so the reader's language applies
    return gettext(TEXTS[notification.kind], kind=gettext(kind_label), when=format_datetime(when, "short"))


def recent(db: Session, person_id: uuid.UUID, limit: int = 50) -> list[Notification]:
    return list(
        db.exec(
            select(Notification)
            .where(Notification.person_id == person_id)
            .order_by(col(Notification.created_at).desc())
            .limit(limit)
        )
    )


def unread_count(db: Session, person_id: uuid.UUID) -> int:
    return int(
        db.exec(
            select(func.count())
            .select_from(Notification)
            .where(Notification.person_id == person_id, col(Notification.read_at).is_(None))
        ).one()
    )


def mark_all_read(db: Session, person_id: uuid.UUID) -> None:
    db.execute(
        update(Notification)
        .where(col(Notification.person_id) == person_id, col(Notification.read_at).is_(None))
        .values(read_at=clock.now())
    )


# Notifications that ask the reader to answer whether they come.
ASKING = ("contact_proposed", "contact_changed")


def mark_answered(db: Session, person_id: uuid.UUID, link: str) -> None:
    """Once someone answers, the notifications that asked them (for that contact) are read."""
    db.execute(
        update(Notification)
        .where(
            col(Notification.person_id) == person_id,
            col(Notification.link) == link,
            col(Notification.kind).in_(ASKING),
            col(Notification.read_at).is_(None),
        )
        .values(read_at=clock.now())
    )
