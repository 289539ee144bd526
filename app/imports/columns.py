"""The columns of the caseload spreadsheet, shared by the import, the template and the export.

The shape is one row per placement, with the child's columns repeated on each of the child's rows:
what a centre can fill in Excel without merged cells or column groups. A child with three
placements (temporary protection, then an infant home, then a foster family) takes three rows
with the same case number. Headers are in Japanese; the English ones are accepted too.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

from app.i18n import N_


@dataclass(frozen=True)
class Column:
    key: str
    japanese: str
    english: str
    required: bool = False
    aliases: tuple[str, ...] = ()

    @property
    def label(self) -> str:
        """For messages: the English text is the msgid, translated to the reader's language."""
        return self.english


COLUMNS: tuple[Column, ...] = (
    Column("centre", "児童相談所", N_("Centre"), aliases=("担当児童相談所",)),
    Column("case_number", "ケース番号", N_("Case number"), required=True, aliases=("児童番号",)),
    Column("family_name", "氏", N_("Family name"), required=True, aliases=("姓",)),
    Column("given_name", "名", N_("Given name"), required=True),
    Column(
        "family_name_kana",
        "氏（ふりがな）",
        N_("Family name (kana)"),
        aliases=("氏（カナ）", "姓（ふりがな）"),
    ),
    Column("given_name_kana", "名（ふりがな）", N_("Given name (kana)"), aliases=("名（カナ）",)),
    Column("date_of_birth", "生年月日", N_("Date of birth"), required=True),
    Column("date_of_birth_estimated", "生年月日は推定", N_("Date of birth estimated"), aliases=("推定",)),
    Column("sex", "性別", N_("Sex"), required=True),
    Column("lead_caseworker", "担当児童福祉司", N_("Lead caseworker"), aliases=("担当者",)),
    Column("team_members", "チームメンバー", N_("Team members"), aliases=("チーム",)),
    Column("placement_kind", "措置種別", N_("Placement kind"), required=True, aliases=("措置等",)),
    Column("placement_start", "開始日", N_("Placement start"), required=True, aliases=("措置開始日",)),
    Column("placement_end", "終了日", N_("Placement end"), aliases=("措置終了日",)),
    Column("end_reason", "終了理由", N_("End reason")),
    Column("placement_place", "委託先", N_("Foster family or facility"), aliases=("委託先（里親・施設）",)),
)

BY_KEY = {c.key: c for c in COLUMNS}
# Several people may be named in one cell; Excel users separate them in many ways.
MEMBER_SEPARATORS = (";", "；", "、", ",", "，", "\n", "／", "/")


def header_key(text: str) -> str:
    """A header as people type it: full-width or half-width, any case, spaces ignored."""
    return unicodedata.normalize("NFKC", text or "").replace(" ", "").replace("\u3000", "").lower()


HEADERS: dict[str, str] = {}
for _column in COLUMNS:
    for _name in (_column.key, _column.japanese, _column.english, *_column.aliases):
        HEADERS[header_key(_name)] = _column.key


def split_members(cell: str) -> list[str]:
    text = cell
    for separator in MEMBER_SEPARATORS[1:]:
        text = text.replace(separator, MEMBER_SEPARATORS[0])
    return [part.strip() for part in text.split(MEMBER_SEPARATORS[0]) if part.strip()]
