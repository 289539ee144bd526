"""Case records are never deleted: archived with a reason, every change kept in the audit log."""

from __future__ import annotations

import pytest
from fastapi import FastAPI
from sqlmodel import Session, col, select

from app.audit.models import AuditEvent
from app.children.models import Child
from app.db import HardDeleteRefused
from tests.support import HARUTO, SOTA, Personas


def test_a_child_cannot_be_hard_deleted(fresh_app: FastAPI) -> None:
    with Session(fresh_app.state.engine) as db:
        child = db.get(Child, SOTA)
        db.delete(child)
        with pytest.raises(HardDeleteRefused):
            db.flush()


def test_archiving_needs_a_reason_and_keeps_the_record(fresh_app: FastAPI) -> None:
    client = Personas(fresh_app).client("caseworker1")
    refused = client.form(f"/children/{HARUTO}/archive", {"reason": "  "})
    assert refused.status_code == 303 and client.get(f"/children/{HARUTO}").status_code == 200
    done = client.form(f"/children/{HARUTO}/archive", {"reason": "家庭復帰によりケース終結"})
    assert done.status_code == 303
    assert "山田 陽翔" not in client.get("/children").text, "archived records leave the lists"
    assert client.get(f"/children/{HARUTO}").status_code == 200, "and stay readable by the team"
    with Session(fresh_app.state.engine) as db:
        child = db.get(Child, HARUTO)
        assert child is not None and child.archive_reason == "家庭復帰によりケース終結"


def test_every_change_is_recorded_with_before_and_after(fresh_app: FastAPI) -> None:
    api = Personas(fresh_app).api("caseworker1")
    version = api.get(f"/api/v1/children/{SOTA}").json()["version"]
    assert (
        api.patch(f"/api/v1/children/{SOTA}", json={"version": version, "given_name": "そうた"}).status_code
        == 200
    )
    with Session(fresh_app.state.engine) as db:
        event = db.exec(
            select(AuditEvent)
            .where(AuditEvent.child_id == SOTA, AuditEvent.action == "update")
            .order_by(col(AuditEvent.id).desc())
        ).first()
    assert event is not None and event.changes["given_name"] == ["蒼太", "そうた"]
    assert event.via == "token"
