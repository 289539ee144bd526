"""Helpers for the due-item tests: a clock set to a chosen moment, placements made and ended as a
caseworker does it (through the forms), contacts booked through the API, the due items read back."""

from __future__ import annotations

import calendar
import datetime as dt
import itertools
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlmodel import Session, select

from app import clock
from app.children.models import Placement
from app.demo.loader import demo_id
from app.i18n import TOKYO
from tests.support import HINATA, Personas

FAMILY = [str(demo_id(k)) for k in ("foster1", "foster1-spouse", "parent2")]


def later_year(*, leap: bool) -> int:
    """A coming year (never the current one), leap or not: the tests' dates lie ahead of the demo's."""
    return next(y for y in itertools.count(clock.today().year + 1) if calendar.isleap(y) is leap)


@contextmanager
def clock_at(day: dt.date, hour: int = 10) -> Iterator[None]:
    """Run with today = `day` (Japan time), then put the tests' clock back where it was."""
    before = clock.offset_seconds()
    clock.set_now(dt.datetime.combine(day, dt.time(hour), tzinfo=TOKYO))
    try:
        yield
    finally:
        clock.set_now(None)
        clock.advance(dt.timedelta(seconds=before))


def move_clock(day: dt.date, hour: int = 10) -> None:
    """Inside clock_at: days pass (clock_at still restores the tests' clock at the end)."""
    clock.set_now(dt.datetime.combine(day, dt.time(hour), tzinfo=TOKYO))


def caseworker(app: FastAPI) -> Personas:
    """New sessions and tokens on each call: after the clock moves a month, old sessions have expired."""
    return Personas(app)


def place(app: FastAPI, start: dt.date, child: uuid.UUID = HINATA) -> uuid.UUID:
    """The caseworker records a placement with the Tanaka family starting on `start`."""
    client = caseworker(app).client("caseworker1")
    response = client.form(
        f"/children/{child}/placements",
        {"kind": "foster_family", "start_date": start.isoformat(), "household_id": str(demo_id("hh-tanaka"))},
    )
    assert response.status_code == 303, response.text[:500]
    with Session(app.state.engine) as db:
        placement = db.exec(
            select(Placement).where(Placement.child_id == child, Placement.start_date == start)
        ).one()
        return placement.id


def end_placement(app: FastAPI, placement_id: uuid.UUID, end: dt.date, reason: str = "return_home") -> None:
    with Session(app.state.engine) as db:
        placement = db.get(Placement, placement_id)
        assert placement is not None
        child, version = placement.child_id, placement.version
    client = caseworker(app).client("caseworker1")
    response = client.form(
        f"/children/{child}/placements/{placement_id}/end",
        {"end_date": end.isoformat(), "end_reason": reason, "version": str(version)},
    )
    assert response.status_code == 303
    with Session(app.state.engine) as db:
        assert db.get(Placement, placement_id).end_date == end  # type: ignore[union-attr]


def book(
    api: TestClient, kind: str, day: dt.date, *, done: bool = False, child: uuid.UUID = HINATA
) -> dict[str, Any]:
    """Book a contact of this kind on `day` at 10:00 (or record one that happened)."""
    plan: dict[str, Any] = {
        "kind": kind,
        "mode": "in_person",
        "place_kind": "neutral",
        "place_id": str(demo_id("place-chuo-hall")),
        "date": day.isoformat(),
        "start_time": "10:00",
        "end_time": "11:00",
        "participant_ids": FAMILY,
        "record_as_done": done,
    }
    if kind == "comfort_call":
        plan.update(mode="phone", place_kind="remote", place_id=None, call_arrangement="caseworker_connects")
    response = api.post(f"/api/v1/children/{child}/contacts", json=plan)
    assert response.status_code == 201, response.text
    return dict(response.json()["contacts"][0])


def due_of(app: FastAPI, placement_id: uuid.UUID, child: uuid.UUID = HINATA) -> dict[str, dict[str, Any]]:
    """The caseworker's due items of one placement, by kind."""
    response = caseworker(app).api("caseworker1").get(f"/api/v1/children/{child}/due")
    assert response.status_code == 200
    return {d["kind"]: d for d in response.json() if d["placement_id"] == str(placement_id)}
