"""The migration to per-recipient consent withdraws every consent that names no recipient: a foster
household's consent used to reach the whole birth family at once (issue 7, point 2)."""

from __future__ import annotations

import uuid

from fastapi import FastAPI
from sqlalchemy import Uuid, bindparam, text

from app import clock
from app.db import make_engine
from app.demo.loader import demo_id
from app.migrate import downgrade, upgrade
from app.modeling import UTCDateTime
from tests.support import SAKURA, Personas

BEFORE_PER_RECIPIENT = "5b1e2c7d9a40"


def test_household_wide_consents_are_withdrawn_and_kept(fresh_app: FastAPI) -> None:
    url = fresh_app.state.settings.database_url
    fresh_app.state.engine.dispose()
    downgrade(url, BEFORE_PER_RECIPIENT)
    old_id = uuid.uuid4()
    engine = make_engine(url)
    with engine.begin() as connection:
        connection.execute(
            text(
                "INSERT INTO consent (id, child_id, household_id, kind, given_by_id, given_at, created_at,"
                " updated_at) VALUES (:id, :child, :household, 'share_foster_contact', :by, :at, :at, :at)"
            ).bindparams(
                *(bindparam(name, type_=Uuid()) for name in ("id", "child", "household", "by")),
                bindparam("at", type_=UTCDateTime()),
            ),
            {
                "id": old_id,
                "child": SAKURA,
                "household": demo_id("hh-tanaka"),
                "by": demo_id("foster1"),
                "at": clock.now(),
            },
        )
    engine.dispose()
    upgrade(url)
    engine = make_engine(url)
    with engine.connect() as connection:
        row = connection.execute(
            text("SELECT withdrawn_at, recipient_person_id FROM consent WHERE id = :id").bindparams(
                bindparam("id", type_=Uuid())
            ),
            {"id": old_id},
        ).one()
    engine.dispose()
    assert row.withdrawn_at is not None and row.recipient_person_id is None, "withdrawn, kept on record"
    placement = (
        Personas(fresh_app).api("parent1").get(f"/api/v1/children/{SAKURA}").json()["current_placement"]
    )
    assert "place_address" not in placement, "the birth family no longer sees the foster home"
