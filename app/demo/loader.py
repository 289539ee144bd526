"""Loads the demo world. Every record has an id derived from a stable key (uuid5), so running the
loader again finds everything in place and changes nothing. Dates are relative to the day of the
first load, so a fresh demo always has a child placed yesterday and another stalled for years."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from sqlmodel import Session, SQLModel, col, select

from app import clock
from app.accounts.models import Account
from app.accounts.passwords import hash_password
from app.caseinfo.models import CaseItem
from app.children.models import Child, Placement
from app.config import Settings
from app.contacts.due import OPEN_STATES, due_items
from app.contacts.models import (
    Contact,
    ContactOutcome,
    ContactParticipant,
    ContactSeries,
    DueItemClosure,
    Place,
)
from app.demo import nagano
from app.demo.nagano import DemoHousehold, DemoPerson, FeaturedChild
from app.demo.people import DEMO_PASSWORD, DEMO_TOTP_SECRET
from app.i18n import TOKYO
from app.orgs.models import Organisation, StaffPosition
from app.people.models import Household, HouseholdMember, Person
from app.sharing.models import ProtectionOrder
from app.teams.models import TeamMembership

NAMESPACE = uuid.UUID("6f1c2a8e-5b7d-4c1e-9a3f-0d2b4e6f8a10")
SYNTHETIC_CHILDREN = 35  # with the 5 featured children: the demo's 40
REGIONS = list(nagano.CENTRE_OF_REGION)
KINDS = [
    "foster_family",
    "childrens_home",
    "infant_home",
    "kinship_foster_family",
    "family_home",
    "temporary_protection",
    "at_home_with_support",
]
AGES = [0, 1, 2, 3, 4, 6, 8, 10, 12, 13, 15, 16, 17]
DAYS_PLACED = [3, 12, 40, 95, 190, 400, 800, 1300]
CLOSED = {
    5: ("return_home", 60),
    12: ("special_adoption", 150),
    19: ("independence", 30),
    26: ("kinship_care", 90),
}


def demo_id(key: str) -> uuid.UUID:
    return uuid.uuid5(NAMESPACE, key)


@dataclass
class Counter:
    created: dict[str, int] = field(default_factory=dict)

    def add(self, name: str) -> None:
        self.created[name] = self.created.get(name, 0) + 1

    def total(self) -> int:
        return sum(self.created.values())


class DemoLoader:
    def __init__(self, db: Session, today: dt.date) -> None:
        self.db = db
        self.today = today
        self.counter = Counter()
        self._password_hash: str | None = None

    def ensure(self, model: type[SQLModel], key: str, **fields: Any) -> Any:
        """The record with this key, created with these fields if it does not exist yet."""
        record_id = demo_id(key)
        existing = self.db.get(model, record_id)
        if existing is not None:
            return existing
        record = model(id=record_id, **fields)
        self.db.add(record)
        self.counter.add(model.__name__)
        return record

    def days_ago(self, days: int | None) -> dt.date | None:
        return None if days is None else self.today - dt.timedelta(days=days)

    def password_hash(self) -> str:
        if self._password_hash is None:
            self._password_hash = hash_password(DEMO_PASSWORD)
        return self._password_hash

    # --- Building blocks ------------------------------------------------------------------

    def organisations(self) -> None:
        for key, name, region, address, phone in nagano.CENTRES:
            self.ensure(
                Organisation,
                key,
                name=name,
                kind="child_guidance_centre",
                region=region,
                address=address,
                phone=phone,
            )
        for key, name, region, address, phone in nagano.AGENCIES:
            self.ensure(
                Organisation,
                key,
                name=name,
                kind="fostering_agency",
                region=region,
                address=address,
                phone=phone,
            )
        for key, name, kind, region, address, phone in nagano.FACILITIES:
            self.ensure(Organisation, key, name=name, kind=kind, region=region, address=address, phone=phone)
        for key, name, region, address, phone in nagano.MUNICIPALITIES:
            self.ensure(
                Organisation, key, name=name, kind="municipality", region=region, address=address, phone=phone
            )
        self.db.flush()

    def person(self, spec: DemoPerson) -> Person:
        person = self.ensure(
            Person,
            spec.key,
            family_name=spec.family_name,
            given_name=spec.given_name,
            family_name_kana=spec.family_kana,
            given_name_kana=spec.given_kana,
            email=spec.email,
            phone=spec.phone,
            address=spec.address,
        )
        for org_key, position in spec.positions:
            self.ensure(
                StaffPosition,
                f"{spec.key}/{org_key}/{position}",
                person_id=person.id,
                organisation_id=demo_id(org_key),
                position=position,
                start_date=self.today - dt.timedelta(days=1500),
            )
        if spec.sign_in:
            # Staff sign in with a second factor; the demo staff share a published secret.
            second_factor = (
                {"totp_secret": DEMO_TOTP_SECRET, "totp_enabled_at": clock.now()}
                if spec.positions or spec.is_admin
                else {}
            )
            self.ensure(
                Account,
                f"account/{spec.key}",
                person_id=person.id,
                email=spec.email,
                password_hash=self.password_hash(),
                is_admin=spec.is_admin,
                locale="ja",
                **second_factor,
            )
        return person

    def household(self, spec: DemoHousehold) -> None:
        self.ensure(
            Household,
            spec.key,
            name=spec.name,
            agency_id=demo_id(spec.agency),
            address=spec.address,
            phone=spec.phone,
        )
        self.db.flush()
        for member in spec.members:
            self.person(member)
            self.ensure(
                HouseholdMember,
                f"{spec.key}/{member.key}",
                household_id=demo_id(spec.key),
                person_id=demo_id(member.key),
            )

    def place_fields(self, kind: str, place: str | None, region: str) -> dict[str, Any]:
        if place is None:
            return {}
        if place.startswith("hh-"):
            household = next(h for h in nagano.HOUSEHOLDS if h.key == place)
            return {"household_id": demo_id(place), "agency_id": demo_id(household.agency)}
        return {"facility_id": demo_id(place)}

    def child(self, plan: ChildPlan) -> None:
        child = self.ensure(
            Child,
            plan.key,
            family_name=plan.family_name,
            given_name=plan.given_name,
            family_name_kana=plan.family_kana,
            given_name_kana=plan.given_kana,
            date_of_birth=plan.date_of_birth,
            sex=plan.sex,
            responsible_centre_id=demo_id(plan.centre),
            lead_caseworker_id=demo_id(plan.lead),
            school_name=plan.school,
        )
        for spec in plan.new_people:
            self.person(spec)
        self.db.flush()
        for index, (kind, started, ended, place, reason) in enumerate(plan.placements):
            self.ensure(
                Placement,
                f"{plan.key}/placement/{index}",
                child_id=child.id,
                kind=kind,
                start_date=self.days_ago(started),
                end_date=self.days_ago(ended),
                end_reason=reason,
                **self.place_fields(kind, place, plan.region),
            )
        for person_key, role, joined, left in plan.team:
            self.ensure(
                TeamMembership,
                f"{plan.key}/team/{person_key}/{role}",
                child_id=child.id,
                person_id=demo_id(person_key),
                role=role,
                start_date=self.days_ago(joined),
                end_date=self.days_ago(left),
            )
        for index, (category, title, body, audience) in enumerate(plan.items):
            self.ensure(
                CaseItem,
                f"{plan.key}/item/{index}",
                child_id=child.id,
                category=category,
                title=title,
                body=body,
                audience=audience,
                audience_person_ids=[],
                author_id=demo_id(plan.lead),
            )
        if plan.protection_order_for:
            self.ensure(
                ProtectionOrder,
                f"{plan.key}/po/{plan.protection_order_for}",
                child_id=child.id,
                person_id=demo_id(plan.protection_order_for),
                start_date=self.today - dt.timedelta(days=300),
                note="接近禁止命令",
                recorded_by_id=demo_id(plan.lead),
            )


@dataclass
class ChildPlan:
    key: str
    family_name: str
    given_name: str
    family_kana: str
    given_kana: str
    date_of_birth: dt.date
    sex: str
    centre: str
    region: str
    lead: str
    school: str
    placements: list[tuple[str, int, int | None, str | None, str | None]]
    team: list[tuple[str, str, int, int | None]]
    items: list[tuple[str, str, str, str]] = field(default_factory=list)
    new_people: list[DemoPerson] = field(default_factory=list)
    protection_order_for: str | None = None


def featured_plan(spec: FeaturedChild, today: dt.date) -> ChildPlan:
    born = today - dt.timedelta(days=int(spec.age_years * 365.25) + spec.age_days)
    return ChildPlan(
        key=spec.key,
        family_name=spec.family_name,
        given_name=spec.given_name,
        family_kana=spec.family_kana,
        given_kana=spec.given_kana,
        date_of_birth=born,
        sex=spec.sex,
        centre=spec.centre,
        region="",
        lead=spec.lead,
        school=spec.school,
        placements=spec.placements,
        team=spec.team,
        items=spec.items,
        protection_order_for=spec.protection_order_for,
    )


def synthetic_plan(index: int, today: dt.date, prefix: str = "child") -> ChildPlan:
    """A believable child, derived from its index alone (so a rerun builds the same one)."""
    region = REGIONS[index % len(REGIONS)]
    centre = nagano.CENTRE_OF_REGION[region]
    kind = KINDS[index % len(KINDS)]
    age = AGES[index % len(AGES)]
    family, family_kana = nagano.FAMILY_NAMES[(index * 7) % len(nagano.FAMILY_NAMES)]
    female = index % 2 == 0
    names = nagano.GIVEN_FEMALE if female else nagano.GIVEN_MALE
    given, given_kana = names[(index * 5) % len(names)]
    born = today - dt.timedelta(days=age * 365 + (index * 37) % 300 + 20)
    days = DAYS_PLACED[index % len(DAYS_PLACED)]
    if age == 0:
        days = min(days, (today - born).days - 5)
    lead, coordinator, municipal, psychologist = nagano.CENTRE_STAFF[centre]
    key = f"{prefix}-{index}"
    place = _place_for(kind, region, index)
    closed = CLOSED.get(index) if prefix == "child" else None
    ended: int | None = closed[1] if closed else None
    reason = closed[0] if closed else None
    if ended is not None:
        days = max(days, ended + 60)
    placements: list[tuple[str, int, int | None, str | None, str | None]] = []
    if days > 60 and kind not in ("temporary_protection", "at_home_with_support"):
        placements.append(("temporary_protection", days + 30, days, None, "transfer"))
    placements.append((kind, days, ended, place, reason))
    parent_key = f"{key}/birth-parent"
    adult, adult_kana = nagano.GIVEN_ADULT[index % len(nagano.GIVEN_ADULT)]
    new_people = [
        DemoPerson(
            parent_key,
            family,
            adult,
            family_kana,
            adult_kana,
            "",
            f"090-1{index:03d}-{(index * 13) % 10000:04d}",
            f"長野県{_town(region)}0-{index % 9 + 1}-1",
        )
    ]
    joined = days + (30 if placements[0][0] == "temporary_protection" and len(placements) > 1 else 0)
    team: list[tuple[str, str, int, int | None]] = [
        (lead, "caseworker", joined, None),
        (parent_key, "birth_parent", joined, None),
    ]
    if place and place.startswith("hh-"):
        household = next(h for h in nagano.HOUSEHOLDS if h.key == place)
        role = "kinship_carer" if household.kinship else "foster_parent"
        team += [(m.key, role, days, None) for m in household.members]
        team.append((coordinator, "agency_coordinator", days, None))
    elif place:
        team.append((nagano.KEY_WORKER_OF_FACILITY[place], "key_worker", days, None))
    if kind == "at_home_with_support" and municipal:
        team.append((municipal, "municipal_worker", days, None))
    if psychologist and index % 3 == 0:
        team.append((psychologist, "psychologist", joined, None))
    if index % 4 == 1:
        relative = f"{key}/relative"
        new_people.append(DemoPerson(relative, family, "光子", family_kana, "みつこ", "", "", ""))
        team.append((relative, "family_member", joined, None))
    return ChildPlan(
        key=key,
        family_name=family,
        given_name=given,
        family_kana=family_kana,
        given_kana=given_kana,
        date_of_birth=born,
        sex="female" if female else "male",
        centre=centre,
        region=region,
        lead=lead,
        school="" if age < 6 else f"{_town(region)}立第{index % 3 + 1}{_school_level(age)}",
        placements=placements,
        team=team,
        new_people=new_people,
    )


def _place_for(kind: str, region: str, index: int) -> str | None:
    if kind in ("temporary_protection", "at_home_with_support"):
        return None
    if kind in ("foster_family", "kinship_foster_family"):
        kinship = kind == "kinship_foster_family"
        options = [
            h for h in nagano.HOUSEHOLDS if h.kinship == kinship and h.key not in ("hh-tanaka", "hh-suzuki")
        ]
        return options[index % len(options)].key
    facilities = [f for f in nagano.FACILITIES if f[2] == kind]
    choices = [f for f in facilities if f[3] == region] or facilities
    return choices[index % len(choices)][0]


def _school_level(age: int) -> str:
    return "小学校" if age < 12 else "中学校" if age < 15 else "高等学校"


def _town(region: str) -> str:
    return {
        "nagano": "長野市",
        "hokushin": "中野市",
        "ueda": "上田市",
        "saku": "佐久市",
        "matsumoto": "松本市",
        "kitaalps": "大町市",
        "kiso": "木曽町",
        "minamishinshu": "飯田市",
        "kamiina": "伊那市",
        "suwa": "諏訪市",
    }[region]


def load_contacts(loader: DemoLoader) -> None:
    """Neutral places for each centre, and contacts around the featured children."""
    for key, centre, name, address in nagano.PLACES:
        loader.ensure(Place, key, centre_id=demo_id(centre), name=name, address=address)
    loader.db.flush()
    for spec in nagano.CONTACTS:
        if spec.series:
            loader.ensure(
                ContactSeries,
                spec.series,
                child_id=demo_id(spec.child),
                rule="weekly",
                first_date=loader.today + dt.timedelta(days=3),
                until_date=loader.today + dt.timedelta(days=24),
                created_by_id=demo_id("caseworker1"),
            )
        day = loader.today + dt.timedelta(days=spec.days)
        starts = dt.datetime.combine(day, dt.time(spec.hour), tzinfo=TOKYO).astimezone(dt.UTC)
        # The caseworker recorded the demo's past contacts: staff's "done" counts at once.
        done = spec.status == "done"
        contact = loader.ensure(
            Contact,
            spec.key,
            child_id=demo_id(spec.child),
            kind=spec.kind,
            mode=spec.mode,
            place_kind=spec.place_kind,
            place_id=demo_id(spec.place) if spec.place else None,
            starts_at=starts,
            duration_minutes=spec.minutes,
            status=spec.status,
            facilitator_id=demo_id(spec.facilitator) if spec.facilitator else None,
            carer_present=spec.carer_present,
            call_arrangement=spec.call_arrangement,
            series_id=demo_id(spec.series) if spec.series else None,
            created_by_id=demo_id("caseworker1"),
            status_by_id=demo_id("caseworker1") if done else None,
            status_at=starts + dt.timedelta(minutes=spec.minutes) if done else None,
            done_confirmed_by_id=demo_id("caseworker1") if done else None,
            done_confirmed_at=starts + dt.timedelta(minutes=spec.minutes) if done else None,
        )
        loader.db.flush()
        answer = "accepted" if spec.status in ("confirmed", "done") else "pending"
        for person in spec.participants:
            loader.ensure(
                ContactParticipant,
                f"{spec.key}/{person}",
                contact_id=contact.id,
                person_id=demo_id(person),
                response=answer,
            )
        if spec.outcome:
            how, reaction, routines, food, sleep, comfort, next_steps = spec.outcome
            loader.ensure(
                ContactOutcome,
                f"{spec.key}/outcome",
                contact_id=contact.id,
                how_it_went=how,
                child_reaction=reaction,
                routines=routines,
                food=food,
                sleep=sleep,
                comfort_objects=comfort,
                next_steps=next_steps,
                author_id=demo_id("caseworker1"),
            )


def load_demo(
    db: Session,
    *,
    extra_children: int = 0,
    today: dt.date | None = None,
    progress: Callable[[str], Any] = lambda _: None,
) -> str:
    """Load (or complete) the demo world; returns a one-line report."""
    loader = DemoLoader(db, today or clock.today())
    loader.organisations()
    for spec in [*nagano.STAFF, *nagano.BIRTH_PARENTS, *nagano.OTHERS]:
        loader.person(spec)
    db.flush()
    for household in nagano.HOUSEHOLDS:
        loader.household(household)
    db.flush()
    for featured in nagano.FEATURED:
        loader.child(featured_plan(featured, loader.today))
    for index in range(SYNTHETIC_CHILDREN):
        loader.child(synthetic_plan(index, loader.today))
    db.flush()
    load_contacts(loader)
    db.flush()
    close_items_from_before_the_portal(loader)
    db.flush()
    if extra_children:
        load_bench_children(loader, extra_children, progress)
    if loader.counter.total() == 0:
        return "Demo data already loaded: nothing changed."
    parts = ", ".join(f"{n} {name}" for name, n in sorted(loader.counter.created.items()))
    return f"Demo data loaded: {parts}."


# The demo's placements of months and years ago were made before anyone counted due items in the
# portal: their open items are closed with that reason, as a centre starting with the portal would
# (or it sets QPI_DUE_ITEMS_FROM). Newer placements keep what is due and overdue.
COUNTED_SINCE_DAYS = 90
BEFORE_THE_PORTAL = "ポータルの利用を始める前の措置のため、記録がありません（デモ）"


def close_items_from_before_the_portal(loader: DemoLoader) -> None:
    keys = [f.key for f in nagano.FEATURED] + [f"child-{i}" for i in range(SYNTHETIC_CHILDREN)]
    children = list(loader.db.exec(select(Child).where(col(Child.id).in_([demo_id(k) for k in keys]))))
    leads = {c.id: c.lead_caseworker_id for c in children}
    since = loader.today - dt.timedelta(days=COUNTED_SINCE_DAYS)
    defaults = Settings.model_construct()  # the default periods, whatever this machine's settings say
    for item in due_items(loader.db, defaults, children, on=loader.today):
        lead = leads.get(item.child_id)
        if item.state in OPEN_STATES and item.placement_start < since and lead is not None:
            loader.ensure(
                DueItemClosure,
                f"due-closure/{item.placement_id}/{item.kind}",
                child_id=item.child_id,
                placement_id=item.placement_id,
                kind=item.kind,
                reason=BEFORE_THE_PORTAL,
                closed_by_id=lead,
                closed_at=clock.now(),
            )


def load_bench_children(loader: DemoLoader, count: int, progress: Callable[[str], Any]) -> None:
    """Many synthetic children for benchmarks, inserted in batches with progress."""
    batch = 500
    for start in range(0, count, batch):
        indexes = range(start, min(start + batch, count))
        existing = _existing_ids(loader.db, [demo_id(f"bench-{i}") for i in indexes])
        for index in indexes:
            if demo_id(f"bench-{index}") not in existing:
                loader.child(synthetic_plan(index, loader.today, prefix="bench"))
        loader.db.flush()
        loader.db.expunge_all()
        progress(f"  synthetic children: {min(start + batch, count)}/{count}")


def _existing_ids(db: Session, ids: Iterable[uuid.UUID]) -> set[uuid.UUID]:
    return set(db.exec(select(Child.id).where(col(Child.id).in_(list(ids)))))
