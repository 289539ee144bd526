"""My children and a child's page, as the people around the child see them."""

from __future__ import annotations

import datetime as dt
import uuid

from fastapi import FastAPI

from app import clock
from tests.support import HARUTO, HINATA, SAKURA, SOTA, YUI, Personas


def test_foster_parent_sees_the_children_in_their_home(personas: Personas) -> None:
    page = personas.client("foster1").get("/children")
    assert page.status_code == 200
    assert "山田 さくら" in page.text and "木村 陽葵" in page.text
    assert "木村 結衣" not in page.text, "a child on another family's team is not listed"


def test_my_children_shows_age_kind_and_days_in_placement(personas: Personas) -> None:
    page = personas.client("foster1").get("/children").text
    assert "里親家庭" in page, "placement kind, in Japanese"
    assert "240" in page, "days in placement of Sakura (placed 240 days ago)"
    assert "5歳" in page


def test_search_answers_an_htmx_fragment(personas: Personas) -> None:
    client = personas.client("caseworker1")
    fragment = client.get("/children", params={"q": "さくら"}, headers={"HX-Request": "true"})
    assert fragment.status_code == 200
    assert "<html" not in fragment.text, "an htmx request gets the results block only"
    assert "山田 さくら" in fragment.text and "木村 蒼太" not in fragment.text


def test_child_page_shows_placement_history_and_team(personas: Personas) -> None:
    page = personas.client("foster1").get(f"/children/{SAKURA}").text
    assert "田中家" in page, "the foster home is where she lives"
    assert "一時保護" in page and "措置変更" in page, "history: temporary protection, then transfer"
    for name in ("佐藤 美咲", "山田 真由美", "田中 裕子"):
        assert name in page
    assert "前田 隆" not in page, "a former member is not shown as on the team"


def test_out_of_scope_child_answers_404_like_a_missing_one(personas: Personas) -> None:
    client = personas.client("foster1")
    other = client.get(f"/children/{YUI}")
    missing = client.get(f"/children/{uuid.uuid4()}")
    assert other.status_code == missing.status_code == 404
    assert other.text.replace(str(YUI), "X") == missing.text.replace(missing.url.path.split("/")[-1], "X")


def test_malformed_child_id_is_a_404_page(personas: Personas) -> None:
    assert personas.client("foster1").get("/children/not-a-uuid").status_code == 404


def test_supervisor_sees_every_child_of_their_centre(personas: Personas) -> None:
    client = personas.client("supervisor")
    centre = client.get("/children", params={"scope": "centre"}).text
    assert "山田 さくら" in centre and "木村 蒼太" in centre
    assert "木村 結衣" not in centre, "Yui belongs to the Matsumoto centre"
    assert client.get(f"/children/{SOTA}").status_code == 200
    assert client.get(f"/children/{YUI}").status_code == 404


def test_caseworker_of_the_same_centre_but_not_on_the_team_sees_nothing(personas: Personas) -> None:
    # caseworker2 works for Matsumoto; Sakura's centre is Chuo, and caseworker2 is not on her team.
    assert personas.client("caseworker2").get(f"/children/{SAKURA}").status_code == 404


def test_admin_reads_no_case_content(personas: Personas) -> None:
    client = personas.client("admin")
    assert client.get(f"/children/{SAKURA}").status_code == 404
    assert "山田 さくら" not in client.get("/children").text
    assert client.get("/admin/organisations").status_code == 200


def test_admin_pages_are_for_admins_only(personas: Personas) -> None:
    response = personas.client("caseworker1").get("/admin/people")
    assert response.status_code == 403
    assert "管理者だけ" in response.text


def test_protection_order_hides_whereabouts_and_carers(personas: Personas) -> None:
    page = personas.client("parent2").get(f"/children/{YUI}").text
    assert "鈴木家" not in page and "県0-3-4" not in page and "県ヶ丘小学校" not in page
    assert "鈴木 一郎" not in page, "the carers stay unnamed"
    assert "あなたには共有されていません" in page
    # The same parent sees his son's children's home: no order for him.
    assert "うえだ希望の家" not in personas.client("parent2").get(f"/children/{SOTA}").text, (
        "birth parents do not see whereabouts by default"
    )
    assert "高橋 大輔" in page, "professionals are named"


def test_language_switch_to_english(personas: Personas) -> None:
    client = personas.sign_in("foster2@example.jp")
    assert client.form("/language", {"lang": "en", "next": "/children"}).status_code == 303
    page = client.get("/children").text
    assert '<html lang="en">' in page and "My children" in page and "Foster family" in page
    client.form("/language", {"lang": "ja", "next": "/children"})
    assert '<html lang="ja">' in client.get("/children").text


def test_anonymous_language_choice_is_remembered(personas: Personas) -> None:
    client = personas.anonymous()
    client.remember_csrf(client.get("/sign-in").text)
    client.form("/language", {"lang": "en", "next": "/sign-in"})
    assert "Sign in" in client.get("/sign-in").text


def test_security_headers(personas: Personas) -> None:
    response = personas.client("foster1").get(f"/children/{SAKURA}")
    assert "script-src 'self'" in response.headers["content-security-policy"]
    assert response.headers["cache-control"] == "no-store"
    assert response.headers["x-frame-options"] == "DENY"


def test_edit_form_keeps_input_and_reports_errors(personas: Personas) -> None:
    client = personas.client("caseworker1")
    response = client.form(
        f"/children/{HARUTO}/edit",
        {
            "family_name": "",
            "given_name": "陽翔",
            "version": "1",
            "date_of_birth": "2999-01-01",
            "sex": "male",
        },
    )
    assert response.status_code == 422
    assert "名前を入力してください。" in response.text or "この項目を入力してください。" in response.text
    assert 'value="2999-01-01"' in response.text, "what was typed is kept"


def test_foster_parent_cannot_open_the_edit_form(personas: Personas) -> None:
    assert personas.client("foster1").get(f"/children/{SAKURA}/edit").status_code == 404


def test_stale_edit_answers_409_and_keeps_both_versions(fresh_app: FastAPI) -> None:
    personas = Personas(fresh_app)
    first, second = personas.client("caseworker1"), personas.sign_in("supervisor@example.jp")
    birth = (clock.today() - dt.timedelta(days=5 * 365)).isoformat()
    form = {
        "family_name": "山田",
        "given_name": "さくら",
        "family_name_kana": "やまだ",
        "given_name_kana": "さくら",
        "date_of_birth": birth,
        "sex": "female",
        "school_name": "ながの若里保育園",
        "version": "1",
    }
    saved = first.form(f"/children/{SAKURA}/edit", form)
    assert saved.status_code == 303
    stale = second.form(f"/children/{SAKURA}/edit", {**form, "given_name": "サクラ"})
    assert stale.status_code == 409
    assert 'value="サクラ"' in stale.text, "the second person's input is kept in the form"
    assert birth in stale.text and 'data-testid="conflict"' in stale.text, "the saved version is shown"
    again = second.form(f"/children/{SAKURA}/edit", {**form, "given_name": "サクラ", "version": "2"})
    assert again.status_code == 303
    assert "山田 サクラ" in second.get(f"/children/{SAKURA}").text


def test_new_placement_ends_the_current_one(fresh_app: FastAPI) -> None:
    personas = Personas(fresh_app)
    client = personas.client("caseworker1")
    response = client.form(
        f"/children/{HINATA}/placements", {"kind": "childrens_home", "start_date": "", "facility_id": ""}
    )
    assert response.status_code == 422, "a missing date and facility are reported"
    page = client.get(f"/children/{HINATA}/placements/new").text
    facility = page.split('name="facility_id"')[1].split('<option value="')[2].split('"')[0]
    response = client.form(
        f"/children/{HINATA}/placements",
        {"kind": "childrens_home", "start_date": clock.today().isoformat(), "facility_id": facility},
    )
    assert response.status_code == 303
    history = client.get(f"/children/{HINATA}").text
    assert "児童養護施設" in history and "措置変更" in history


def test_ending_a_membership_ends_access(fresh_app: FastAPI) -> None:
    personas = Personas(fresh_app)
    caseworker, coordinator = personas.client("caseworker1"), personas.client("coordinator")
    assert coordinator.get(f"/children/{HINATA}").status_code == 200
    api = personas.api("caseworker1")
    team = api.get(f"/api/v1/children/{HINATA}/team").json()
    membership = next(m for m in team if m["role"] == "agency_coordinator")

    response = caseworker.form(
        f"/children/{HINATA}/team/{membership['membership_id']}/end",
        {"end_date": clock.today().isoformat(), "version": membership["version"]},
    )
    assert response.status_code == 303
    assert coordinator.get(f"/children/{HINATA}").status_code == 404, "access ends at the end date"
