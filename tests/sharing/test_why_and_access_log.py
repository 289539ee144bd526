"""Staff ask why; supervisors read and export a child's access log; the log is append-only."""

from __future__ import annotations

import pytest
from fastapi import FastAPI
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError, IntegrityError, OperationalError
from sqlmodel import Session, col, select

from app.audit.models import AuditEvent
from app.demo.loader import demo_id
from tests.support import SAKURA, Personas


def test_why_explains_a_category_for_a_person(personas: Personas) -> None:
    client = personas.client("caseworker1")
    answer = client.get(
        f"/children/{SAKURA}/why", params={"person_id": str(demo_id("parent1")), "category": "assessments"}
    ).text
    assert "見られない" in answer and "実親" in answer and "アセスメント" in answer
    answer = client.get(
        f"/children/{SAKURA}/why", params={"person_id": str(demo_id("foster1")), "category": "foster_contact"}
    ).text
    assert "見られる" in answer


def test_why_explains_the_consent_rule_and_former_members(personas: Personas) -> None:
    client = personas.client("caseworker1")
    consent = client.get(
        f"/children/{SAKURA}/why", params={"person_id": str(demo_id("parent1")), "category": "foster_contact"}
    ).text
    assert "児童福祉司もそれに同意した場合にかぎり" in consent
    former = client.get(
        f"/children/{SAKURA}/why", params={"person_id": str(demo_id("caseworker-chuo-former"))}
    ).text
    assert "チームを離れました" in former


def test_why_explains_a_narrowed_item(personas: Personas) -> None:
    client = personas.client("caseworker1")
    page = client.get(f"/children/{SAKURA}").text
    item_id = page.split("リスク評価（専門職のみ）")[1].split("/why?item_id=")[1].split('"')[0]
    answer = client.get(
        f"/children/{SAKURA}/why", params={"person_id": str(demo_id("foster1")), "item_id": item_id}
    )
    assert "専門職に限定" in answer.text and "見られない" in answer.text


def test_families_cannot_ask_why_about_others(personas: Personas) -> None:
    assert personas.client("foster1").get(f"/children/{SAKURA}/why").status_code == 404


def test_reads_of_sensitive_categories_are_logged(fresh_app: FastAPI) -> None:
    personas = Personas(fresh_app)
    personas.client("foster1").get(f"/children/{SAKURA}")
    with Session(fresh_app.state.engine) as db:
        reads = db.exec(
            select(AuditEvent).where(
                AuditEvent.actor_person_id == demo_id("foster1"), AuditEvent.action == "read"
            )
        ).all()
    categories = {e.category for e in reads}
    assert {"whereabouts", "foster_contact", "birth_family_background", "assessments", "legal"} <= categories
    assert all(e.child_id == SAKURA and e.ip == "testclient" for e in reads)


def test_supervisor_reads_and_exports_the_access_log(fresh_app: FastAPI) -> None:
    personas = Personas(fresh_app)
    supervisor = personas.client("supervisor")

    def foster_rows() -> list[str]:
        # The copied database may already hold views made by earlier tests: count what this one adds.
        return [
            line
            for line in supervisor.get(f"/children/{SAKURA}/access-log.csv").text.splitlines()
            if "田中 裕子" in line
        ]

    before = foster_rows()
    personas.client("foster1").get(f"/children/{SAKURA}")
    page = supervisor.get(f"/children/{SAKURA}/access-log")
    assert page.status_code == 200 and "田中 裕子" in page.text and "子どもの所在" in page.text
    export = supervisor.get(f"/children/{SAKURA}/access-log.csv")
    assert export.status_code == 200 and export.headers["content-type"].startswith("text/csv")
    assert export.content.startswith("\ufeff".encode())
    assert "attachment" in export.headers["content-disposition"]
    lines = export.text.splitlines()
    assert lines[0].lstrip("\ufeff").startswith("日時（日本時間）")
    assert len(foster_rows()) - len(before) == 1, (
        "one row for the foster parent's page view (was one per category)"
    )
    with Session(fresh_app.state.engine) as db:
        exports = db.exec(select(AuditEvent).where(AuditEvent.action == "export")).all()
        by_supervisor = [e for e in exports if e.actor_person_id == demo_id("supervisor")]
        assert len(by_supervisor) >= 3, "each of this test's three exports is recorded as the supervisor's"
    assert personas.client("caseworker1").get(f"/children/{SAKURA}/access-log").status_code == 404


def _refused(db: Session, statement: str) -> bool:
    try:
        db.execute(text(statement))
        db.commit()
    except (DBAPIError, IntegrityError, OperationalError):
        db.rollback()
        return True
    return False


def test_audit_log_is_append_only(fresh_app: FastAPI) -> None:
    Personas(fresh_app).client("foster1").get(f"/children/{SAKURA}")  # a read that is logged
    engine = fresh_app.state.engine
    with Session(engine) as db:
        count = len(db.exec(select(AuditEvent.id)).all())
        assert count > 0
        assert _refused(db, "UPDATE audit_event SET summary = 'changed'")
        assert _refused(db, "DELETE FROM audit_event")
        if engine.dialect.name == "postgresql":
            assert _refused(db, "TRUNCATE audit_event")
        assert len(db.exec(select(AuditEvent.id)).all()) == count
        assert db.exec(select(AuditEvent).where(col(AuditEvent.summary) == "changed")).first() is None


@pytest.mark.parametrize(
    "statement",
    [
        "INSERT INTO audit_event (at, action, entity, entity_id, summary, changes, "
        "ip, user_agent, via) VALUES (CURRENT_TIMESTAMP, 'x', 'x', '', '', '{}', '', "
        "'', '')"
    ],
)
def test_audit_log_accepts_new_rows(fresh_app: FastAPI, statement: str) -> None:
    with Session(fresh_app.state.engine) as db:
        assert not _refused(db, statement)
