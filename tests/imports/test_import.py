"""Importing a centre's caseload (issue 8.3): who may, files straight from Japanese Excel, the preview,
all or nothing, idempotent re-import, and every kind of bad input listed with its row."""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from typing import Any

import pytest
from openpyxl import load_workbook
from sqlmodel import Session, col, func, select

from app import clock
from app.children.models import Child, Placement
from app.demo.loader import demo_id
from app.imports.dates import parse_date
from app.orgs.models import StaffPosition
from app.teams.models import TeamMembership
from tests.imports.caseload import HEADERS, caseload, child_rows, to_csv, to_xlsx
from tests.support import Personas

CHUO = demo_id("centre-chuo")
MATSUMOTO = demo_id("centre-matsumoto")


def upload(personas: Personas, key: str, content: bytes, name: str = "caseload.csv", **form: str) -> Any:
    api = personas.api(key)
    return api.post(
        "/api/v1/imports",
        files={"file": (name, content, "application/octet-stream")},
        data=form,
        headers={"Accept-Language": "en"},
    )


def problems(answer: Any) -> list[tuple[int, str, str]]:
    return [(p["row"], p["column"], p["message"]) for p in answer.json()["problems"]]


def imported(app: Any, prefix: str = "R-") -> list[Child]:
    with Session(app.state.engine) as db:
        return list(db.exec(select(Child).where(col(Child.case_number).startswith(prefix))))


def count(app: Any, model: Any) -> int:
    with Session(app.state.engine) as db:
        return db.exec(select(func.count()).select_from(model)).one()


# --- Who ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("key", ["caseworker1", "foster1", "parent1", "coordinator", "keyworker"])
def test_only_supervisors_and_administrators_have_the_import(personas: Personas, key: str) -> None:
    client = personas.client(key)
    assert client.get("/imports").status_code == 404
    assert client.get("/imports/template.csv").status_code == 404
    files = {"file": ("a.csv", to_csv(child_rows(1)), "text/csv")}
    assert client.form("/imports", {"centre_id": str(CHUO)}, files=files).status_code == 404
    assert upload(personas, key, to_csv(child_rows(1))).status_code == 404


def test_a_supervisor_imports_only_for_their_own_centre(personas: Personas) -> None:
    answer = upload(personas, "supervisor", to_csv(child_rows(1)), centre_id=str(MATSUMOTO))
    assert answer.status_code == 422 and "centre_id" in answer.json()["errors"]
    assert personas.client("supervisor").get("/imports").status_code == 200


def test_an_upload_is_seen_only_by_the_person_who_made_it(personas: Personas) -> None:
    answer = upload(personas, "admin", to_csv(child_rows(1)), centre_id=str(CHUO))
    assert answer.status_code == 201, answer.text
    upload_id = answer.json()["id"]
    assert personas.api("admin").get(f"/api/v1/imports/{upload_id}").status_code == 200
    assert personas.api("supervisor").get(f"/api/v1/imports/{upload_id}").status_code == 404
    assert personas.api("supervisor").post(f"/api/v1/imports/{upload_id}/confirm").status_code == 404
    assert personas.client("supervisor").get(f"/imports/{upload_id}").status_code == 404


# --- Files straight from Japanese Excel -------------------------------------------------------


@pytest.mark.parametrize("encoding", ["cp932", "utf-8", "utf-8-sig"])
def test_csv_in_shift_jis_or_utf8_with_or_without_bom(personas: Personas, encoding: str) -> None:
    answer = upload(personas, "supervisor", to_csv(child_rows(7), encoding=encoding), name="no-extension")
    assert answer.status_code == 201, answer.text
    body = answer.json()
    assert body["problems"] == []
    assert body["summary"]["children_created"] == 1 and body["summary"]["placements_saved"] == 2
    assert [r["name"] for r in body["rows"]] == ["移行 児童7", "移行 児童7"]


def test_xlsx_is_recognised_from_its_content_with_real_date_cells(personas: Personas) -> None:
    rows: list[dict[str, Any]] = child_rows(8)
    rows[0]["生年月日"] = parse_date(rows[0]["生年月日"])  # a date cell, not text
    rows[1]["生年月日"] = rows[0]["生年月日"]
    answer = upload(personas, "supervisor", to_xlsx(rows), name="caseload.csv")  # the name lies
    assert answer.status_code == 201 and answer.json()["problems"] == [], answer.text


def test_dates_as_japanese_spreadsheets_write_them() -> None:
    day = dt.date(2025, 4, 1)
    for text in (
        "2025/4/1",
        "2025-04-01",
        "2025年4月1日",
        "令和7年4月1日",
        "R7.4.1",
        "r7/4/1",
        "２０２５／４／１",
    ):
        assert parse_date(text) == day, text
    assert parse_date("平成30年4月1日") == dt.date(2018, 4, 1)
    assert parse_date("H30.4.1") == dt.date(2018, 4, 1)
    assert parse_date("令和元年5月1日") == dt.date(2019, 5, 1)
    assert parse_date("2025/2/30") is None and parse_date("R7.13.1") is None and parse_date("昨日") is None


def test_headers_in_english_are_accepted(personas: Personas) -> None:
    from app.imports.columns import COLUMNS

    english = [c.english for c in COLUMNS]
    rows = [{e: row[j] for e, j in zip(english, HEADERS, strict=True)} for row in child_rows(9)]
    answer = upload(personas, "supervisor", to_csv(rows, "utf-8", headers=english))
    assert answer.status_code == 201 and answer.json()["problems"] == [], answer.text


# --- Preview, confirm, re-import ----------------------------------------------------------------


def test_import_creates_children_with_placements_and_teams_and_a_second_import_changes_nothing(
    fresh_app: Any, fresh_personas: Personas
) -> None:
    client = fresh_personas.client("supervisor")
    content = to_csv(caseload(3))
    files = {"file": ("caseload.csv", content, "text/csv")}
    answer = client.form("/imports", {"centre_id": str(CHUO)}, files=files)
    assert answer.status_code == 303, answer.text
    preview_url = answer.headers["location"]
    page = client.get(preview_url)
    assert page.status_code == 200 and "移行 児童2" in page.text
    assert "Children to register: 3" in page.text or "登録する子ども: 3" in page.text
    assert imported(fresh_app) == []  # nothing saved by the preview
    done = client.form(preview_url + "/confirm")
    assert done.status_code == 303, done.text
    children = imported(fresh_app)
    assert len(children) == 3
    with Session(fresh_app.state.engine) as db:
        child = db.exec(select(Child).where(Child.case_number == "R-00002")).one()
        assert child.responsible_centre_id == CHUO and child.lead_caseworker_id == demo_id("caseworker1")
        placements = db.exec(select(Placement).where(Placement.child_id == child.id)).all()
        assert sorted((p.kind, p.end_reason or "") for p in placements) == [
            ("foster_family", ""),
            ("temporary_protection", "transfer"),
        ]
        team = {
            (m.person_id, m.role)
            for m in db.exec(select(TeamMembership).where(TeamMembership.child_id == child.id))
        }
    assert (demo_id("caseworker1"), "caseworker") in team
    assert (demo_id("psychologist-chuo"), "psychologist") in team
    assert (demo_id("foster1"), "foster_parent") in team  # the Tanaka family, where the child lives now
    # The caseworker now sees the children with their team.
    assert "移行 児童2" in fresh_personas.client("caseworker1").get(f"/children/{child.id}").text
    before = (count(fresh_app, Child), count(fresh_app, Placement), count(fresh_app, TeamMembership))
    again = upload(fresh_personas, "supervisor", content)
    assert again.json()["summary"]["children_unchanged"] == 3, again.text
    assert {r["action"] for r in again.json()["rows"]} == {"unchanged"}
    confirmed = fresh_personas.api("supervisor").post(f"/api/v1/imports/{again.json()['id']}/confirm")
    assert confirmed.status_code == 200 and confirmed.json()["saved"]
    assert (count(fresh_app, Child), count(fresh_app, Placement), count(fresh_app, TeamMembership)) == before


def test_a_changed_row_updates_the_child_with_that_case_number(
    fresh_app: Any, fresh_personas: Personas
) -> None:
    api = fresh_personas.api("supervisor")
    first = upload(fresh_personas, "supervisor", to_csv(child_rows(4)))
    assert api.post(f"/api/v1/imports/{first.json()['id']}/confirm").status_code == 200
    rows = child_rows(4, 名="はるか")
    rows[1]["終了日"] = clock.today().isoformat()
    rows[1]["終了理由"] = "家庭復帰"
    second = upload(fresh_personas, "supervisor", to_csv(rows))
    assert second.json()["summary"]["children_updated"] == 1, second.text
    assert api.post(f"/api/v1/imports/{second.json()['id']}/confirm").status_code == 200
    (child,) = imported(fresh_app, "R-00004")
    assert child.given_name == "はるか"
    with Session(fresh_app.state.engine) as db:
        ended = db.exec(
            select(Placement).where(Placement.child_id == child.id, Placement.kind == "foster_family")
        ).one()
    assert ended.end_date == clock.today() and ended.end_reason == "return_home"


def test_confirm_saves_all_or_nothing(fresh_app: Any, fresh_personas: Personas) -> None:
    """The file was fine at the preview; by the confirmation the lead caseworker has left the centre:
    the confirmation lists the problem and saves none of the rows, not even the good ones."""
    rows = caseload(2, start=20)
    rows[-1]["担当児童福祉司"] = "ito.naoko@example.jp"
    rows[-2]["担当児童福祉司"] = "ito.naoko@example.jp"
    with Session(fresh_app.state.engine) as db:  # the psychologist may lead for the length of this test
        db.add(
            StaffPosition(
                person_id=demo_id("psychologist-chuo"),
                organisation_id=CHUO,
                position="caseworker",
                start_date=clock.today() - dt.timedelta(days=1),
            )
        )
        db.commit()
    preview = upload(fresh_personas, "supervisor", to_csv(rows))
    assert preview.json()["problems"] == [], preview.text
    with Session(fresh_app.state.engine) as db:
        position = db.exec(
            select(StaffPosition).where(
                StaffPosition.person_id == demo_id("psychologist-chuo"),
                StaffPosition.position == "caseworker",
            )
        ).one()
        position.end_date = clock.today()
        db.add(position)
        db.commit()
    refused = fresh_personas.api("supervisor").post(f"/api/v1/imports/{preview.json()['id']}/confirm")
    assert refused.status_code == 422 and not refused.json()["saved"]
    assert {p[0] for p in problems(refused)} == {4, 5}
    assert imported(fresh_app) == []
    page = fresh_personas.client("supervisor").form(f"/imports/{preview.json()['id']}/confirm")
    assert (
        page.status_code == 422 and 'class="errorbox"' in page.text
    )  # the preview again, never an error page
    assert imported(fresh_app) == []


# --- Bad input: listed with its row, nothing saved, never an error page -------------------------


def _refused(personas: Personas, content: bytes, name: str = "caseload.csv") -> list[tuple[int, str, str]]:
    answer = upload(personas, "supervisor", content, name=name)
    assert answer.status_code == 201, answer.text
    found = problems(answer)
    assert found, "the preview should list a problem"
    confirmed = personas.api("supervisor").post(f"/api/v1/imports/{answer.json()['id']}/confirm")
    assert confirmed.status_code == 422 and not confirmed.json()["saved"]
    page = personas.client("supervisor").get(f"/imports/{answer.json()['id']}")
    assert page.status_code == 200 and 'data-testid="import-problems"' in page.text
    assert "Confirm and save everything" not in page.text and "確定して" not in page.text
    return found


def test_a_file_that_is_neither_csv_nor_xlsx(personas: Personas) -> None:
    png = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(64)
    assert _refused(personas, png, name="caseload.csv")[0][0] == 1
    # A Word file is a zip too.
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("word/document.xml", "<w:document/>")
    assert _refused(personas, buffer.getvalue(), name="caseload.xlsx")[0][0] == 1


def test_missing_and_unknown_headers(personas: Personas) -> None:
    headers = [h for h in HEADERS if h != "生年月日"] + ["好きな食べ物"]
    found = _refused(personas, to_csv(child_rows(1), headers=headers))
    messages = " ".join(m for _, _, m in found)
    assert {r for r, _, _ in found} == {1}
    assert "生年月日" in messages and "好きな食べ物" in messages


def test_unknown_centre_and_unknown_staff(personas: Personas) -> None:
    rows = caseload(2)
    rows[0]["児童相談所"] = "長野県松本児童相談所"
    rows[2]["担当児童福祉司"] = "nobody@example.jp"
    rows[3]["担当児童福祉司"] = "nobody@example.jp"
    rows[3]["チームメンバー"] = "存在 しない人"
    found = _refused(personas, to_csv(rows))
    assert (2, "Centre") in {(r, c) for r, c, _ in found}
    assert (4, "Lead caseworker") in {(r, c) for r, c, _ in found}
    assert (5, "Team members") in {(r, c) for r, c, _ in found}


def test_problems_are_written_in_the_readers_language(personas: Personas) -> None:
    rows = child_rows(1)
    rows[0]["担当児童福祉司"] = "nobody@example.jp"
    api = personas.api("supervisor")
    api.headers["Accept-Language"] = "ja"
    answer = api.post("/api/v1/imports", files={"file": ("a.csv", to_csv(rows), "text/csv")})
    (row, column, message), *_ = problems(answer)
    assert (row, column) == (2, "担当児童福祉司")
    assert "nobody@example.jp" in message and "センターの児童福祉司" in message


def test_birth_date_in_the_future_and_placement_ending_before_it_starts(personas: Personas) -> None:
    rows = caseload(2)
    tomorrow = clock.today() + dt.timedelta(days=1)
    for row in rows[:2]:
        row["生年月日"] = tomorrow.isoformat()
    rows[2]["終了日"] = (parse_date(rows[2]["開始日"]) - dt.timedelta(days=1)).isoformat()  # type: ignore[operator]
    found = _refused(personas, to_csv(rows))
    assert (2, "Date of birth") in {(r, c) for r, c, _ in found}
    assert (3, "Date of birth") in {(r, c) for r, c, _ in found}
    assert (4, "Placement end") in {(r, c) for r, c, _ in found}


def test_overlapping_placements(personas: Personas) -> None:
    rows = child_rows(1)
    rows[0]["終了日"] = (parse_date(rows[1]["開始日"]) + dt.timedelta(days=3)).isoformat()  # type: ignore[operator]
    found = _refused(personas, to_csv(rows))
    assert [(r, c) for r, c, _ in found] == [(3, "Placement start")]
    assert "row 2" in found[0][2]


def test_a_case_number_used_twice_for_different_children(personas: Personas) -> None:
    rows = child_rows(1) + child_rows(2, ケース番号="R-00001")
    found = _refused(personas, to_csv(rows))
    assert 4 in {r for r, _, _ in found}
    assert any("R-00001" in m for _, _, m in found)


def test_a_file_over_20_mb_is_refused_with_a_message(personas: Personas) -> None:
    big = to_csv(child_rows(1)) + b"#" * (20 * 1024 * 1024)
    client = personas.client("supervisor")
    page = client.form("/imports", {"centre_id": str(CHUO)}, files={"file": ("big.csv", big, "text/csv")})
    assert page.status_code == 413 and "20 MB" in page.text and 'name="file"' in page.text
    assert upload(personas, "supervisor", big).status_code == 413


def test_templates_have_japanese_headers_and_an_example(personas: Personas) -> None:
    client = personas.client("supervisor")
    csv_file = client.get("/imports/template.csv")
    assert csv_file.status_code == 200 and csv_file.content.startswith(b"\xef\xbb\xbf")
    assert csv_file.content.decode("utf-8-sig").splitlines()[0] == ",".join(HEADERS)
    xlsx = client.get("/imports/template.xlsx")
    sheet = load_workbook(io.BytesIO(xlsx.content)).worksheets[0]
    assert [c.value for c in sheet[1]] == HEADERS and sheet["B2"].value == "R7-0001"


def test_a_second_confirm_racing_the_first_is_a_clear_409_not_a_500(
    fresh_app: Any, fresh_personas: Personas, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Two confirms of one file at once: the second planned before the first saved. It must say so
    (409, nothing half-saved), not fail on the unique case number with a 500."""
    from app.imports import service

    answer = upload(fresh_personas, "supervisor", to_csv(caseload(2)), centre_id=str(CHUO))
    upload_id = answer.json()["id"]
    plan_then = service._plan
    stale: list[Any] = []

    def plan_before_the_other_saved(db: Any, record: Any, centre: Any) -> Any:
        if not stale:
            stale.append(plan_then(db, record, centre))
        return stale[0]

    monkeypatch.setattr(service, "_plan", plan_before_the_other_saved)
    api = fresh_personas.api("supervisor")
    assert api.post(f"/api/v1/imports/{upload_id}/confirm").status_code == 200
    raced = api.post(f"/api/v1/imports/{upload_id}/confirm")
    assert raced.status_code == 409, raced.text
    assert len(imported(fresh_app)) == 2, "the first confirm's children, once"
