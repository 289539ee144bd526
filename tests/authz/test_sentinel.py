"""Sentinels: a unique string in the foster families' address and another in assessments appear in
nothing a birth parent can obtain: pages, htmx fragments, the API, search, exports, calendar feeds
and e-mails. The crawl walks every route the app has, with every id of the right kind, so a new
route is crawled without changing this file (a new kind of path parameter makes it fail until
taught where its values come from).
"""

from __future__ import annotations

import datetime as dt
import re
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from fastapi import FastAPI
from sqlmodel import Session, col, select

from app import clock
from app.accounts.identity import load_actor
from app.accounts.models import Invitation
from app.authz.scope import child_access, load_policy
from app.caseinfo.models import CaseItem
from app.children.models import Child, Placement
from app.contacts.models import Contact, ContactOutcome, ContactParticipant
from app.contacts.schemas import ContactIn
from app.contacts.service import schedule
from app.demo.loader import demo_id
from app.i18n import TOKYO
from app.notifications.models import Notification, OutboxMessage
from app.people.models import Household, Person
from app.routing import api_routes
from app.sharing.models import Consent, ProtectionOrder
from app.teams.models import TeamMembership
from tests.conftest import deliver_mail
from tests.crawling import walk
from tests.mailserver import Mailbox, SmtpServer
from tests.support import HINATA, SAKURA, SOTA, YUI, Personas

ADDRESS = "SENTINELADDRESS7F3A"
ASSESSMENT = "SENTINELASSESSMENT91C"
# Planted by plant_in_forms(): where only forms, pre-filled values, live checks and edit pages showed it.
PRIVATE = "SENTINELPRIVATE5D2E"
SENTINELS = (ADDRESS, ASSESSMENT, PRIVATE)
# Each birth parent's (and family member's) own address carries a sentinel of its own: it reaches the
# professionals and its owner, never another parent (no consent is recorded in this test).
FAMILY_SENTINEL = re.compile(r"SENTINELFAMILY(\d+)Z")
BIRTH_PARENTS = ("parent1", "parent2")  # parent2 is under a protection order for Yui
FAMILY_CHILDREN = (SAKURA, SOTA, YUI, HINATA)
RANDOM = str(uuid.UUID(int=11))


@dataclass
class Found:
    where: str
    text: str


def family_sentinel(person_id: uuid.UUID) -> str:
    return f"SENTINELFAMILY{person_id.int % 10**12}Z"


def plant_family(db: Session) -> None:
    """A sentinel in the address of every birth parent and family member of every demo child, and
    the second demo parent on the first one's team: Kimura plays the father of Sakura, whose mother
    is Yamada, so each of the two has the other parent on a team (and Sakura's grandmother)."""
    family = db.exec(
        select(TeamMembership.person_id)
        .where(col(TeamMembership.role).in_(["birth_parent", "family_member"]))
        .distinct()
    ).all()
    for person_id in family:
        person = db.get(Person, person_id)
        assert person is not None
        person.address = f"長野県 {family_sentinel(person_id)} 0-2-2"
        db.add(person)
    db.add(
        TeamMembership(
            child_id=SAKURA, person_id=demo_id("parent2"), role="birth_parent", start_date=clock.today()
        )
    )


def others_family_sentinels(text: str, key: str) -> set[str]:
    own = family_sentinel(demo_id(key))
    return {m.group(0) for m in FAMILY_SENTINEL.finditer(text)} - {own}


def plant(app: FastAPI) -> None:
    """Put the sentinels where they belong: both foster homes, both foster families, assessments,
    every birth family member's address."""
    with Session(app.state.engine) as db:
        plant_family(db)
        for key in ("hh-tanaka", "hh-suzuki"):
            household = db.get(Household, demo_id(key))
            assert household is not None
            household.address = f"長野県 {ADDRESS} 0-1-2"
            db.add(household)
        for key in ("foster1", "foster1-spouse", "foster2", "foster2-spouse"):
            person = db.get(Person, demo_id(key))
            assert person is not None
            person.address = f"長野県 {ADDRESS} 0-1-2"
            db.add(person)
        for child_id in FAMILY_CHILDREN:
            child = db.get(Child, child_id)
            assert child is not None
            db.add(
                CaseItem(
                    child_id=child_id,
                    category="assessments",
                    title="心理診断",
                    body=f"所見 {ASSESSMENT}",
                    author_id=child.lead_caseworker_id or demo_id("caseworker1"),
                )
            )
        db.commit()


def plant_in_forms(app: FastAPI) -> None:
    """Issue 7, point 9: what an independent crawl found in forms rather than pages.
    - how a contact went, narrowed to professionals (shown in the outcome form's text box);
    - the Suzuki foster parents' names (parent2 is under a protection order for Yui): in the live
      double-booking warning and in the "named people" choices; so foster2 is busy tomorrow at
      10:00, when the new-contact form starts;
    - a contact parent2 proposed for Yui, later changed to leave them out: its note."""
    with Session(app.state.engine) as db:
        for key in ("foster2", "foster2-spouse"):
            person = db.get(Person, demo_id(key))
            assert person is not None
            person.given_name = f"{person.given_name}{PRIVATE}"
            db.add(person)
        done = db.exec(
            select(Contact).where(col(Contact.child_id).in_((SAKURA, SOTA)), Contact.status == "done")
        ).all()
        for contact in done:
            outcome = db.exec(select(ContactOutcome).where(ContactOutcome.contact_id == contact.id)).first()
            outcome = outcome or ContactOutcome(
                contact_id=contact.id, author_id=contact.facilitator_id or demo_id("caseworker1")
            )
            outcome.how_it_went, outcome.audience = f"専門職のみ {PRIVATE}", "professionals"
            db.add(outcome)
        tomorrow = clock.now().astimezone(TOKYO).date() + dt.timedelta(days=1)
        busy = Contact(
            child_id=YUI,
            kind="interview_child",
            mode="in_person",
            place_kind="foster_home",
            starts_at=dt.datetime.combine(tomorrow, dt.time(10), tzinfo=TOKYO).astimezone(dt.UTC),
            duration_minutes=60,
            status="confirmed",
            created_by_id=demo_id("caseworker2"),
            facilitator_id=demo_id("caseworker2"),
        )
        left_out = Contact(
            child_id=YUI,
            kind="family_time",
            mode="in_person",
            place_kind="foster_home",
            starts_at=dt.datetime.combine(tomorrow, dt.time(15), tzinfo=TOKYO).astimezone(dt.UTC),
            duration_minutes=60,
            status="proposed",
            note=f"変更後のメモ {PRIVATE}",
            created_by_id=demo_id("parent2"),
        )
        db.add_all([busy, left_out])
        db.flush()
        for contact, people in ((busy, ("foster2", "caseworker2")), (left_out, ("foster2", "caseworker2"))):
            for key in people:
                db.add(ContactParticipant(contact_id=contact.id, person_id=demo_id(key)))
        db.commit()


def param_values(db: Session) -> dict[str, list[tuple[uuid.UUID | None, str]]]:
    """For each kind of path parameter: (the child it hangs off, or None; its value)."""

    def rows(model: Any) -> list[tuple[uuid.UUID | None, str]]:
        return [
            (r.child_id, str(r.id))
            for r in db.exec(select(model).where(col(model.child_id).in_(FAMILY_CHILDREN)))
        ]

    children = [(c, str(c)) for c in db.exec(select(Child.id))]
    people = [(None, str(demo_id(k))) for k in ("foster1", "foster2", "parent1", "parent2", "caseworker1")]
    values: dict[str, list[tuple[uuid.UUID | None, str]]] = {
        "child_id": children,
        "item_id": rows(CaseItem),
        "placement_id": rows(Placement),
        "membership_id": rows(TeamMembership),
        "invitation_id": rows(Invitation),
        "order_id": rows(ProtectionOrder),
        "person_id": people,
        "org_id": [(None, str(demo_id("home-ueda"))), (None, str(demo_id("agency-matsumoto")))],
        "token": [(None, "not-a-real-token")],
        "token_id": [(None, RANDOM)],
        "position_id": [(None, RANDOM)],
        "link_id": [(None, RANDOM)],
        "place_id": [(None, str(demo_id("place-chuo-hall")))],
        "name": [(None, "no-such-provider")],
        "upload_id": [(None, "no-such-upload-0123456789")],  # an upload is only its uploader's
    }
    for name, table in EXTRA_PARAMETERS.items():
        values[name] = rows(table)
    return values


# Path parameters that later features add: name -> a table with child_id and id.
EXTRA_PARAMETERS: dict[str, Any] = {"contact_id": Contact, "consent_id": Consent}


def urls(app: FastAPI, values: dict[str, list[tuple[uuid.UUID | None, str]]]) -> Iterator[tuple[str, str]]:
    """Every (method, url) to try: each route with every fitting combination of ids."""
    for route in api_routes(app):
        names = re.findall(r"\{(\w+)\}", route.path)  # also those a guard dependency reads
        unknown = [n for n in names if n not in values]
        assert not unknown, f"teach the sentinel crawl where {unknown} of {route.path} come from"
        for method in sorted(route.methods):
            yield from ((method, url) for url in _fill(route.path, names, values))


def _fill(
    path: str, names: list[str], values: dict[str, list[tuple[uuid.UUID | None, str]]]
) -> Iterator[str]:
    if not names:
        yield path
        return
    if names == ["child_id"]:
        for _child, value in values["child_id"]:
            yield path.replace("{child_id}", value)
        return
    if "child_id" in names:
        # An id of something hanging off a child: with its own child, and with another family child.
        other = next(n for n in names if n != "child_id")
        for child, value in values[other]:
            for child_id in {str(child), str(SAKURA)}:
                yield path.replace("{child_id}", child_id).replace("{" + other + "}", value)
        return
    combos = [{}]
    for name in names:
        combos = [{**c, name: v} for c in combos for _child, v in values[name]]
    for combo in combos:
        url = path
        for name, value in combo.items():
            url = url.replace("{" + name + "}", value)
        yield url


FORM = {
    "csrf_token": "",
    "title": "",
    "reason": "",
    "email": "",
    "family_name": "",
    "end_date": "not a date",
    "person_id": "",
    "category": "assessments",
    "code": "0",
    "password": "x",
    "confirm": "x",
}


def crawl(app: FastAPI, key: str) -> list[Found]:
    personas = Personas(app)
    client, api = personas.client(key), personas.api(key)
    with Session(app.state.engine) as db:
        values = param_values(db)
    found: list[Found] = []
    # First as a person: every page reached by links, every form and htmx request shown, submitted
    # with the values the page filled in (text boxes, ticked people, live checks, edit pages).
    walked = walk(client)
    found += [Found(v.where, v.text) for v in walked.everything()]
    for method, url in urls(app, values):
        if url == "/sign-out":
            continue  # it would end the session the crawl uses; it shows nothing anyway
        found += _try(client, api, method, url)
    # Search with parts of the sentinels: a match would show the whole string; the query's own echo
    # in the search box would not.
    for query in (
        {"q": ADDRESS[:12]},
        {"q": ASSESSMENT[:14]},
        {"q": "SENTINEL"},
        {"q": "若里"},
        {"scope": "centre"},
        {"q": "所見"},
    ):
        for headers in ({}, {"HX-Request": "true"}):
            found.append(
                Found(
                    f"GET /children {query} {headers}",
                    client.get("/children", params=query, headers=headers).text,
                )
            )
        found.append(Found(f"API /children {query}", api.get("/api/v1/children", params=query).text))
    return found


def _try(client: Any, api: Any, method: str, url: str) -> list[Found]:
    if url.startswith("/api/"):
        kwargs: dict[str, Any] = {"json": {"version": 0}} if method in ("PATCH", "POST", "PUT") else {}
        return [Found(f"{method} {url}", api.request(method, url, **kwargs).text)]
    results = []
    if method == "GET":
        for headers in ({}, {"HX-Request": "true"}):
            results.append(Found(f"GET {url} {headers}", client.get(url, headers=headers).text))
    else:
        results.append(
            Found(
                f"{method} {url}", client.request(method, url, data={**FORM, "csrf_token": client.csrf}).text
            )
        )
    return results


@pytest.fixture
def planted(mail_app: FastAPI) -> FastAPI:
    plant(mail_app)
    plant_in_forms(mail_app)
    return mail_app


@pytest.mark.parametrize("key", BIRTH_PARENTS)
def test_birth_parent_obtains_no_sentinel(planted: FastAPI, smtp: SmtpServer, key: str) -> None:
    found = crawl(planted, key)
    assert len(found) > 500, "the crawl reached the routes"
    leaks = [f.where for f in found if any(s in f.text for s in SENTINELS)]
    assert leaks == []
    family_leaks = [(f.where, others_family_sentinels(f.text, key)) for f in found]
    assert [leak for leak in family_leaks if leak[1]] == [], "another family member's address"


def test_sentinels_are_where_the_policy_shares_them(planted: FastAPI) -> None:
    """The control: without it, an empty page would pass the test above."""
    personas = Personas(planted)
    assert ADDRESS in personas.client("foster1").get(f"/children/{SAKURA}").text
    assert ASSESSMENT in personas.client("caseworker1").get(f"/children/{SAKURA}").text
    assert ASSESSMENT in personas.api("foster2").get(f"/api/v1/children/{YUI}/items").text
    assert ASSESSMENT not in personas.client("parent1").get(f"/children/{SAKURA}").text
    for key in BIRTH_PARENTS:
        own = family_sentinel(demo_id(key))
        assert own in personas.client(key).get(f"/children/{SAKURA}").text, "each parent sees their own"
        assert own in personas.client("caseworker1").get(f"/children/{SAKURA}").text, "as staff do"
    grandmother = family_sentinel(demo_id("grandmother-yamada"))
    assert grandmother in personas.api("caseworker1").get(f"/api/v1/children/{SAKURA}/team").text
    # The sentinels of the forms are where they belong, too.
    assert PRIVATE in personas.client("caseworker2").get(f"/children/{YUI}").text  # the foster parents
    with Session(planted.state.engine) as db:
        done = db.exec(select(ContactOutcome).join(Contact).where(Contact.child_id == SAKURA)).first()
        assert done is not None
    assert (
        PRIVATE in personas.client("caseworker1").get(f"/children/{SAKURA}/contacts/{done.contact_id}").text
    )


def test_no_email_to_a_birth_parent_carries_a_sentinel(planted: FastAPI, smtp: SmtpServer) -> None:
    """Every e-mail a birth parent can cause or receive, through a real SMTP server."""
    personas = Personas(planted)
    caseworker = personas.client("caseworker1")
    for key in BIRTH_PARENTS:
        visitor = personas.anonymous()
        visitor.remember_csrf(visitor.get("/password-reset").text)
        visitor.form("/password-reset", {"email": f"{key}@example.jp"})
        caseworker.form(
            f"/children/{SAKURA}/invitations",
            {"email": f"{key}@example.jp", "family_name": "山田", "role": "family_member", "locale": "ja"},
        )
        client = personas.client(key)
        client.form(
            "/account/email", {"new_email": f"{key}.new@example.jp", "email_password": "nagano-qpi-demo"}
        )
    deliver_mail(planted)
    with Session(planted.state.engine) as db:
        queued = list(db.exec(select(OutboxMessage)))
        notes = list(db.exec(select(Notification)))
    addresses = {f"{k}@example.jp" for k in BIRTH_PARENTS} | {f"{k}.new@example.jp" for k in BIRTH_PARENTS}
    received = [m for m in smtp.mailbox.messages if m["To"] in addresses]
    assert len(received) >= 6, "reset, invitation and e-mail change notices for both parents arrived"
    for message in received:
        text = Mailbox.text(message) + Mailbox.subject(message)
        assert not any(s in text for s in SENTINELS), Mailbox.subject(message)
        assert not FAMILY_SENTINEL.search(text), Mailbox.subject(message)
    for row in queued:
        assert not any(s in row.body or s in row.subject for s in SENTINELS)
    parents = {demo_id(k) for k in BIRTH_PARENTS}
    for note in notes:
        if note.person_id in parents:
            assert not any(s in str(note.params) for s in SENTINELS)


CALENDAR_URL = re.compile(r'data-testid="calendar-url">([^<]+)</code>')


def _schedule_at_foster_home(app: FastAPI, child_id: uuid.UUID, by: str, people: list[str]) -> uuid.UUID:
    with Session(app.state.engine) as db:
        actor = load_actor(db, demo_id(by), via="session")
        assert actor is not None
        access = child_access(db, actor, child_id, load_policy(db))
        data = ContactIn(
            kind="family_time",
            place_kind="foster_home",
            date=clock.today() + dt.timedelta(days=4),
            start_time=dt.time(10),
            end_time=dt.time(11),
            participant_ids=[demo_id(p) for p in people],
        )
        contact_id = schedule(db, access, app.state.settings, data).contacts[0].id
        db.commit()
        return contact_id


def _own_feed(personas: Personas, key: str) -> str:
    """The person makes their calendar link on My account; what a calendar app then reads."""
    page = personas.client(key).form("/account/calendar")
    match = CALENDAR_URL.search(page.text)
    assert page.status_code == 200 and match
    path = match.group(1).removeprefix(personas.app.state.settings.base_url.rstrip("/"))
    response = personas.anonymous().get(path)
    assert response.status_code == 200
    return response.text


def test_no_calendar_feed_of_a_birth_parent_carries_a_sentinel(planted: FastAPI) -> None:
    """Contacts at the foster homes, with the birth parents taking part: their own calendars show the
    time but never the foster home's address (parent2 is under a protection order for Yui)."""
    personas = Personas(planted)
    contacts = {
        _schedule_at_foster_home(planted, SAKURA, "caseworker1", ["foster1", "parent1"]),
        _schedule_at_foster_home(planted, HINATA, "caseworker1", ["foster1", "parent2"]),
        _schedule_at_foster_home(planted, YUI, "caseworker2", ["foster2", "parent2"]),
        _schedule_at_foster_home(planted, YUI, "caseworker2", ["foster2"]),
    }
    seen: set[str] = set()
    for key in BIRTH_PARENTS:
        feed = _own_feed(personas, key)
        assert not any(s in feed for s in SENTINELS), key
        assert not others_family_sentinels(feed, key), key
        seen |= {str(c) for c in contacts if f"UID:{c}@" in feed}
    assert len(seen) == 3, "each parent's own contacts are in their calendar, with their time"
    # The control: the foster family's own calendar does show their home.
    assert ADDRESS in _own_feed(personas, "foster1")
