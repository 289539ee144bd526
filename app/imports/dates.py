"""Dates as Japanese spreadsheets write them: 2025/4/1, 2025-04-01, 2025年4月1日, 令和7年4月1日,
R7.4.1, H30/4/1 (older births), or a real date cell of an .xlsx."""

from __future__ import annotations

import datetime as dt
import re
import unicodedata

# The first year of each era (a Reiwa year n is 2018 + n).
ERAS = {
    "令和": 2018,
    "r": 2018,
    "平成": 1988,
    "h": 1988,
    "昭和": 1925,
    "s": 1925,
}
_ERA = re.compile(
    r"^(令和|平成|昭和|r|h|s)\s*(元|\d{1,2})\s*[年./\-]\s*(\d{1,2})\s*[月./\-]\s*(\d{1,2})\s*日?$"
)
_WESTERN = re.compile(r"^(\d{4})\s*[年./\-]\s*(\d{1,2})\s*[月./\-]\s*(\d{1,2})\s*日?$")
_COMPACT = re.compile(r"^(\d{4})(\d{2})(\d{2})$")


def parse_date(value: object) -> dt.date | None:
    """The date, or None when the text is not a date in any accepted form (blank is the caller's)."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = unicodedata.normalize("NFKC", str(value or "")).strip().lower()
    text = re.sub(r"\s+00:00(:00)?$", "", text)  # a date cell saved with its midnight time
    try:
        if match := _ERA.match(text):
            era, year, month, day = match.groups()
            number = 1 if year == "元" else int(year)
            return dt.date(ERAS[era] + number, int(month), int(day))
        if match := _WESTERN.match(text) or _COMPACT.match(text):
            year, month, day = match.groups()
            return dt.date(int(year), int(month), int(day))
    except ValueError:  # 2025/2/30
        return None
    return None
