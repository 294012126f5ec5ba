"""The fixed grid of periods a public output may cover.

Police and PCC reporting runs on the financial year (1 April to 31 March). A public output may
cover one financial quarter (``2021Q1`` = April-June 2021 ... ``2021Q4`` = January-March 2022),
one financial half-year (``2021H1`` = April-September 2021, ``2021H2`` = October 2021-March
2022), one financial year (``2021/22``) or a run of whole financial years (``2017/18 to
2021/22``, the profile's default five years). Nothing else: not a period ending on any other
day, not a month, not a rolling twelve months.

Why a grid: two outputs whose periods differ by one day, published side by side, describe that
one day by subtraction. Rounding (:func:`vawg.disclosure.round_count`) already keeps any such
difference a multiple of the threshold; the grid also keeps the number of different outputs
anyone can produce small and their boundaries fixed, so the periods themselves are the same for
every reader and every release (the way the ONS publishes crime statistics for fixed quarters
and years only).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from vawg.errors import InputError

__all__ = ["GridPeriod", "grid_period", "grid_periods"]


@dataclass(frozen=True, order=True)
class GridPeriod:
    """One period on the grid: ``kind`` is ``quarter``, ``half``, ``year`` or ``years``."""

    start: date
    end: date
    kind: str
    label: str


def _fy(day: date) -> int:
    """The year the financial year containing ``day`` starts in."""
    return day.year if day.month >= 4 else day.year - 1


def _fy_label(year: int) -> str:
    return f"{year}/{(year + 1) % 100:02d}"


def _month_start(year: int, month: int) -> date:
    while month > 12:
        year, month = year + 1, month - 12
    return date(year, month, 1)


def _quarter(year: int, q: int) -> GridPeriod:
    start = _month_start(year, 4 + 3 * (q - 1))
    end = _month_start(start.year, start.month + 3) - timedelta(days=1)
    return GridPeriod(start, end, "quarter", f"{year}Q{q}")


def _half(year: int, h: int) -> GridPeriod:
    start = _month_start(year, 4 + 6 * (h - 1))
    end = _month_start(start.year, start.month + 6) - timedelta(days=1)
    return GridPeriod(start, end, "half", f"{year}H{h}")


def _years(first: int, last: int) -> GridPeriod:
    start, end = date(first, 4, 1), date(last + 1, 3, 31)
    if first == last:
        return GridPeriod(start, end, "year", _fy_label(first))
    return GridPeriod(start, end, "years", f"{_fy_label(first)} to {_fy_label(last)}")


def grid_period(start: date, end: date) -> GridPeriod:
    """The grid period running from ``start`` to ``end`` (both inclusive).

    Raises :class:`~vawg.errors.InputError` naming the nearest grid periods when the dates are
    not one: public outputs are only made for the grid.
    """
    year = _fy(start)
    candidates = [
        *(_quarter(year, q) for q in range(1, 5)),
        *(_half(year, h) for h in (1, 2)),
    ]
    if start == date(year, 4, 1) and end.month == 3 and end.day == 31 and end.year > year:
        candidates.append(_years(year, end.year - 1))
    for period in candidates:
        if (period.start, period.end) == (start, end):
            return period
    raise InputError(
        f"public outputs cover only whole financial quarters, half-years or years, and "
        f"{start} to {end} is none of them; {_suggest(start, end)}. (Two public outputs whose "
        "periods differ by a few days would give those days' counts away by subtraction.)"
    )


def _suggest(start: date, end: date) -> str:
    first, last = _fy(start), _fy(end)
    if first == last:
        options = [_years(first, first)]
    else:
        whole_first = first if start == date(first, 4, 1) else first + 1
        whole_last = last if end == date(last + 1, 3, 31) else last - 1
        options = [_years(whole_first, whole_last)] if whole_first <= whole_last else []
        options.append(_years(first, last))
    options.append(_half(_fy(end), 1 if end.month in range(4, 10) else 2))
    shown = ", ".join(f"{p.label} (--from {p.start} --to {p.end})" for p in dict.fromkeys(options))
    return f"for example {shown}"


def grid_periods(first: date, last: date) -> list[GridPeriod]:
    """Every grid period lying wholly inside ``first``..``last``: each quarter, half, financial
    year and run of whole financial years, in order of start then length."""
    out: list[GridPeriod] = []
    for year in range(_fy(first), _fy(last) + 1):
        out += [_quarter(year, q) for q in range(1, 5)]
        out += [_half(year, h) for h in (1, 2)]
        out += [_years(year, to) for to in range(year, _fy(last) + 1)]
    inside = [p for p in out if first <= p.start and p.end <= last]
    return sorted(inside, key=lambda p: (p.start, p.end))
