"""The one clock the portal reads "now" and "today" through.

Deadlines, ages, sessions and reminders all depend on the date, so nothing else in app/ calls
datetime.now() or date.today(). Tests set this clock (tests/conftest.py) to run the whole suite
on any day: the last day of a fiscal year, the first, a month end. The clock keeps ticking from
where it was set, so timeouts and "a minute later" still behave as they do in real life.
"""

from __future__ import annotations

import datetime as dt
import os
from zoneinfo import ZoneInfo

TOKYO = ZoneInfo("Asia/Tokyo")
# Seconds this clock runs ahead of (or behind) the machine's, for a whole process and the processes
# it starts (the tests' `qpi worker` subprocess). Refused in production (app/config.py).
OFFSET_ENV = "QPI_CLOCK_OFFSET"

# How far this clock is from the machine's: zero except where a test or a demo moved it.
_offset = dt.timedelta(seconds=float(os.environ.get(OFFSET_ENV) or 0))


def now() -> dt.datetime:
    """The current moment, aware, in UTC."""
    return dt.datetime.now(dt.UTC) + _offset


def today() -> dt.date:
    """Today's date in Japan: the portal's dates are Japan time (DOMAIN.md)."""
    return now().astimezone(TOKYO).date()


def set_now(moment: dt.datetime | None) -> None:
    """Move the clock so that now() is `moment` at this instant (None: back to the machine's)."""
    global _offset
    if moment is None:
        _offset = dt.timedelta(0)
        return
    if moment.tzinfo is None:
        raise ValueError("the clock needs an aware datetime (e.g. 2027-03-31T10:00+09:00)")
    _offset = moment - dt.datetime.now(dt.UTC)


def offset_seconds() -> float:
    return _offset.total_seconds()


def advance(delta: dt.timedelta) -> None:
    """Move the clock forward (a session's idle time passing, a deadline arriving)."""
    global _offset
    _offset += delta


def parse_moment(value: str) -> dt.datetime:
    """A moment written as ISO 8601; a bare date means 10:00 in Japan on that day."""
    value = value.strip()
    if len(value) == 10:
        return dt.datetime.combine(dt.date.fromisoformat(value), dt.time(10), tzinfo=TOKYO)
    moment = dt.datetime.fromisoformat(value)
    return moment if moment.tzinfo else moment.replace(tzinfo=TOKYO)
