"""The sharing policy in use: the readable page, overrides, consent, protection orders, narrowing."""

from __future__ import annotations

import re
import uuid

from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlmodel import Session, select

from app import clock
from app.audit.models import AuditEvent
from app.demo.loader import demo_id
from tests.support import HINATA, SAKURA, YUI, Personas


def test_who_sees_what_is_readable_by_anyone_in_both_languages(app: FastAPI) -> None:
    client = TestClient(app)
    page = client.get("/sharing-policy")
    assert page.status_code == 200
    assert page.text.count('data-testid="hard-rule"') == 6
    assert "里親" in page.text and "見られない" in page.text and "保護命令" in page.text
    client.cookies.set("qpi_lang", "en")
    english = client.get("/sharing-policy").text
    assert "Foster parent" in english and "Cannot see" in english and "protection order" in english


def test_admin_override_changes_access_is_audited_and_hard_rules_stay(fresh_app: FastAPI) -> None:
    personas = Personas(fresh_app)
    admin, parent1, parent2 = personas.client("admin"), personas.api("parent1"), personas.api("parent2")
    assert "school_name" not in parent1.get(f"/api/v1/children/{SAKURA}").json()
    no_reason = admin.form(
        "/admin/sharing-policy",
        {"role": "birth_parent", "category": "whereabouts", "level": "see", "reason": ""},
    )
    assert no_reason.status_code == 422, "shown again with what is missing"
    assert "school_name" not in parent1.get(f"/api/v1/children/{SAKURA}").json(), (
        "nothing changed without reason"
    )
    admin.form(
        "/admin/sharing-policy",
        {"role": "birth_parent", "category": "whereabouts", "level": "see", "reason": "家族再統合の方針"},
    )
    assert parent1.get(f"/api/v1/children/{SAKURA}").json()["school_name"] == "ながの若里保育園"
    assert "school_name" not in parent2.get(f"/api/v1/children/{YUI}").json(), "a protection order still wins"
    assert "この環境で変更" in personas.client("foster1").get("/sharing-policy").text
    with Session(fresh_app.state.engine) as db:
        event = db.exec(select(AuditEvent).where(AuditEvent.action == "policy_change")).one()
        assert event.changes["level"] == ["none", "see"] and event.summary == "家族再統合の方針"
    admin.form(
        "/admin/sharing-policy",
        {"role": "birth_parent", "category": "whereabouts", "level": "none", "reason": "元に戻す"},
    )
    assert "school_name" not in parent1.get(f"/api/v1/children/{SAKURA}").json()
    assert personas.client("caseworker1").get("/admin/sharing-policy").status_code == 403


def test_admin_changes_a_policy_cell_from_its_current_level(fresh_app: FastAPI) -> None:
    admin = Personas(fresh_app).client("admin")
    page = admin.get("/admin/sharing-policy", params={"role": "birth_parent", "category": "whereabouts"})
    assert page.status_code == 200
    assert 'data-testid="current-level">見られない<' in page.text, "the cell's level now is shown"
    assert '<option value="none" selected' in page.text, "the change starts from the current level"
    fragment = admin.get(
        "/admin/sharing-policy",
        params={"role": "foster_parent", "category": "care_info"},
        headers={"HX-Request": "true"},
    )
    assert "<html" not in fragment.text and 'id="cell-form"' in fragment.text
    assert (
        '<option value="manage" selected' in fragment.text or '<option value="add" selected' in fragment.text
    )
    refused = admin.form(
        "/admin/sharing-policy",
        {"role": "birth_parent", "category": "whereabouts", "level": "see", "reason": ""},
    )
    assert refused.status_code == 422
    assert '<option value="see" selected' in refused.text, "the level chosen is kept after a refusal"
    admin.form(
        "/admin/sharing-policy",
        {"role": "birth_parent", "category": "whereabouts", "level": "see", "reason": "家族再統合の方針"},
    )
    history = admin.get("/admin/sharing-policy").text
    listed = history[history.index('data-testid="policy-history"') :]
    assert "実親" in listed and "見られない → 見られる" in listed and "家族再統合の方針" in listed
    assert "birth_parent/whereabouts" not in listed and "none →" not in listed, "labels, not keys"


def _foster_consent(personas: Personas, child: uuid.UUID, caseworker: str, recipient: str) -> None:
    """The foster family consents for one person and the caseworker agrees (both are needed)."""
    personas.client("foster1").form(
        f"/children/{child}/consents",
        {"kind": "share_foster_contact", "recipient_id": str(demo_id(recipient)), "give": "yes"},
    )
    page = personas.client(caseworker).get(f"/children/{child}").text
    consent_id = re.findall(r"/consents/([0-9a-f-]{36})/agree", page)[0]
    personas.client(caseworker).form(f"/children/{child}/consents/{consent_id}/agree", {"agree": "yes"})


def test_foster_family_consent_shares_address_with_birth_family(fresh_app: FastAPI) -> None:
    personas = Personas(fresh_app)
    foster, parent = personas.client("foster1"), personas.api("parent1")

    def place() -> dict[str, str]:
        return parent.get(f"/api/v1/children/{SAKURA}").json()["current_placement"]  # type: ignore[no-any-return]

    assert "place_address" not in place() and "place_phone" not in place()
    _foster_consent(personas, SAKURA, "caseworker1", "parent1")
    assert place()["place_address"] == "長野県長野市若里0-1-2" and place()["place_phone"] == "026-000-2001"
    assert "school_name" not in parent.get(f"/api/v1/children/{SAKURA}").json(), (
        "consent is about contact only"
    )
    withdrawn = foster.form(
        f"/children/{SAKURA}/consents",
        {"kind": "share_foster_contact", "recipient_id": str(demo_id("parent1")), "give": "no"},
    )
    assert withdrawn.status_code == 303
    assert "place_address" not in place()


def test_consent_does_not_reach_someone_under_a_protection_order(fresh_app: FastAPI) -> None:
    personas = Personas(fresh_app)
    _foster_consent(personas, HINATA, "caseworker1", "parent2")
    parent2 = personas.api("parent2")
    assert parent2.get(f"/api/v1/children/{HINATA}").json()["current_placement"]["place_address"]
    caseworker = personas.client("caseworker1")
    caseworker.form(
        f"/children/{HINATA}/protection-orders",
        {"person_id": str(demo_id("parent2")), "start_date": clock.today().isoformat(), "note": "接近禁止"},
    )
    placement = parent2.get(f"/api/v1/children/{HINATA}").json()["current_placement"]
    assert "place_address" not in placement and "place_phone" not in placement
    team = parent2.get(f"/api/v1/children/{HINATA}/team").json()
    assert all("name" not in m for m in team if m["role"] == "foster_parent"), "the carers become unnamed"


def test_protection_order_needs_a_family_member_and_can_end(fresh_app: FastAPI) -> None:
    caseworker = Personas(fresh_app).client("caseworker1")
    wrong = caseworker.form(
        f"/children/{SAKURA}/protection-orders",
        {"person_id": str(demo_id("foster1")), "start_date": clock.today().isoformat()},
        follow_redirects=True,
    )
    assert "チームにいる子どもの家族" in wrong.text
    caseworker.form(f"/children/{SAKURA}/protection-orders", {"person_id": str(demo_id("parent1"))})
    page = caseworker.get(f"/children/{SAKURA}").text
    order_id = re.search(r"/protection-orders/([0-9a-f-]{36})/end", page).group(1)  # type: ignore[union-attr]
    parent = Personas(fresh_app).api("parent1")
    assert all(
        "name" not in m
        for m in parent.get(f"/api/v1/children/{SAKURA}/team").json()
        if m["role"] == "foster_parent"
    )
    caseworker.form(
        f"/children/{SAKURA}/protection-orders/{order_id}/end", {"end_date": clock.today().isoformat()}
    )
    assert any(
        "name" in m
        for m in parent.get(f"/api/v1/children/{SAKURA}/team").json()
        if m["role"] == "foster_parent"
    )


def test_author_narrows_to_professionals_and_to_named_people(fresh_app: FastAPI) -> None:
    personas = Personas(fresh_app)
    caseworker = personas.client("caseworker1")
    # Foster parents may see legal matters but not manage them, so "professionals only" excludes them.
    caseworker.form(
        f"/children/{SAKURA}/items",
        {"category": "legal", "title": "審判の日程", "body": "NARROWPRO", "audience": "professionals"},
    )
    assert "NARROWPRO" in personas.api("coordinator").get(f"/api/v1/children/{SAKURA}/items").text
    assert "NARROWPRO" not in personas.api("foster1").get(f"/api/v1/children/{SAKURA}/items").text
    page = caseworker.get(f"/children/{SAKURA}/items/new?category=care_info").text
    foster1 = str(demo_id("foster1"))
    assert f'value="{foster1}"' in page
    response = caseworker.form(
        f"/children/{SAKURA}/items",
        {
            "category": "care_info",
            "title": "名前指定",
            "body": "NARROWNAMED",
            "audience": "named",
            "named": [foster1],
        },
    )
    assert response.status_code == 303
    assert "NARROWNAMED" in personas.api("foster1").get(f"/api/v1/children/{SAKURA}/items").text
    assert "NARROWNAMED" not in personas.api("parent1").get(f"/api/v1/children/{SAKURA}/items").text
    assert "NARROWNAMED" in personas.api("supervisor").get(f"/api/v1/children/{SAKURA}/items").text, (
        "those who manage the category always see"
    )


def test_naming_someone_who_may_not_see_the_category_is_refused(fresh_app: FastAPI) -> None:
    caseworker = Personas(fresh_app).client("caseworker1")
    response = caseworker.form(
        f"/children/{SAKURA}/items",
        {
            "category": "assessments",
            "title": "広げる試み",
            "body": "x",
            "audience": "named",
            "named": [str(demo_id("parent1"))],
        },
    )
    assert response.status_code == 422
    assert "狭めることしかできません" in response.text and 'value="広げる試み"' in response.text


def test_every_item_says_who_can_see_it(personas: Personas) -> None:
    page = personas.client("foster1").get(f"/children/{SAKURA}").text
    items = page.count('data-testid="item"')
    assert items >= 4
    assert page.count('class="visibility"') >= items + 3, "each item and each section says who sees it"


def test_item_edit_conflict_keeps_both_versions(fresh_app: FastAPI) -> None:
    personas = Personas(fresh_app)
    first, second = personas.client("caseworker1"), personas.client("supervisor")
    first.form(
        f"/children/{SAKURA}/items",
        {"category": "care_info", "title": "元の題", "body": "元", "audience": "team"},
    )
    page = first.get(f"/children/{SAKURA}").text
    item = re.search(r"/items/([0-9a-f-]{36})/edit\">[^<]*</a>[^<]*(?:<[^>]*>[^<]*)*", page)
    item_id = re.findall(r"/items/([0-9a-f-]{36})/edit", page)[0]
    assert item is not None
    form = {"title": "一人目", "body": "A", "audience": "team", "version": "1"}
    assert first.form(f"/children/{SAKURA}/items/{item_id}/edit", form).status_code == 303
    stale = second.form(f"/children/{SAKURA}/items/{item_id}/edit", {**form, "title": "二人目"})
    assert stale.status_code == 409 and 'value="二人目"' in stale.text and "一人目" in stale.text
