"""Financial half-years: ``2021H1`` is 1 April–30 September 2021, ``2021H2`` is 1 October
2021–31 March 2022 (both halves of financial year 2021/22), as police and PCC reporting use.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

import ibis.expr.types as ir

from vawg.errors import InputError

__all__ = ["Half", "half_label", "halves_between", "parse_half"]

_PATTERN = re.compile(r"^(\d{4})H([12])$")


@dataclass(frozen=True, order=True)
class Half:
    """One financial half-year: ``year`` is the year the financial year starts in."""

    year: int
    part: int

    @property
    def label(self) -> str:
        """As written on the command line, e.g. ``2021H2``."""
        return f"{self.year}H{self.part}"

    @property
    def title(self) -> str:
        """For people, as a bulletin writes a period: ``Oct 2021–Mar 2022``, ``Apr–Sep 2021``."""
        if self.start.year == self.end.year:
            return f"{self.start:%b}–{self.end:%b %Y}"
        return f"{self.start:%b %Y}–{self.end:%b %Y}"

    @property
    def start(self) -> date:
        """First day (inclusive)."""
        return date(self.year, 4, 1) if self.part == 1 else date(self.year, 10, 1)

    @property
    def end(self) -> date:
        """Last day (inclusive)."""
        return date(self.year, 9, 30) if self.part == 1 else date(self.year + 1, 3, 31)

    def previous(self) -> Half:
        """The half before."""
        return Half(self.year, 1) if self.part == 2 else Half(self.year - 1, 2)

    def year_earlier(self) -> Half:
        """The same half a year earlier."""
        return Half(self.year - 1, self.part)

    def next(self) -> Half:
        """The half after."""
        return Half(self.year, 2) if self.part == 1 else Half(self.year + 1, 1)

    def contains(self, day: date) -> bool:
        """Whether ``day`` falls in this half."""
        return self.start <= day <= self.end

    @classmethod
    def of(cls, day: date) -> Half:
        """The half a date falls in."""
        year = day.year if day.month >= 4 else day.year - 1
        return cls(year, 1 if 4 <= day.month <= 9 else 2)

    def shifted_end(self, follow_up: timedelta) -> date:
        """The date ``follow_up`` after this half ends (the equal-follow-up snapshot)."""
        return self.end + follow_up


def parse_half(text: str) -> Half:
    """``2021H2`` → :class:`Half`; a clear error naming the argument otherwise."""
    match = _PATTERN.match(text.strip().upper())
    if not match:
        raise InputError(
            f"--half {text!r} is not a financial half-year; write YYYYH1 (April-September) or "
            "YYYYH2 (October-March), e.g. 2021H2"
        )
    return Half(int(match.group(1)), int(match.group(2)))


def halves_between(first: date, last: date) -> list[Half]:
    """Every half-year from the one containing ``first`` to the one containing ``last``."""
    out, half = [], Half.of(first)
    while half.start <= last:
        out.append(half)
        half = half.next()
    return out


def half_label(day: ir.DateValue) -> ir.StringValue:
    """The financial half-year label of a date column, e.g. ``2021H2`` (an ibis expression)."""
    fy = day.year() - (day.month() < 4).cast("int64")
    part = ((day.month() >= 10) | (day.month() < 4)).cast("int64") + 1
    return fy.cast("string") + "H" + part.cast("string")
