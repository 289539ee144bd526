"""The sharing matrix read against the seeds (issue 7, point 8): one test per bullet. The matrix
test (tests/authz/test_matrix.py) checks the same cells route by route from sharing_policy.toml."""

from __future__ import annotations

import uuid

from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlmodel import Session, col, select

from app.authz.actor import Actor
from app.authz.scope import child_access
from app.caseinfo import service as caseinfo
from app.caseinfo.models import CaseItem
from app.children.models import Child
from app.demo.loader import demo_id
from app.people.models import Person
from app.sharing import consents
from app.teams import service as team_service
from app.teams.models import TeamMembership
from tests.support import SAKURA, YUI, Personas


def _actor(db: Session, key_or_id: str | uuid.UUID) -> Actor:
    person_id = key_or_id if isinstance(key_or_id, uuid.UUID) else demo_id(key_or_id)
    person = db.get(Person, person_id)
    assert person is not None
    return Actor(
        person_id=person.id, account_id=person.id, display_name=person.display_name, email="", locale="ja"
    )


def _phone_of(personas: Personas, reader: str, person: str) -> str | None:
    team = personas.api(reader).get(f"/api/v1/children/{SAKURA}/team").json()
    return next(m for m in team if m.get("person_id") == str(demo_id(person))).get("phone")  # type: ignore[no-any-return]


def test_the_carer_sees_a_parents_number_with_her_consent_so_the_carer_can_call(fresh_app: FastAPI) -> None:
    """Seed 000: 子どもの情報（特に、実親との関係、実親情報）の共有不足; QPI policy 2."""
    personas = Personas(fresh_app)
    assert _phone_of(personas, "foster1", "parent1") is None, "not without her consent"
    page = personas.client("parent1").get(f"/children/{SAKURA}").text
    assert str(demo_id("foster1")) in page.split('data-testid="family-consents"')[1], (
        "she may choose the carer"
    )
    personas.client("parent1").form(
        f"/children/{SAKURA}/consents",
        {"kind": "share_family_contact", "recipient_id": str(demo_id("foster1")), "give": "yes"},
    )
    assert _phone_of(personas, "foster1", "parent1") == "090-0000-3001"
    with Session(fresh_app.state.engine) as db:
        spouse = child_access(db, _actor(db, "foster1-spouse"), SAKURA)
        members = {m.person_id: m for m in team_service.team_members(db, spouse)}
        assert members[demo_id("parent1")].phone is None, "per recipient: only the carer she chose"
    comfort = personas.api("foster1").get(f"/api/v1/children/{SAKURA}/contacts/{demo_id('sakura-comfort')}")
    mother = next(p for p in comfort.json()["participants"] if p.get("person_id") == str(demo_id("parent1")))
    assert mother["phone"] == "090-0000-3001", "the number is there when the comfort call is due"


def _kinship_child(db: Session) -> tuple[uuid.UUID, uuid.UUID, uuid.UUID]:
    """A demo child placed with relatives: (child, kinship carer, birth parent)."""
    carers = db.exec(select(TeamMembership).where(TeamMembership.role == "kinship_carer")).all()
    for carer in carers:
        parent = db.exec(
            select(TeamMembership).where(
                TeamMembership.child_id == carer.child_id, TeamMembership.role == "birth_parent"
            )
        ).first()
        if parent is not None:
            return carer.child_id, carer.person_id, parent.person_id
    raise AssertionError("the demo has a child in kinship care with a birth parent on the team")


def test_a_kinship_carer_is_family_not_a_stranger_to_it(fresh_app: FastAPI) -> None:
    """Seed 002: パーマネンシーゴール③ 親族等による養育; (4) こどものつながりを維持する."""
    with Session(fresh_app.state.engine) as db:
        child_id, carer_id, parent_id = _kinship_child(db)
        carer = child_access(db, _actor(db, carer_id), child_id)
        assert carer.may_share_own_contact, "a relative shares their own details as family does"
        assert parent_id in {c.person_id for c in consents.family_choices(db, carer)}
        consents.set_consent(db, carer, "share_family_contact", parent_id, True)
        db.commit()
        parent = child_access(db, _actor(db, parent_id), child_id)
        seen = {m.person_id: m for m in team_service.team_members(db, parent)}
        assert seen[carer_id].phone, "the parent sees the relative's number on the relative's own consent"
        # and the other way round, as for any carer, with the parent's consent
        assert not {m.person_id: m for m in team_service.team_members(db, carer)}[parent_id].phone
        consents.set_consent(db, parent, "share_family_contact", carer_id, True)
        db.commit()
        carer = child_access(db, _actor(db, carer_id), child_id)
        assert {m.person_id: m for m in team_service.team_members(db, carer)}[parent_id].phone


def test_birth_parents_add_to_care_information(fresh_app: FastAPI) -> None:
    """Seed 002 (7): 安心コールの活用 — routines, food, sleep, comfort objects come from the parent."""
    personas = Personas(fresh_app)
    added = personas.client("parent1").form(
        f"/children/{SAKURA}/items",
        {
            "category": "care_info",
            "title": "好きな歌",
            "body": "寝る前に「ぞうさん」を歌うと落ち着く",
            "audience": "team",
        },
    )
    assert added.status_code == 303
    assert "ぞうさん" in personas.api("foster1").get(f"/api/v1/children/{SAKURA}/items").text


def test_carers_and_birth_parents_add_their_views_to_the_permanency_plan(fresh_app: FastAPI) -> None:
    """Seed 000 QPI policy 4 (意見を聞き、考慮される); seed 002 意見・意向."""
    personas = Personas(fresh_app)
    for key, view in (("foster1", "里親の意見IKEN1"), ("parent1", "母の意向IKEN2")):
        response = personas.client(key).form(
            f"/children/{SAKURA}/items",
            {"category": "permanency_plan", "title": "意見", "body": view, "audience": "team"},
        )
        assert response.status_code == 303, key
    plan = personas.api("caseworker1").get(f"/api/v1/children/{SAKURA}/items").text
    assert "IKEN1" in plan and "IKEN2" in plan


def test_a_supporter_sees_care_information_only_where_the_team_names_them(fresh_app: FastAPI) -> None:
    """Care information holds health details: a supporter's defaults exclude them."""
    with Session(fresh_app.state.engine) as db:
        supporter_id = demo_id("supporter-peer")
        caseworker = child_access(db, _actor(db, "caseworker1"), SAKURA)
        named = caseinfo.add_item(
            db,
            caseworker,
            caseinfo.ItemIn(
                category="care_info",
                title="公園",
                body="公園遊びが好き",
                audience="named",
                named=[str(supporter_id)],
            ),
        )
        db.commit()
        supporter = child_access(db, _actor(db, supporter_id), SAKURA)
        seen = {i.id for i in caseinfo.readable_items(db, supporter)}
        allergy = db.exec(
            select(CaseItem).where(CaseItem.child_id == SAKURA, CaseItem.title == "卵アレルギー")
        ).one()
        assert allergy.id not in seen, "the allergy (health) is not a supporter's by default"
        assert named.id in seen, "the team widened it, item by item"
        assert not supporter.explain_item(allergy).allowed


def test_under_a_protection_order_no_message_to_the_carers(fresh_app: FastAPI) -> None:
    """Hard rule protection_order: no way to the carers, also not by a message."""
    personas = Personas(fresh_app)
    parent2 = personas.client("parent2")
    refused = parent2.form(
        f"/children/{YUI}/items",
        {"category": "messages", "title": "連絡", "body": "里親さんへMSGTEXT", "audience": "team"},
    )
    assert refused.status_code == 422 and "専門職" in refused.text and "MSGTEXT" in refused.text
    foster2 = str(demo_id("foster2"))
    named = parent2.form(
        f"/children/{YUI}/items",
        {"category": "messages", "title": "連絡", "body": "MSGTEXT", "audience": "named", "named": [foster2]},
    )
    assert named.status_code == 422
    sent = parent2.form(
        f"/children/{YUI}/items",
        {"category": "messages", "title": "連絡", "body": "担当さんへMSGPRO", "audience": "professionals"},
    )
    assert sent.status_code == 303
    assert "MSGPRO" not in personas.api("foster2").get(f"/api/v1/children/{YUI}/items").text
    assert "MSGPRO" in personas.api("caseworker2").get(f"/api/v1/children/{YUI}/items").text


def test_under_a_protection_order_no_school_name_in_care_information(fresh_app: FastAPI) -> None:
    with Session(fresh_app.state.engine) as db:
        child = db.get(Child, YUI)
        assert child is not None and child.school_name
        school = child.school_name
    personas = Personas(fresh_app)
    for category in ("care_info", "documents", "daily_log"):
        personas.client("caseworker2").form(
            f"/children/{YUI}/items",
            {
                "category": category,
                "title": f"{school}の行事",
                "body": f"{school}で運動会",
                "audience": "team",
            },
        )
    for page in (
        personas.api("parent2").get(f"/api/v1/children/{YUI}/items").text,
        personas.client("parent2").get(f"/children/{YUI}").text,
    ):
        assert "運動会" in page and school not in page
    assert school in personas.api("foster2").get(f"/api/v1/children/{YUI}/items").text
    with Session(fresh_app.state.engine) as db:
        stored = db.exec(select(CaseItem).where(col(CaseItem.body).contains("運動会"))).all()
        assert all(school in item.body for item in stored), "the stored text stays as written"


def test_the_who_sees_what_page_gives_each_change_with_its_seed() -> None:
    from app.authz.policy import default_policy

    policy = default_policy()
    for key in (
        "carers_see_family_contact",
        "kinship_carer_is_family",
        "birth_parents_add_care_info",
        "views_on_the_plan",
        "supporter_health",
        "foster_consent_per_recipient",
    ):
        assert "資料0" in policy.reasons[key].seed.ja and "Seed 0" in policy.reasons[key].seed.en


def test_the_reasons_are_on_the_page(app: FastAPI) -> None:
    page = TestClient(app).get("/sharing-policy").text
    assert page.count('data-testid="policy-reason"') >= 6 and "資料000" in page
