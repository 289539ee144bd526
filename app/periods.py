"""Periods counted in calendar months, as Japanese law counts them (Civil Code 140 and 143).

A period of months is counted by the calendar, not as 30 days, and the first day is not counted:
placed on 15 October, one month ends on 15 November; placed on 31 January, it ends on the last day
of February (28th, or 29th in a leap year). Seed 002's "措置後1か月以内" is such a period.
"""

from __future__ import annotations

import calendar
import datetime as dt


def last_day_of_month(year: int, month: int) -> int:
    return calendar.monthrange(year, month)[1]


def add_months(day: dt.date, months: int) -> dt.date:
    """The same day of the month `months` later, or that month's last day where it has no such day
    (31 January + 1 month = 28 or 29 February)."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return dt.date(year, month, min(day.day, last_day_of_month(year, month)))


def months_after(start: dt.date, months: int) -> dt.date:
    """The last day of a period of `months` calendar months that begins on the day after `start`.

    Civil Code 140: the first day is not counted, so counting begins the next day. 143(2): the
    period ends the day before the corresponding day of the last month, or at that month's end if
    it has no such day: this is add_months(start, months). 143(1): when counting begins on the
    first of a month (`start` was a month's last day), whole calendar months are counted, so the
    period ends on the last day of the last month (placed 30 April: by 31 May, not 30 May)."""
    end = add_months(start, months)
    if start.day == last_day_of_month(start.year, start.month):
        return end.replace(day=last_day_of_month(end.year, end.month))
    return end
