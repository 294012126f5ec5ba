"""Turn one source value into the contract's text for one column, or say why it cannot.

Each function returns ``(text, note)``. ``note`` is ``None`` when the value was translated (or
is empty); otherwise ``text`` is the source value unchanged, so the contract check quarantines
the row, and ``note`` says what the mapping lacked (``no [values.sex] entry``). Nothing is
guessed: a value the mapping does not list is never turned into ``other`` or ``unknown``.

Dates: each format is a :func:`datetime.datetime.strptime` pattern, or ``excel`` for a spreadsheet
serial day number (days since 1899-12-30, the fraction a time of day). The contract's ISO forms
are always tried after the mapping's own formats.
"""

from __future__ import annotations

import csv
import datetime as dt
import re
from functools import cache
from importlib.resources import files

from vawg.mapping.spec import DEFAULT_DATE_FORMATS, Mapping
from vawg.schema import Column, ColumnType

__all__ = ["offence_code_groups", "translate_value"]

_EXCEL_EPOCH = dt.datetime(1899, 12, 30)
_SERIAL = re.compile(r"\d{1,6}(\.\d+)?")
_CODE = re.compile(r"0*(\d{1,3})([A-Za-z]?)\s*(?:/\s*(\d{1,2}))?")


@cache
def offence_code_groups() -> dict[str, str]:
    """The shipped Home Office code → offence group table (``datasets/offence_codes.csv``)."""
    text = files("vawg.datasets").joinpath("offence_codes.csv").read_text(encoding="utf-8")
    return {row["code"]: row["offence_group"] for row in csv.DictReader(text.splitlines())}


def normalise_code(value: str) -> str:
    """``"008/1 "`` → ``"8/01"``, ``"8n"`` → ``"8N"``: one spelling per Home Office code."""
    match = _CODE.fullmatch(value.strip())
    if match is None:
        return value.strip()
    number, letter, sub = match.groups()
    return f"{int(number)}{letter.upper()}" + (f"/{int(sub):02d}" if sub else "")


def _date(value: str, formats: tuple[str, ...]) -> dt.datetime | None:
    for fmt in (*formats, *DEFAULT_DATE_FORMATS):
        if fmt == "excel":
            if _SERIAL.fullmatch(value) and 1 <= float(value) < 2_958_466:
                moment = _EXCEL_EPOCH + dt.timedelta(days=float(value))
                return moment.replace(microsecond=0) + dt.timedelta(
                    seconds=round(moment.microsecond / 1e6)
                )
            continue
        try:
            return dt.datetime.strptime(value, fmt)
        except ValueError:
            continue
    return None


def _group(value: str, mapping: Mapping) -> tuple[str, str | None]:
    code = normalise_code(value)
    for key in (value.strip().upper(), code, code.split("/")[0]):
        if key in mapping.offence_codes:
            return mapping.offence_codes[key], None
    shipped = offence_code_groups()
    for key in (code, code.split("/")[0]):
        if key in shipped:
            return shipped[key], None
    return value, "offence code in neither [offence_codes] nor the shipped Home Office code list"


def translate_value(
    column: Column, value: str, mapping: Mapping, *, derived_from_code: bool = False
) -> tuple[str, str | None]:
    """The contract text for ``value`` in ``column``, and a note when the mapping lacks it."""
    text = value.strip()
    if derived_from_code:
        if not text:
            return "", None
        return _group(text, mapping)
    listed = mapping.values.get(column.name, {})
    if text.casefold() in listed:  # a listed value wins, even an empty one
        return listed[text.casefold()], None
    if not text:
        return "", None
    match column.type:
        case ColumnType.ENUM | ColumnType.FLAG:
            allowed = column.values or ("Y", "N")
            if text in allowed:
                return text, None
            return value, f"no [values.{column.name}] entry for this value"
        case ColumnType.DATE | ColumnType.DATETIME:
            with_time = column.type is ColumnType.DATETIME
            moment = _date(text, mapping.formats(column.name))
            if moment is None:
                formats = ", ".join(mapping.formats(column.name))
                return value, f"matches none of the date formats ({formats})"
            if with_time:
                return moment.strftime("%Y-%m-%d %H:%M:%S"), None
            return moment.strftime("%Y-%m-%d"), None
        case _ if column.name == "offence_code":
            return normalise_code(text), None
    return text, None
