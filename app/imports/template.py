"""The downloadable template: the Japanese headers, two example rows (one child who went from
temporary protection to a foster family), and in the .xlsx a sheet explaining each column."""

from __future__ import annotations

from app.exports.cells import Cell, csv_text, xlsx_bytes
from app.i18n import gettext
from app.imports.columns import COLUMNS

EXAMPLE: list[dict[str, str]] = [
    {
        "centre": "長野県中央児童相談所",
        "case_number": "R7-0001",
        "family_name": "長野",
        "given_name": "はな",
        "family_name_kana": "ながの",
        "given_name_kana": "はな",
        "date_of_birth": "2019/4/1",
        "date_of_birth_estimated": "",
        "sex": "女",
        "lead_caseworker": "caseworker1@example.jp",
        "team_members": "心理 花子; coordinator@example.jp",
        "placement_kind": "一時保護",
        "placement_start": "令和7年3月1日",
        "placement_end": "令和7年4月1日",
        "end_reason": "措置変更",
        "placement_place": "",
    },
    {
        "centre": "長野県中央児童相談所",
        "case_number": "R7-0001",
        "family_name": "長野",
        "given_name": "はな",
        "family_name_kana": "ながの",
        "given_name_kana": "はな",
        "date_of_birth": "2019/4/1",
        "date_of_birth_estimated": "",
        "sex": "女",
        "lead_caseworker": "caseworker1@example.jp",
        "team_members": "心理 花子; coordinator@example.jp",
        "placement_kind": "里親",
        "placement_start": "R7.4.1",
        "placement_end": "",
        "end_reason": "",
        "placement_place": "田中家",
    },
]


def explanations() -> list[tuple[str, str, str]]:
    """(header, required, what to write) for each column, in the reader's language."""
    notes = {
        "centre": gettext("The centre's name. Blank: the centre chosen when importing."),
        "case_number": gettext(
            "The centre's case number: the key. A child with several placements takes one row "
            "per placement, with the same case number."
        ),
        "date_of_birth": gettext("2025/4/1, 2025-04-01, 令和7年4月1日, R7.4.1 or H30.4.1."),
        "date_of_birth_estimated": gettext("○ when the date of birth is an estimate; otherwise blank."),
        "sex": gettext("女, 男 or 不明."),
        "lead_caseworker": gettext("E-mail address or name of a caseworker or supervisor of the centre."),
        "team_members": gettext(
            "E-mail addresses or names on the centre's staff list, separated by ; or 、. "
            "The foster family of the current placement joins the team by itself."
        ),
        "placement_kind": gettext(
            "在宅支援, 一時保護, 乳児院, 児童養護施設, 里親, 親族里親 or ファミリーホーム."
        ),
        "placement_start": gettext("The day the placement started (same date forms as the date of birth)."),
        "placement_end": gettext(
            "Blank for the current placement. A placement ends on the day the next one starts."
        ),
        "end_reason": gettext(
            "家庭復帰, 親族による養育, 特別養子縁組, 普通養子縁組, 自立, 措置変更 or その他."
        ),
        "placement_place": gettext(
            "The foster family's or facility's name as the portal knows it "
            "(blank for temporary protection at the centre or at home)."
        ),
    }
    return [
        (c.japanese, gettext("required") if c.required else "", notes.get(c.key, gettext(c.english)))
        for c in COLUMNS
    ]


def _rows() -> list[list[Cell]]:
    return [[row[c.key] for c in COLUMNS] for row in EXAMPLE]


def template_csv() -> str:
    return csv_text([c.japanese for c in COLUMNS], _rows())


def template_xlsx() -> bytes:
    guide_header = [gettext("Column"), gettext("Required"), gettext("What to write")]
    guide: list[list[Cell]] = [list(row) for row in explanations()]
    return xlsx_bytes([("児童一覧", [c.japanese for c in COLUMNS], _rows()), ("説明", guide_header, guide)])
