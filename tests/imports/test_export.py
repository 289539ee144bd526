"""Export of a centre's caseload (issue 8.4): the import's columns, CSV with a BOM and .xlsx, and no
cell that Excel would run as a formula, in this export and in the access log's CSV."""

from __future__ import annotations

import csv
import datetime as dt
import io
from typing import Any

import pytest
from openpyxl import load_workbook
from sqlmodel import Session

from app.demo.loader import demo_id
from app.exports.cells import csv_text, xlsx_bytes
from app.people.models import Person
from tests.imports.caseload import HEADERS, child_rows, to_csv
from tests.support import SAKURA, Personas

DANGEROUS = ["=1+1", "+1", "-1", "@SUM(A1)", "\tx", "\rx"]


def test_every_dangerous_start_is_written_as_text() -> None:
    rows: list[list[Any]] = [[value, 5, dt.date(2025, 4, 1), None] for value in DANGEROUS]
    text = csv_text(["a", "b", "c", "d"], rows)
    assert text.startswith("\ufeff")
    read = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
    assert [r[0] for r in read[1:]] == ["'" + v for v in DANGEROUS]
    assert read[1][1:] == ["5", "2025-04-01", ""]
    sheet = load_workbook(io.BytesIO(xlsx_bytes([("s", ["a", "b"], rows)]))).worksheets[0]
    for cell in sheet["A"][1:]:
        assert cell.data_type == "s" and str(cell.value).startswith("'")
    assert sheet["B2"].value == 5


def _imported(personas: Personas, rows: list[dict[str, str]]) -> None:
    api = personas.api("supervisor")
    preview = api.post("/api/v1/imports", files={"file": ("c.csv", to_csv(rows, "utf-8"), "text/csv")})
    assert preview.json()["problems"] == [], preview.text
    assert api.post(f"/api/v1/imports/{preview.json()['id']}/confirm").status_code == 200


def test_the_export_has_the_import_columns_and_imports_again_unchanged(fresh_personas: Personas) -> None:
    _imported(fresh_personas, child_rows(31, 名='=HYPERLINK("http://x")', 氏="-移行"))
    client = fresh_personas.client("supervisor")
    answer = client.get("/exports/caseload.csv")
    assert answer.status_code == 200 and answer.content.startswith(b"\xef\xbb\xbf")
    assert "attachment" in answer.headers["content-disposition"]
    rows = list(csv.reader(io.StringIO(answer.content.decode("utf-8-sig"))))
    assert rows[0] == HEADERS
    ours = [r for r in rows if r[1] == "R-00031"]
    assert len(ours) == 2
    assert ours[0][2] == "'-移行" and ours[0][3].startswith("'=HYPERLINK")
    assert {r[11] for r in ours} == {"一時保護", "里親家庭"} and ours[1][15] == "田中家"
    assert "ito.naoko@example.jp" in ours[0][10]
    workbook = load_workbook(io.BytesIO(client.get("/exports/caseload.xlsx").content))
    sheet = workbook.worksheets[0]
    assert [c.value for c in sheet[1]] == HEADERS
    names = [row[3].value for row in sheet.iter_rows(min_row=2) if row[1].value == "R-00031"]
    assert names and all(str(n).startswith("'=") for n in names)
    # Taken out and brought back in: nothing changes (children registered without a case number,
    # like the demo's, cannot be keyed and are left out here; the preview would list them).
    keyed = "\r\n".join(
        line
        for line in answer.content.decode("utf-8-sig").split("\r\n")
        if ",R-" in line or line.startswith("児童相談所")
    )
    again = fresh_personas.api("supervisor").post(
        "/api/v1/imports", files={"file": ("export.csv", keyed.encode("utf-8"), "text/csv")}
    )
    body = again.json()
    assert body["problems"] == [] and body["summary"]["children_unchanged"] == 1, again.text[:2000]
    assert body["summary"]["children_updated"] == 0


@pytest.mark.parametrize("key", ["caseworker1", "foster1", "parent1"])
def test_only_those_who_may_import_may_export(personas: Personas, key: str) -> None:
    assert personas.client(key).get("/exports/caseload.csv").status_code == 404
    assert personas.client(key).get("/exports/caseload.xlsx").status_code == 404


def test_the_access_log_csv_writes_formulas_as_text(fresh_app: Any, fresh_personas: Personas) -> None:
    with Session(fresh_app.state.engine) as db:
        supervisor = db.get(Person, demo_id("supervisor"))
        assert supervisor is not None
        supervisor.family_name = "=cmd|'/c calc'!A1"
        db.add(supervisor)
        db.commit()
    client = fresh_personas.client("supervisor")
    assert client.get(f"/children/{SAKURA}").status_code == 200  # a view, in the log under that name
    export = client.get(f"/children/{SAKURA}/access-log.csv")
    assert export.status_code == 200
    cells = [cell for row in csv.reader(io.StringIO(export.content.decode("utf-8-sig"))) for cell in row]
    assert any(cell.startswith("'=cmd") for cell in cells)
    assert not any(cell.startswith(("=", "+", "-", "@")) for cell in cells)
