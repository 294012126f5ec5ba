"""The calendar the daily models control for: England & Wales bank holidays and lockdowns.

Bank holidays follow the rules of the Banking and Financial Dealings Act 1971 as applied by
royal proclamation (gov.uk/bank-holidays): New Year's Day, Good Friday, Easter Monday, the
first and last Mondays of May, the last Monday of August, Christmas Day and Boxing Day, each
moved to the next weekday(s) when it falls at a weekend; plus the one-off changes: 29 April
2011 (royal wedding), 4-5 June 2012 (Diamond Jubilee; spring holiday moved), 8 May 2020
(early May holiday moved for VE Day), 2-3 June 2022 (Platinum Jubilee; spring holiday moved),
19 September 2022 (State Funeral) and 8 May 2023 (Coronation).

England's national COVID-19 lockdowns (stay-at-home orders) are an approximation: 23 March
to 14 June 2020, 5 November to 1 December 2020 and 6 January to 7 March 2021 (easing was
gradual; local tiers are ignored).
"""

from __future__ import annotations

from datetime import date, timedelta

__all__ = ["LOCKDOWNS", "bank_holidays", "easter_sunday", "in_lockdown"]

LOCKDOWNS: tuple[tuple[date, date], ...] = (
    (date(2020, 3, 23), date(2020, 6, 14)),
    (date(2020, 11, 5), date(2020, 12, 1)),
    (date(2021, 1, 6), date(2021, 3, 7)),
)


def easter_sunday(year: int) -> date:
    """Western Easter Sunday (the anonymous Gregorian algorithm, Meeus/Jones/Butcher)."""
    a = year % 19
    b, c = divmod(year, 100)
    d, e = divmod(b, 4)
    f = (b + 8) // 25
    g = (b - f + 1) // 3
    h = (19 * a + b - d - g + 15) % 30
    i, k = divmod(c, 4)
    l = (32 + 2 * e + 2 * i - h - k) % 7  # noqa: E741 - the algorithm's own name
    m = (a + 11 * h + 22 * l) // 451
    month, day = divmod(h + l - 7 * m + 114, 31)
    return date(year, month, day + 1)


def _first_monday(year: int, month: int) -> date:
    d = date(year, month, 1)
    return d + timedelta(days=(7 - d.weekday()) % 7)


def _last_monday(year: int, month: int) -> date:
    d = date(year + (month == 12), month % 12 + 1, 1) - timedelta(days=1)
    return d - timedelta(days=d.weekday())


def _next_weekday(d: date, taken: set[date]) -> date:
    while d.weekday() >= 5 or d in taken:
        d += timedelta(days=1)
    return d


def _year(year: int) -> set[date]:
    days: set[date] = set()
    days.add(_next_weekday(date(year, 1, 1), days))
    easter = easter_sunday(year)
    days |= {easter - timedelta(days=2), easter + timedelta(days=1)}
    early_may = date(2020, 5, 8) if year == 2020 else _first_monday(year, 5)
    days.add(early_may)
    spring = {2012: date(2012, 6, 4), 2022: date(2022, 6, 2)}.get(year, _last_monday(year, 5))
    days.add(spring)
    days.add(_last_monday(year, 8))
    christmas = _next_weekday(date(year, 12, 25), days)
    days.add(christmas)
    days.add(_next_weekday(date(year, 12, 26), days))
    days |= {
        2011: {date(2011, 4, 29)},
        2012: {date(2012, 6, 5)},
        2022: {date(2022, 6, 3), date(2022, 9, 19)},
        2023: {date(2023, 5, 8)},
    }.get(year, set())
    return days


def bank_holidays(first: date, last: date) -> frozenset[date]:
    """England & Wales bank holidays from ``first`` to ``last`` inclusive."""
    days: set[date] = set()
    for year in range(first.year, last.year + 1):
        days |= _year(year)
    return frozenset(d for d in days if first <= d <= last)


def in_lockdown(day: date) -> bool:
    """Whether ``day`` fell in an England national lockdown (see module docstring)."""
    return any(lo <= day <= hi for lo, hi in LOCKDOWNS)
