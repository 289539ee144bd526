"""Calendars: each person's private iCalendar feed (RFC 5545) and an .ics file for one contact.

A feed URL carries a random token of 256 bits; only its SHA-256 is stored, so the link is shown
once, when it is made. Calendar apps cannot sign in: whoever holds the URL reads the feed, so its
owner can stop it or renew it (the old URL then answers 404).

Every event is built from the contact as the policy shows it to the reader (app.contacts.views),
never from the raw row: a place the reader may not see has no LOCATION, and a contact whose time
the reader may not see (someone under a protection order who is not taking part) is left out
altogether. Cancelled contacts stay in the feed with STATUS:CANCELLED, so that calendars which
subscribed to them take them off.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import secrets
import uuid
from collections.abc import Mapping
from typing import Any

from icalendar import Calendar, Event, Timezone
from sqlmodel import Session, col, select

from app import clock
from app.accounts.identity import load_actor
from app.audit import service as audit
from app.audit.models import AuditEvent
from app.authz.access import ChildAccess
from app.authz.actor import Actor
from app.authz.policy import Category, TeamRole
from app.authz.scope import active_membership_clause, child_access, load_policy
from app.authz.visibility import team_viewers
from app.children.models import Child
from app.config import Settings
from app.contacts.models import (
    CONTACT_KIND_LABELS,
    CONTACT_MODE_LABELS,
    CONTACT_STATUS_LABELS,
    PLACE_KIND_LABELS,
    CalendarFeed,
    Contact,
    ContactStatus,
    PlaceKind,
)
from app.contacts.schemas import ContactOut
from app.contacts.service import child_contacts, get_contact, participants_of
from app.contacts.views import contact_views
from app.errors import NotFound
from app.i18n import TOKYO, get_locale, translate_in
from app.teams.models import TeamMembership

# A feed shows contacts from this long ago onwards: recent ones keep their outcome in view, older
# ones drop out of the calendar (they stay in the portal).
FEED_SINCE = dt.timedelta(days=30)
# Those who organise contacts for a child see all of the child's contacts in their feed; everyone
# else sees the contacts they take part in or facilitate.
ALL_CONTACT_ROLES = frozenset({TeamRole.CASEWORKER.value, TeamRole.AGENCY_COORDINATOR.value})
UID_DOMAIN = "qpi-portal"
PRODID = "-//QPI team portal//Contacts//JA"
TIMEZONE = "Asia/Tokyo"
# How often a calendar should come back for changes (RFC 7986; X-PUBLISHED-TTL for Apple and Outlook).
REFRESH = dt.timedelta(hours=1)
FEED_ID = "calendar_feed_id"
LAST_USED_EVERY = dt.timedelta(minutes=1)
TOKEN_MAX_LENGTH = 100

ICAL_STATUS = {
    ContactStatus.PROPOSED.value: "TENTATIVE",
    ContactStatus.CONFIRMED.value: "CONFIRMED",
    ContactStatus.DONE.value: "CONFIRMED",
    ContactStatus.CANCELLED.value: "CANCELLED",
    ContactStatus.DID_NOT_HAPPEN.value: "CANCELLED",
}
# Shown in the title too: most calendar apps do not show TENTATIVE, and some keep cancelled events.
TITLE_STATUS = frozenset({ContactStatus.PROPOSED, ContactStatus.CANCELLED, ContactStatus.DID_NOT_HAPPEN})


# --- Feeds: the private link -----------------------------------------------------------------------


def hash_feed_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def current_feed(db: Session, person_id: uuid.UUID) -> CalendarFeed | None:
    return db.exec(
        select(CalendarFeed)
        .where(CalendarFeed.person_id == person_id, col(CalendarFeed.revoked_at).is_(None))
        .order_by(col(CalendarFeed.created_at).desc())
    ).first()


def _live_feeds(db: Session, person_id: uuid.UUID) -> list[CalendarFeed]:
    return list(
        db.exec(
            select(CalendarFeed).where(
                CalendarFeed.person_id == person_id, col(CalendarFeed.revoked_at).is_(None)
            )
        )
    )


def renew_feed(db: Session, person_id: uuid.UUID, *, actor: Actor | None = None) -> str:
    """A new feed link for the person; any link they had stops working. Returns the token, which
    is not stored and cannot be shown again."""
    now = clock.now()
    old = _live_feeds(db, person_id)
    for feed in old:
        feed.revoked_at = now
        db.add(feed)
    token = secrets.token_urlsafe(32)
    feed = CalendarFeed(person_id=person_id, token_hash=hash_feed_token(token))
    db.add(feed)
    db.flush()
    audit.record(db, actor, "renew" if old else "create", "calendar_feed", feed.id, person_id=person_id)
    return token


def revoke_feed(db: Session, person_id: uuid.UUID, *, actor: Actor | None = None) -> bool:
    """Stop the person's feed link; False when they had none."""
    feeds = _live_feeds(db, person_id)
    for feed in feeds:
        feed.revoked_at = clock.now()
        db.add(feed)
        audit.record(db, actor, "revoke", "calendar_feed", feed.id, person_id=person_id)
    db.flush()
    return bool(feeds)


def feed_url(settings: Settings, token: str) -> str:
    return f"{settings.base_url.rstrip('/')}/calendar/{token}.ics"


def feed_owner(db: Session, token: str) -> Actor | None:
    """The person whose live feed this token opens, if their account is enabled; None otherwise."""
    if not token or len(token) > TOKEN_MAX_LENGTH:
        return None
    feed = db.exec(
        select(CalendarFeed).where(
            CalendarFeed.token_hash == hash_feed_token(token), col(CalendarFeed.revoked_at).is_(None)
        )
    ).first()
    if feed is None:
        return None
    actor = load_actor(db, feed.person_id, via="calendar")
    if actor is None:
        return None
    return dataclasses.replace(actor, extra={FEED_ID: str(feed.id)})


def mark_used(db: Session, owner: Actor) -> None:
    """Remember when a calendar last read the feed, at most once a minute (calendars poll)."""
    feed_id = owner.extra.get(FEED_ID)
    feed = db.get(CalendarFeed, uuid.UUID(feed_id)) if feed_id else None
    if feed is None:
        return
    now = clock.now()
    if feed.last_used_at is None or now - feed.last_used_at > LAST_USED_EVERY:
        feed.last_used_at = now
        db.add(feed)


# --- Which contacts a feed holds ---------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class Entry:
    """One contact as the reader may see it, with what the calendar needs besides."""

    child: Child
    contact: ContactOut
    stamp: dt.datetime


def feed_entries(db: Session, actor: Actor, *, on: dt.date | None = None) -> list[Entry]:
    """The contacts in a person's feed: for each child whose team they are on (team memberships
    only: a supervisor's feed is not the whole centre), those they take part in or facilitate, or
    all of them for the child's caseworker and agency coordinator; from 30 days ago onwards."""
    on = on or clock.today()
    policy = load_policy(db)
    rows = db.exec(
        select(TeamMembership.child_id, TeamMembership.role).where(
            TeamMembership.person_id == actor.person_id, active_membership_clause(on)
        )
    ).all()
    roles: dict[uuid.UUID, set[str]] = {}
    for child_id, role in rows:
        roles.setdefault(child_id, set()).add(role)
    since = clock.now() - FEED_SINCE
    entries: list[Entry] = []
    for child_id, child_roles in roles.items():
        try:
            access = child_access(db, actor, child_id, policy, on)
        except NotFound:
            continue
        contacts = child_contacts(db, access, since=since)
        if not child_roles & ALL_CONTACT_ROLES:
            contacts = _taking_part(db, contacts, actor.person_id)
        entries += _entries(db, access, contacts)
    return sorted(entries, key=lambda e: (e.contact.starts_at or since, str(e.contact.id)))


def _taking_part(db: Session, contacts: list[Contact], person_id: uuid.UUID) -> list[Contact]:
    participants = participants_of(db, [c.id for c in contacts])
    return [
        c
        for c in contacts
        if c.facilitator_id == person_id or any(p.person_id == person_id for p in participants[c.id])
    ]


def _entries(db: Session, access: ChildAccess, contacts: list[Contact]) -> list[Entry]:
    if not contacts:
        return []
    child = db.get(Child, access.child_id)
    assert child is not None
    team = {v.person_id: v for v in team_viewers(db, child, access.policy, access.on)}
    raw = {c.id: c for c in contacts}
    entries = []
    for view in contact_views(db, access, contacts, team):
        if view.starts_at is None or view.ends_at is None:
            continue  # the time is withheld from this reader: the contact is not in their calendar at all
        entries.append(Entry(child, view, _stamp(raw[view.id])))
    return entries


def _stamp(contact: Contact) -> dt.datetime:
    """When the contact last changed: a change of status sets status_at, not updated_at."""
    times = [t for t in (contact.updated_at, contact.status_at, contact.created_at) if t is not None]
    return max(times).astimezone(dt.UTC)


def _log_place_reads(db: Session, actor: Actor, entries: list[Entry], summary: str) -> None:
    """A foster home or facility shown as a place is a read of whereabouts, which goes in the child's
    access log; a feed that calendars read every hour is logged once a day per child."""
    start_of_day = dt.datetime.combine(clock.today(), dt.time(), tzinfo=TOKYO).astimezone(dt.UTC)
    logged: set[uuid.UUID] = set()
    for entry in entries:
        place = entry.contact.place
        child_id = entry.child.id
        if child_id in logged or place is None or not place.address:
            continue
        if place.kind not in (PlaceKind.FOSTER_HOME, PlaceKind.FACILITY):
            continue
        logged.add(child_id)
        already = db.exec(
            select(AuditEvent.id).where(
                AuditEvent.actor_person_id == actor.person_id,
                AuditEvent.child_id == child_id,
                AuditEvent.category == Category.WHEREABOUTS.value,
                AuditEvent.summary == summary,
                AuditEvent.at >= start_of_day,
            )
        ).first()
        if already is None:
            audit.record(
                db,
                actor,
                "read",
                "contact",
                child_id,
                child_id=child_id,
                category=Category.WHEREABOUTS.value,
                summary=summary,
            )


# --- iCalendar ---------------------------------------------------------------------------------------


def feed_ics(db: Session, actor: Actor, settings: Settings) -> bytes:
    """The person's feed, in the language of their account."""
    entries = feed_entries(db, actor)
    _log_place_reads(db, actor, entries, "calendar feed")
    locale = actor.locale
    name = translate_in(locale, "QPI team: my contacts")
    return _calendar(entries, settings, locale, name, feed=True).to_ical()


def contact_ics(db: Session, access: ChildAccess, contact_id: uuid.UUID, settings: Settings) -> bytes:
    """One contact to add to a calendar, in the reader's current language. NotFound when the reader
    may not see the contact or its time."""
    contact = get_contact(db, access, contact_id)
    entries = _entries(db, access, [contact])
    if not entries:
        raise NotFound()
    _log_place_reads(db, access.actor, entries, "contact calendar file")
    locale = get_locale()
    name = translate_in(locale, "QPI team: contact")
    return _calendar(entries, settings, locale, name, feed=False).to_ical()


def _calendar(entries: list[Entry], settings: Settings, locale: str, name: str, *, feed: bool) -> Calendar:
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("name", name)
    calendar.add("x-wr-calname", name)
    calendar.add("x-wr-timezone", TIMEZONE)
    if feed:
        # RFC 7986 requires VALUE=DURATION on REFRESH-INTERVAL; icalendar does not write it by itself.
        calendar.add("refresh-interval", REFRESH, parameters={"VALUE": "DURATION"})
        calendar.add("x-published-ttl", "PT1H")
    # Always, even with no event: X-WR-TIMEZONE names it, and an empty feed is still a valid one.
    calendar.add_component(Timezone.from_tzid(TIMEZONE))
    for entry in entries:
        calendar.add_component(_event(entry, settings, locale))
    return calendar


def _label(labels: Mapping[Any, str], value: str, locale: str) -> str:
    message = labels.get(value)
    return translate_in(locale, message) if message else value


def _event(entry: Entry, settings: Settings, locale: str) -> Event:
    view = entry.contact
    assert view.starts_at is not None and view.ends_at is not None
    link = f"{settings.base_url.rstrip('/')}/children/{view.child_id}/contacts/{view.id}"
    status = _label(CONTACT_STATUS_LABELS, view.status, locale)
    title = translate_in(
        locale,
        "%(kind)s (%(child)s)",
        kind=_label(CONTACT_KIND_LABELS, view.kind, locale),
        child=entry.child.given_name,
    )
    if view.status in TITLE_STATUS:
        title = translate_in(locale, "%(status)s: %(title)s", status=status, title=title)
    description = "\n".join(
        [
            translate_in(locale, "Status: %(status)s", status=status),
            translate_in(locale, "How: %(mode)s", mode=_label(CONTACT_MODE_LABELS, view.mode, locale)),
            translate_in(locale, "Details and answers in the QPI team portal: %(url)s", url=link),
        ]
    )
    event = Event()
    event.add("uid", f"{view.id}@{UID_DOMAIN}")
    event.add("dtstamp", entry.stamp)
    event.add("last-modified", entry.stamp)
    event.add("dtstart", view.starts_at.astimezone(TOKYO))
    event.add("dtend", view.ends_at.astimezone(TOKYO))
    event.add("sequence", view.version)
    event.add("summary", title)
    event.add("description", description)
    event.add("url", link)
    event.add("status", ICAL_STATUS.get(view.status, "TENTATIVE"))
    event.add("class", "PRIVATE")
    if ICAL_STATUS.get(view.status) == "CANCELLED":
        event.add("transp", "TRANSPARENT")  # a cancelled contact does not make anyone busy
    location = _location(view, locale)
    if location:
        event.add("location", location)
    return event


def _location(view: ContactOut, locale: str) -> str:
    """Only what the policy shows the reader: nothing when the place is withheld."""
    if view.place is None:
        return ""
    parts = [p for p in (view.place.name, view.place.address) if p]
    if parts:
        return ", ".join(parts)
    return _label(PLACE_KIND_LABELS, view.place.kind, locale)
