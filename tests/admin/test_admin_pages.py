"""Administrators manage organisations and people (and nothing of the children)."""

from __future__ import annotations

import re

from fastapi import FastAPI
from sqlmodel import Session, col, select

from app.accounts.models import WebSession
from app.demo.loader import demo_id
from tests.support import Personas


def test_create_organisation_with_errors_then_success(fresh_app: FastAPI) -> None:
    client = Personas(fresh_app).client("admin")
    bad = client.form("/admin/organisations", {"name": "", "kind": "nonsense", "region": "nagano"})
    assert bad.status_code == 422
    assert "この項目を入力してください。" in bad.text
    good = client.form(
        "/admin/organisations",
        {
            "name": "里親支援センターきそ",
            "kind": "fostering_agency",
            "region": "kiso",
            "address": "木曽町",
            "phone": "",
        },
    )
    assert good.status_code == 303
    assert "里親支援センターきそ" in client.get("/admin/organisations").text


def test_editing_an_organisation_changed_meanwhile_answers_409(fresh_app: FastAPI) -> None:
    personas = Personas(fresh_app)
    first, second = personas.client("admin"), personas.sign_in("admin@example.jp")
    org = demo_id("agency-suwa")
    form = {
        "name": "里親支援センターすわ",
        "kind": "fostering_agency",
        "region": "suwa",
        "address": "諏訪市",
        "phone": "0266-00-0204",
        "version": "1",
    }
    assert first.form(f"/admin/organisations/{org}/edit", form).status_code == 303
    stale = second.form(f"/admin/organisations/{org}/edit", {**form, "phone": "0266-99-9999"})
    assert stale.status_code == 409
    assert 'value="0266-99-9999"' in stale.text and "諏訪市" in stale.text


def test_archive_organisation_needs_a_reason(fresh_app: FastAPI) -> None:
    client = Personas(fresh_app).client("admin")
    org = demo_id("muni-saku")
    assert client.form(f"/admin/organisations/{org}/archive", {"reason": ""}).status_code == 303
    assert "佐久市こども家庭センター" in client.get("/admin/organisations").text
    client.form(f"/admin/organisations/{org}/archive", {"reason": "統合"})
    assert "佐久市こども家庭センター" not in client.get("/admin/organisations").text


def test_create_person_with_sign_in_and_position(fresh_app: FastAPI) -> None:
    personas = Personas(fresh_app)
    client = personas.client("admin")
    created = client.form(
        "/admin/people", {"family_name": "新井", "given_name": "花", "email": "arai@example.jp"}
    )
    assert created.status_code == 303
    person_page = created.headers["location"]
    weak = client.form(f"{person_page}/account", {"email": "arai@example.jp", "password": "12345678"})
    assert weak.status_code == 422 and "よく使われている" in weak.text
    ok = client.form(
        f"{person_page}/account", {"email": "arai@example.jp", "password": "a long unusual phrase"}
    )
    assert ok.status_code == 303
    centre = str(demo_id("centre-suwa"))
    assert (
        client.form(
            f"{person_page}/positions", {"organisation_id": centre, "position": "caseworker"}
        ).status_code
        == 303
    )
    assert "児童福祉司" in client.get(person_page).text
    new_client = personas.sign_in("arai@example.jp", "a long unusual phrase")
    assert new_client.get("/children").status_code == 200


def test_disabling_a_person_ends_all_their_sessions(fresh_app: FastAPI) -> None:
    personas = Personas(fresh_app)
    victim = personas.client("foster2")
    assert victim.get("/children").status_code == 200
    admin = personas.client("admin")
    assert admin.form(f"/admin/people/{demo_id('foster2')}/disable").status_code == 303
    assert victim.get("/children").status_code == 303, "signed out at once"
    with Session(fresh_app.state.engine) as db:
        live = db.exec(
            select(WebSession).where(
                WebSession.person_id == demo_id("foster2"), col(WebSession.ended_at).is_(None)
            )
        ).all()
        assert live == []
    anonymous = personas.anonymous()
    anonymous.remember_csrf(anonymous.get("/sign-in").text)
    again = anonymous.form("/sign-in", {"email": "foster2@example.jp", "password": "nagano-qpi-demo"})
    assert again.status_code == 401


def test_admin_cannot_disable_themselves(fresh_app: FastAPI) -> None:
    client = Personas(fresh_app).client("admin")
    response = client.form(f"/admin/people/{demo_id('admin')}/disable", follow_redirects=True)
    assert "自分のアカウントは停止できません" in response.text


def test_people_search(personas: Personas) -> None:
    page = personas.client("admin").get("/admin/people", params={"q": "田中"}).text
    names = set(re.findall(r">(田中 [^<]+)</a>", page))
    assert names == {"田中 裕子", "田中 誠"}
