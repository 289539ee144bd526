"""Cell values people write for the coded fields: the code itself, its label in Japanese or English,
and the words Japanese case files use."""

from __future__ import annotations

import unicodedata
from collections.abc import Mapping
from enum import StrEnum
from functools import cache

from app.children.models import (
    END_REASON_LABELS,
    PLACEMENT_KIND_LABELS,
    SEX_LABELS,
    EndReason,
    PlacementKind,
    Sex,
)
from app.i18n import LOCALES, translate_in

EXTRA_WORDS: dict[str, str] = {
    # sex
    "女": Sex.FEMALE,
    "女性": Sex.FEMALE,
    "f": Sex.FEMALE,
    "男": Sex.MALE,
    "男性": Sex.MALE,
    "m": Sex.MALE,
    "不明": Sex.NOT_STATED,
    "未記載": Sex.NOT_STATED,
    # placement kinds
    "在宅": PlacementKind.AT_HOME_WITH_SUPPORT,
    "在宅指導": PlacementKind.AT_HOME_WITH_SUPPORT,
    "一時保護委託": PlacementKind.TEMPORARY_PROTECTION,
    "里親": PlacementKind.FOSTER_FAMILY,
    "養育里親": PlacementKind.FOSTER_FAMILY,
    "里親委託": PlacementKind.FOSTER_FAMILY,
    "親族里親": PlacementKind.KINSHIP_FOSTER_FAMILY,
    "ファミリーホーム": PlacementKind.FAMILY_HOME,
    "乳児院": PlacementKind.INFANT_HOME,
    "児童養護施設": PlacementKind.CHILDRENS_HOME,
    # end reasons
    "家庭復帰": EndReason.RETURN_HOME,
    "家庭引取": EndReason.RETURN_HOME,
    "措置変更": EndReason.TRANSFER,
    "自立": EndReason.INDEPENDENCE,
    "特別養子縁組": EndReason.SPECIAL_ADOPTION,
    "普通養子縁組": EndReason.ORDINARY_ADOPTION,
    "その他": EndReason.OTHER,
}
TRUE_WORDS = frozenset({"○", "〇", "◯", "1", "y", "yes", "true", "はい", "推定", "済"})
FALSE_WORDS = frozenset({"", "×", "0", "n", "no", "false", "いいえ", "-"})


def cell_key(text: str) -> str:
    return unicodedata.normalize("NFKC", text or "").replace(" ", "").replace("\u3000", "").strip().lower()


def case_key(text: str) -> str:
    """A case number as stored and matched: r7-0001 and Ｒ７－０００１ are R7-0001."""
    return unicodedata.normalize("NFKC", text or "").replace(" ", "").replace("\u3000", "").strip().upper()


def _words(enum: type[StrEnum], labels: Mapping[StrEnum, str]) -> dict[str, str]:
    words: dict[str, str] = {}
    for member in enum:
        words[cell_key(member.value)] = member.value
        for locale in LOCALES:
            words[cell_key(translate_in(locale, labels[member]))] = member.value
    for word, value in EXTRA_WORDS.items():
        if value in {m.value for m in enum}:
            words[cell_key(word)] = str(value)
    return words


@cache
def sexes() -> dict[str, str]:
    return _words(Sex, SEX_LABELS)  # type: ignore[arg-type]


@cache
def placement_kinds() -> dict[str, str]:
    return _words(PlacementKind, PLACEMENT_KIND_LABELS)  # type: ignore[arg-type]


@cache
def end_reasons() -> dict[str, str]:
    return _words(EndReason, END_REASON_LABELS)  # type: ignore[arg-type]


def flag(text: str) -> bool | None:
    key = cell_key(text)
    if key in TRUE_WORDS:
        return True
    if key in FALSE_WORDS:
        return False
    return None
