"""The one shape every analysis returns: a frozen Result with a table, params and ``to_dict``.

An analysis is a plain function that returns a frozen dataclass. It has ``params`` (how it was
made: method, citation, scope, period, seed), a tidy ``table`` (a polars DataFrame) and
``to_dict()`` for JSON. Estimates carry their uncertainty as :class:`Estimate`
(``estimate, ci_low, ci_high, p_value``), named as in the literature.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, Protocol

import polars as pl

__all__ = [
    "Estimate",
    "MainPoint",
    "Params",
    "Result",
    "ResultMixin",
    "excludes",
    "to_jsonable",
]


@dataclass(frozen=True)
class Estimate:
    """A point estimate with its confidence interval (and p-value where a test applies)."""

    estimate: float
    ci_low: float
    ci_high: float
    p_value: float | None = None
    level: float = 0.95

    def to_dict(self) -> dict[str, Any]:
        """JSON-safe: ``{estimate, ci_low, ci_high, p_value}`` (NaN becomes null)."""
        return {
            "estimate": _finite(self.estimate),
            "ci_low": _finite(self.ci_low),
            "ci_high": _finite(self.ci_high),
            "p_value": _finite(self.p_value),
        }

    def contains(self, value: float) -> bool:
        """Whether ``value`` lies inside the interval."""
        return self.ci_low <= value <= self.ci_high


def excludes(e: Estimate | None, value: float) -> bool | None:
    """Whether the interval of ``e`` leaves out ``value`` (a change is statistically clear at
    the interval's level); ``None`` when there is no finite interval to tell."""
    if e is None or e.ci_low is None or e.ci_high is None:
        return None
    if not (math.isfinite(e.ci_low) and math.isfinite(e.ci_high)):
        return None
    return not e.contains(value)


@dataclass(frozen=True)
class MainPoint:
    """One main point of a report, as a statistics bulletin opens: what was measured, its
    level in the period, and its change on a comparison period (usually the same period a year
    earlier) with the interval and whether the change is statistically clear.

    Numbers only: the report writes the sentence (``report/bulletin.py``). ``change`` is a ratio
    (``change_kind="ratio"``: 1.10 = 10% more) or a difference (``"points"``: of two shares, in
    proportion units; ``"days"``). ``clear`` is decided in the analysis, at the level of the
    family the point belongs to (``tested`` says how); ``None`` when nothing was tested.
    ``measure`` says how the level reads: ``count``, ``share``, ``days``, ``rate``, ``trend``;
    a comparison only (no level): ``effect`` (crimes), ``harm`` (an amount: "less harm"),
    ``hazard`` (a rate: "lower"). ``note``: the caveat the point carries, in words.
    """

    topic: str
    measure: str
    value: Estimate | None
    period: tuple[date, date] | None = None
    change: Estimate | None = None
    change_kind: str = "ratio"
    comparison: tuple[date, date] | None = None
    comparison_value: float | None = None
    clear: bool | None = None
    better_when: str | None = None
    tested: str = ""
    note: str = ""

    def to_dict(self) -> dict[str, Any]:
        """JSON-safe, every field."""
        return {f.name: to_jsonable(getattr(self, f.name)) for f in dataclasses.fields(self)}


@dataclass(frozen=True)
class Params:
    """How a result was made, so it can be repeated and explained."""

    method: str
    citation: str = ""
    period: tuple[date, date] | None = None
    seed: int | None = None
    settings: Mapping[str, Any] = field(default_factory=dict)


class Result(Protocol):
    """What every analysis returns."""

    @property
    def params(self) -> Params: ...

    @property
    def table(self) -> pl.DataFrame: ...

    def to_dict(self) -> dict[str, Any]: ...


class ResultMixin:
    """``to_dict`` for a frozen dataclass Result: every field, made JSON-safe."""

    def to_dict(self) -> dict[str, Any]:
        """Every field as JSON-safe values (frames become lists of records)."""
        assert dataclasses.is_dataclass(self)
        return {f.name: to_jsonable(getattr(self, f.name)) for f in dataclasses.fields(self)}


def _finite(value: float | None) -> float | None:
    if value is None:
        return None
    value = float(value)
    return value if math.isfinite(value) else None


def _records(frame: pl.DataFrame) -> list[dict[str, Any]]:
    """``frame``'s rows as JSON-safe dicts. A frame of numbers, text and booleans only is
    cleaned column by column (NaN and infinities to null) in polars, not value by value: the
    same records, about ten times faster on the national frames of 32,844 LSOAs."""
    dtypes = frame.schema.values()
    if not all((d.is_numeric() and not d.is_decimal()) or d in _PLAIN for d in dtypes):
        return [to_jsonable(row) for row in frame.to_dicts()]
    finite = [
        pl.when(pl.col(name).is_finite()).then(pl.col(name)).otherwise(None).alias(name)
        for name, dtype in frame.schema.items()
        if dtype.is_float()
    ]
    return (frame.with_columns(finite) if finite else frame).to_dicts()


_PLAIN = (pl.String, pl.Boolean, pl.Null)


def to_jsonable(value: Any) -> Any:
    """``value`` as plain JSON types: dataclasses, frames, dates, numpy scalars, NaN → null."""
    if value is None or isinstance(value, bool | str | int):
        return value
    if isinstance(value, float):
        return _finite(value)
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, pl.DataFrame):
        return _records(value)
    if hasattr(value, "to_dict") and callable(value.to_dict):
        return to_jsonable(value.to_dict())
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: to_jsonable(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, Mapping):
        return {str(k): to_jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [to_jsonable(v) for v in value]
    if hasattr(value, "item"):  # numpy scalar
        return to_jsonable(value.item())
    return str(value)
