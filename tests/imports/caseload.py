"""Caseload spreadsheets as a centre would make them: Japanese headers, one row per placement."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

from app import clock
from app.imports.columns import COLUMNS

HEADERS = [c.japanese for c in COLUMNS]


def era(day: dt.date) -> str:
    """令和 n年m月d日, as Japanese Excel users type it."""
    return f"令和{day.year - 2018}年{day.month}月{day.day}日"


def child_rows(number: int, **overrides: Any) -> list[dict[str, str]]:
    """A child (case number R-<number>) who went from temporary protection to the Tanaka family."""
    today = clock.today()
    born = today - dt.timedelta(days=365 * 5 + number % 300)
    protected = today - dt.timedelta(days=200 + number % 50)
    placed = protected + dt.timedelta(days=30)
    child = {
        "児童相談所": "長野県中央児童相談所",
        "ケース番号": f"R-{number:05d}",
        "氏": "移行",
        "名": f"児童{number}",
        "氏（ふりがな）": "いこう",
        "名（ふりがな）": f"じどう{number}",
        "生年月日": born.strftime("%Y/%-m/%-d"),
        "生年月日は推定": "",
        "性別": "女" if number % 2 else "男",
        "担当児童福祉司": "caseworker1@example.jp",
        "チームメンバー": "伊藤 直子",
    }
    first = {
        **child,
        "措置種別": "一時保護",
        "開始日": era(protected),
        "終了日": placed.isoformat(),
        "終了理由": "措置変更",
        "委託先": "",
    }
    second = {
        **child,
        "措置種別": "里親",
        "開始日": placed.strftime("%Y/%m/%d"),
        "終了日": "",
        "終了理由": "",
        "委託先": "田中家",
    }
    rows = [first, second]
    for row in rows:
        row.update(overrides)
    return rows


def caseload(children: int, start: int = 1) -> list[dict[str, str]]:
    rows: list[dict[str, str]] = []
    for number in range(start, start + children):
        rows.extend(child_rows(number))
    return rows


def to_csv(rows: list[dict[str, str]], encoding: str = "cp932", headers: list[str] | None = None) -> bytes:
    headers = headers or HEADERS
    lines = [",".join(headers)]
    for row in rows:
        lines.append(",".join(_quoted(row.get(h, "")) for h in headers))
    return ("\r\n".join(lines) + "\r\n").encode(encoding)


def _quoted(value: str) -> str:
    return f'"{value}"' if any(ch in value for ch in ',"\n') else value


def to_xlsx(rows: list[dict[str, Any]]) -> bytes:
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.append(HEADERS)
    for row in rows:
        sheet.append([row.get(h, "") for h in HEADERS])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
