"""The world of the confidentiality tests: demo children whose data carry marker strings, one
persona per relationship to each child, and an oracle that says, from sharing_policy.toml alone
(not from app.authz), what each persona may see.

Markers look like MK<KIND><n>X. Each kind belongs to one rule of the policy, so finding a marker in
a response that the oracle does not allow is a leak, and missing one that it allows is a failure to
share.
"""

from __future__ import annotations

import datetime as dt
import re
import secrets
import tomllib
import uuid
from dataclasses import dataclass, field
from pathlib import Path

from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlmodel import Session, col, select

from app import clock
from app.accounts import sessions
from app.accounts.models import Account, Invitation
from app.accounts.tokens import create_token
from app.caseinfo.models import CaseItem
from app.children.models import Child, Placement
from app.contacts.models import Contact, ContactParticipant
from app.demo.loader import demo_id
from app.orgs.models import Organisation, StaffPosition
from app.people.models import Household, Person
from app.sharing.models import Consent, ProtectionOrder
from app.teams.models import TeamMembership
from tests.support import HINATA, SAKURA, SOTA, PortalClient

POLICY = tomllib.loads(
    (Path(__file__).resolve().parents[2] / "app" / "authz" / "sharing_policy.toml").read_text()
)
LEVELS = {"none": 0, "see": 1, "add": 2, "manage": 3}
ROLES = list(POLICY["matrix"])
CATEGORIES = list(POLICY["categories"])
PROFESSIONAL = {r for r, info in POLICY["roles"].items() if info["group"] == "professional"}
FAMILY = {"birth_parent", "family_member"}
ITEM_CATEGORIES = [
    "care_info",
    "birth_family_background",
    "assessments",
    "legal",
    "contact_records",
    "meeting_notes",
    "permanency_plan",
    "daily_log",
    "messages",
    "documents",
]
# Standing alone: a random secret on a page (a TOTP key in base32) may contain "MK...5X" by chance.
MARKER = re.compile(r"(?<![A-Z0-9])MK([A-Z]+?)(\d+)X(?![A-Z0-9])")

# The relationships every route is tried with, for every record.
TEAM_ROLES = [r for r in ROLES if r != "supervisor"]
OTHER_RELATIONSHIPS = [
    "supervisor",
    "same_centre",
    "other_centre",
    "former_member",
    "protection_order",
    "no_team",
    "admin",
    "anonymous",
]
RELATIONSHIPS = [f"role:{r}" for r in TEAM_ROLES] + OTHER_RELATIONSHIPS


def item_kind(category: str) -> str:
    return "ITEM" + category.replace("_", "").upper()


@dataclass(frozen=True)
class Record:
    index: int
    key: str
    child_id: uuid.UUID
    centre: str
    consent: bool
    # (kind, index) of every marker the record's pages can show.
    markers: frozenset[tuple[str, int]]
    # The demo family on the team consented to show their own details to every persona of the record
    # (each consent is for one recipient; the oracle says whose counts).
    family_consent: bool = False


@dataclass
class Persona:
    relationship: str
    record: Record
    person_id: uuid.UUID | None
    email: str = ""
    client: PortalClient | None = None
    api: TestClient | None = None
    token: str = ""

    @property
    def role(self) -> str | None:
        if self.relationship.startswith("role:"):
            return self.relationship[5:]
        if self.relationship == "protection_order":
            return "birth_parent"
        if self.relationship == "supervisor":
            return "supervisor"
        return None


@dataclass
class World:
    app: FastAPI
    records: list[Record]
    personas: dict[tuple[str, int], Persona] = field(default_factory=dict)
    ids: dict[str, dict[int, uuid.UUID]] = field(default_factory=dict)

    def persona(self, relationship: str, record: Record) -> Persona:
        return self.personas[(relationship, record.index)]


# --- The oracle ------------------------------------------------------------------------------


def level(persona: Persona, record: Record, category: str) -> int:
    """What the policy file says this persona may do with this category of this record."""
    rel = persona.relationship
    if rel == "supervisor":
        return (
            LEVELS[POLICY["matrix"]["supervisor"][category]] if record.centre == persona.record.centre else 0
        )
    if persona.record.index != record.index or persona.role is None:
        return 0  # not on this child's team: former members, other centres, no team, admins, anonymous
    role = persona.role
    value = LEVELS[POLICY["matrix"][role][category]]
    if rel == "protection_order" and category in ("whereabouts", "foster_contact"):
        return 0
    if role in FAMILY and category == "foster_contact" and not record.consent:
        return 0
    return value


def sees_family_contact(persona: Persona, record: Record) -> bool:
    """The demo family's own details: professionals as the matrix says; anyone else whose role the
    matrix lets see them only with the family's consent for them, never under a protection order
    (hard rule family_contact_consent)."""
    if level(persona, record, "birth_family_contact") == 0:
        return False
    if persona.role in PROFESSIONAL:
        return True
    return record.family_consent and persona.relationship != "protection_order"


def in_scope(persona: Persona, record: Record) -> bool:
    return level(persona, record, "basic_profile") > 0


def visible_markers(persona: Persona, record: Record) -> set[tuple[str, int]]:
    def can(category: str) -> bool:
        return level(persona, record, category) > 0

    kinds: set[str] = set()
    if can("basic_profile"):
        kinds.add("BASIC")
    if can("whereabouts"):
        kinds |= {"SCHOOL", "FACADDR"}
    if can("whereabouts") or can("foster_contact"):
        kinds.add("HHADDR")
    if can("foster_contact"):
        kinds |= {"HHPHONE", "FPCONTACT"}
    if sees_family_contact(persona, record):
        kinds.add("BPCONTACT")
    named_only = POLICY.get("named_only", {}).get(persona.role or "", [])
    for category in ITEM_CATEGORIES:
        # The world's items are for the whole team: a role that sees a category only where named
        # (a supporter's care information) sees none of them.
        if can(category) and category not in named_only:
            kinds.add(item_kind(category))
    professional = persona.role in PROFESSIONAL
    if can("assessments") and (professional or level(persona, record, "assessments") >= LEVELS["manage"]):
        kinds.add("PRO")
    return {(kind, index) for kind, index in record.markers if kind in kinds}


def found_markers(text: str) -> set[tuple[str, int]]:
    return {(kind, int(index)) for kind, index in MARKER.findall(text)}


# --- Building the world ------------------------------------------------------------------------


def build_world(app: FastAPI) -> World:
    engine = app.state.engine
    today = clock.today()
    with Session(engine, expire_on_commit=False) as db:
        records = [
            _mark_record(db, 1, "child-sakura", SAKURA, consent=False),
            _mark_record(db, 2, "child-sota", SOTA, consent=False),
            _mark_record(db, 3, "child-hinata", HINATA, consent=True, family_consent=True),
        ]
        _mark_shared(db)
        world = World(app=app, records=records)
        for record in records:
            for relationship in RELATIONSHIPS:
                world.personas[(relationship, record.index)] = _persona(
                    db, world, relationship, record, today
                )
            _record_consents(db, world, record)
            _record_ids(db, world, record)
        db.commit()
    for persona in world.personas.values():
        if persona.relationship == "anonymous" and persona.client is not None:
            # A visitor's forms carry a token too (after the world is committed: SQLite has one writer).
            persona.client.remember_csrf(persona.client.get("/sign-in").text)
    return world


def _mark_record(
    db: Session, index: int, key: str, child_id: uuid.UUID, *, consent: bool, family_consent: bool = False
) -> Record:
    child = db.get(Child, child_id)
    assert child is not None
    child.given_name_kana = f"MKBASIC{index}X"
    child.school_name = f"MKSCHOOL{index}X"
    db.add(child)
    markers = {("BASIC", index), ("SCHOOL", index)}
    lead = child.lead_caseworker_id
    for category in ITEM_CATEGORIES:
        db.add(
            CaseItem(
                id=demo_id(f"{key}/marker/{category}"),
                child_id=child_id,
                category=category,
                title=f"{category} marker",
                body=f"MK{item_kind(category)}{index}X",
                author_id=lead,
            )
        )
        markers.add((item_kind(category), index))
    db.add(
        CaseItem(
            id=demo_id(f"{key}/marker/pro"),
            child_id=child_id,
            category="assessments",
            title="professionals only",
            body=f"MKPRO{index}X",
            audience="professionals",
            author_id=lead,
        )
    )
    markers.add(("PRO", index))
    placement = _current_placement(db, child_id)
    if placement.household_id:
        markers |= {("HHADDR", 0), ("HHPHONE", 0), ("FPCONTACT", 0)}
    if placement.facility_id:
        markers.add(("FACADDR", 0))
    family = db.exec(
        select(TeamMembership).where(
            TeamMembership.child_id == child_id, col(TeamMembership.role).in_(FAMILY)
        )
    ).all()
    for membership in family:  # a parent may be on several children's teams: one shared marker
        person = db.get(Person, membership.person_id)
        assert person is not None
        person.phone = "MKBPCONTACT0X"
        db.add(person)
    if family:
        markers.add(("BPCONTACT", 0))
    centre = db.get(Organisation, child.responsible_centre_id)
    assert centre is not None
    return Record(index, key, child_id, centre.name, consent, frozenset(markers), family_consent)


def _record_consents(db: Session, world: World, record: Record) -> None:
    """Consents are per recipient: given to the record's own personas, so the oracle can say who sees.
    Each record also has one consent for a caseworker to agree to, where there is a foster home."""
    placement = _current_placement(db, record.child_id)
    caseworker = db.get(Child, record.child_id)
    assert caseworker is not None and caseworker.lead_caseworker_id is not None
    recipients = [
        p.person_id
        for (relationship, index), p in world.personas.items()
        if index == record.index and p.person_id is not None and p.role not in PROFESSIONAL
    ]
    family = _demo_family(db, record.child_id)
    consent_id = None
    if placement.household_id:
        for recipient in recipients if record.consent else []:
            db.add(
                Consent(
                    child_id=record.child_id,
                    household_id=placement.household_id,
                    recipient_person_id=recipient,
                    kind="share_foster_contact",
                    given_by_id=demo_id("foster1"),
                    agreed_by_id=caseworker.lead_caseworker_id,
                    agreed_at=clock.now(),
                )
            )
        # Waiting for the caseworker, for a demo parent: it changes nothing anyone sees.
        waiting = Consent(
            child_id=record.child_id,
            household_id=placement.household_id,
            recipient_person_id=family[0],
            kind="share_foster_contact",
            given_by_id=demo_id("foster1"),
        )
        db.add(waiting)
        consent_id = waiting.id
    for subject in family if record.family_consent else []:
        for recipient in recipients:
            db.add(
                Consent(
                    child_id=record.child_id,
                    subject_person_id=subject,
                    recipient_person_id=recipient,
                    kind="share_family_contact",
                    given_by_id=subject,
                )
            )
    if consent_id is None:  # no foster home: a consent of the family, which no caseworker agrees to
        given = Consent(
            child_id=record.child_id,
            subject_person_id=family[0],
            recipient_person_id=caseworker.lead_caseworker_id,
            kind="share_family_contact",
            given_by_id=family[0],
        )
        db.add(given)
        consent_id = given.id
    db.flush()
    world.ids.setdefault("consent_id", {})[record.index] = consent_id


def _demo_family(db: Session, child_id: uuid.UUID) -> list[uuid.UUID]:
    return list(
        db.exec(
            select(TeamMembership.person_id)
            .join(Person, col(Person.id) == TeamMembership.person_id)
            .where(
                TeamMembership.child_id == child_id,
                Person.family_name != "試験",
                col(TeamMembership.role).in_(FAMILY),
            )
            .distinct()
        ).all()
    )


def _mark_shared(db: Session) -> None:
    household = db.get(Household, demo_id("hh-tanaka"))
    assert household is not None
    household.address, household.phone = "MKHHADDR0X", "MKHHPHONE0X"
    db.add(household)
    for key in ("foster1", "foster1-spouse"):
        person = db.get(Person, demo_id(key))
        assert person is not None
        person.phone, person.address = "MKFPCONTACT0X", "MKFPCONTACT0X"
        db.add(person)
    home = db.get(Organisation, demo_id("home-ueda"))
    assert home is not None
    home.address = "MKFACADDR0X"
    db.add(home)


def _current_placement(db: Session, child_id: uuid.UUID) -> Placement:
    rows = db.exec(
        select(Placement).where(Placement.child_id == child_id, col(Placement.end_date).is_(None))
    ).all()
    assert len(rows) == 1
    return rows[0]


def _persona(db: Session, world: World, relationship: str, record: Record, today: dt.date) -> Persona:
    if relationship == "anonymous":
        browser = PortalClient(world.app, base_url="https://testserver", follow_redirects=False)
        return Persona(
            relationship,
            record,
            None,
            client=browser,
            api=TestClient(world.app, base_url="https://testserver"),
        )
    slug = relationship.replace(":", "-").replace("_", "-")
    person = Person(family_name="試験", given_name=f"{slug}-{record.index}")
    db.add(person)
    db.flush()
    email = f"{slug}-{record.index}@matrix.example"
    db.add(Account(person_id=person.id, email=email, password_hash=None, is_admin=relationship == "admin"))
    child = db.get(Child, record.child_id)
    assert child is not None
    centre_id = child.responsible_centre_id
    other_centre = (
        demo_id("centre-matsumoto") if centre_id != demo_id("centre-matsumoto") else demo_id("centre-chuo")
    )
    start = today - dt.timedelta(days=30)
    if relationship.startswith("role:"):
        db.add(
            TeamMembership(
                child_id=record.child_id, person_id=person.id, role=relationship[5:], start_date=start
            )
        )
    elif relationship == "supervisor":
        db.add(
            StaffPosition(
                person_id=person.id, organisation_id=centre_id, position="supervisor", start_date=start
            )
        )
    elif relationship == "same_centre":
        db.add(
            StaffPosition(
                person_id=person.id, organisation_id=centre_id, position="caseworker", start_date=start
            )
        )
    elif relationship == "other_centre":
        db.add(
            StaffPosition(
                person_id=person.id, organisation_id=other_centre, position="supervisor", start_date=start
            )
        )
    elif relationship == "former_member":
        db.add(
            TeamMembership(
                child_id=record.child_id,
                person_id=person.id,
                role="foster_parent",
                start_date=start,
                end_date=today,
            )
        )
    elif relationship == "protection_order":
        db.add(
            TeamMembership(
                child_id=record.child_id, person_id=person.id, role="birth_parent", start_date=start
            )
        )
        db.add(ProtectionOrder(child_id=record.child_id, person_id=person.id, start_date=start))
    db.flush()
    csrf = secrets.token_urlsafe(16)
    settings = world.app.state.settings
    value = sessions.create_session(
        db,
        person_id=person.id,
        idle_minutes=600,
        absolute_hours=12,
        data={"csrf": csrf, "locale": "ja", "method": "test"},
    )
    client = PortalClient(world.app, base_url="https://testserver", follow_redirects=False)
    client.cookies.set(settings.session_cookie_name, value, domain="testserver.local")
    client.csrf = csrf
    _record, token = create_token(db, person.id, "matrix")
    api = TestClient(world.app, base_url="https://testserver")
    api.headers["Authorization"] = f"Bearer {token}"
    return Persona(relationship, record, person.id, email, client, api, token)


def _record_ids(db: Session, world: World, record: Record) -> None:
    """Ids of the records hanging off each child that routes take in their path."""
    child_id = record.child_id
    placement = _current_placement(db, child_id)
    membership = db.exec(
        select(TeamMembership).where(TeamMembership.child_id == child_id, TeamMembership.role == "caseworker")
    ).first()
    assert membership is not None
    invitation = Invitation(
        token_hash=secrets.token_hex(32),
        child_id=child_id,
        role="supporter",
        email=f"pending-{record.index}@matrix.example",
        family_name="招待",
        invited_by_id=membership.person_id,
        expires_at=clock.now() + dt.timedelta(days=3),
    )
    db.add(invitation)
    order = db.exec(select(ProtectionOrder).where(ProtectionOrder.child_id == child_id)).first()
    assert order is not None
    # A contact at the child's home (a foster home or a facility: whereabouts), with the caseworker.
    contact = Contact(
        child_id=child_id,
        kind="family_time",
        mode="in_person",
        place_kind="foster_home" if placement.household_id else "facility",
        starts_at=clock.now().replace(microsecond=0) + dt.timedelta(days=3),
        duration_minutes=60,
        status="proposed",
        facilitator_id=membership.person_id,
        created_by_id=membership.person_id,
    )
    db.add(contact)
    db.flush()
    db.add(ContactParticipant(contact_id=contact.id, person_id=membership.person_id))
    # The demo family takes part too (not the test personas), so each contact shows phone numbers
    # exactly as the policy allows each reader.
    family = db.exec(
        select(TeamMembership.person_id)
        .join(Person, col(Person.id) == TeamMembership.person_id)
        .where(
            TeamMembership.child_id == child_id,
            Person.family_name != "試験",
            col(TeamMembership.role).in_(["foster_parent", "kinship_carer", *FAMILY]),
        )
        .distinct()
    ).all()
    for person_id in family:
        db.add(ContactParticipant(contact_id=contact.id, person_id=person_id))
    db.flush()
    ids = {
        "placement_id": placement.id,
        "membership_id": membership.id,
        "invitation_id": invitation.id,
        "item_id": demo_id(f"{record.key}/marker/care_info"),
        "order_id": order.id,
        "contact_id": contact.id,
    }
    for name, value in ids.items():
        world.ids.setdefault(name, {})[record.index] = value
