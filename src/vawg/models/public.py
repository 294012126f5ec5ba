"""The public drivers result: :func:`disclose_drivers` (``DriversResult`` → ``DriversResult``).

What is a count here, and how it is protected (the one rule of :mod:`vawg.disclosure`):

* the feed check's monthly counts: withheld when small, rounded otherwise; the ratio to the
  expected count and the z-score recomputed from the rounded count;
* the birthday table and the birthday chart, as one linked system per role: the table's
  birthday row is the chart's day 0, and its window row the sum of the days either side, so a
  count hidden in one cannot be read from the other. Rate ratios, intervals and p-values of the
  table (and the headline birthday effects) are recomputed from the rounded counts: observed ÷
  expected, with the exact Poisson interval and test (Garwood 1936) - a ratio of the true count
  to its published expected count would give the true count back;
* the age table: people per role and age band (the role's bands protected together), rates per
  1,000 and rate ratios recomputed from the rounded counts;
* the daily model's crimes per series and the area model's crimes: rounded (they were printed
  as they were before). Model rate ratios of the area and daily models are estimates pooled
  over every LSOA or every day, not statistics of one cell, and are shown as fitted.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Hashable

import numpy as np
import polars as pl
from scipy import stats

from vawg.config import Settings
from vawg.disclosure import (
    SUPPRESSED_FLAG,
    Relation,
    protect,
    public_notes,
    public_params,
    round_count,
    shown_count,
    suppress,
)
from vawg.inputs.anomaly import AnomalyResult
from vawg.models.age import AgeProfileResult
from vawg.models.area import AreaModelResult
from vawg.models.birthday import BirthdayResult
from vawg.models.drivers import DriversResult
from vawg.models.open_data import OpenDataDrivers
from vawg.results import Estimate
from vawg.stats import poisson_rate_interval

__all__ = ["disclose_drivers"]

NAN = float("nan")


def disclose_drivers(result: DriversResult, settings: Settings) -> DriversResult:
    """The public version of ``result`` (same type): see the module docstring."""
    if "disclosure" in result.params.settings:
        return result
    params = public_params(result.params, settings)
    threshold = settings.disclosure_threshold
    birthday = _birthday(result.birthday, threshold) if result.birthday else None
    effects = dict(result.effects)
    if birthday is not None:
        for key in ("offender_birthday", "victim_birthday"):
            effects[key] = birthday.effects[key]
    table = result.table.with_columns(
        *(
            pl.Series(c, [getattr(effects[k], c) for k in result.table["key"]], dtype=pl.Float64)
            for c in ("estimate", "ci_low", "ci_high")
        ),
        pl.Series("p_value", [effects[k].p_value for k in result.table["key"]], dtype=pl.Float64),
    ).with_columns(pl.col("estimate", "ci_low", "ci_high", "p_value").fill_nan(None))
    area = _area(result.area, threshold) if result.area is not None else None
    daily = result.daily
    if daily is not None:
        daily = dataclasses.replace(
            daily,
            table=_rounded(daily.table, "crimes", threshold),
            notes=public_notes(daily.notes, threshold),
            fits={
                k: dataclasses.replace(f, events=round_count(f.events, threshold) or 0)
                for k, f in daily.fits.items()
            },
        )
    return dataclasses.replace(
        result,
        params=params,
        table=table,
        effects=effects,
        anomalies=_anomalies(result.anomalies, threshold),
        area=area,
        daily=daily,
        birthday=birthday,
        age=_age(result.age, threshold) if result.age else None,
        notes=public_notes(result.notes, threshold),
        errors={k: public_notes([v], threshold)[0] for k, v in result.errors.items()},
    )


def disclose_open_drivers(result: OpenDataDrivers, settings: Settings) -> OpenDataDrivers:
    """The public version of the area model on police.uk open data (same type): the rows
    counted withheld when small and rounded otherwise, the model's counts as in
    :func:`disclose_drivers`; police.uk months are public already, so not held to the grid."""
    if "disclosure" in result.params.settings:
        return result
    threshold = settings.disclosure_threshold
    return dataclasses.replace(
        result,
        params=public_params(result.params, settings, grid=False),
        area=_area(result.area, threshold) if result.area is not None else None,
        crimes=shown_count(result.crimes, threshold),
        no_lsoa=shown_count(result.no_lsoa, threshold),
        outside_areas=shown_count(result.outside_areas, threshold),
    )


def _area(area: AreaModelResult, threshold: int) -> AreaModelResult:
    lsoas = area.lsoas
    if lsoas.height:
        # Small LSOA counts withheld (a district's LSOAs together, so its total cannot give
        # them back), the rest rounded; the ratio is of the rounded count, and the model's
        # expected count is not published (with it, the ratio would give the count back).
        lsoas = (
            suppress(
                lsoas,
                "crimes",
                threshold=threshold,
                margins=[["district"]],
                dependents=["expected", "excess_ratio"],
            )
            .drop(SUPPRESSED_FLAG)
            .with_columns(excess_ratio=pl.col("crimes") / pl.col("expected"))
            .drop("expected")
        )
    return dataclasses.replace(
        area,
        lsoas=lsoas,
        fit_table=_rounded(area.fit_table, "crimes", threshold),
        notes=public_notes(area.notes, threshold),
        fits={
            k: dataclasses.replace(f, events=round_count(f.events, threshold) or 0)
            for k, f in area.fits.items()
        },
    )


def _rounded(frame: pl.DataFrame, column: str, threshold: int) -> pl.DataFrame:
    """``column`` withheld when small and rounded otherwise, each count on its own."""
    return suppress(frame, column, threshold=threshold, margins=[]).drop(SUPPRESSED_FLAG)


def _anomalies(result: AnomalyResult, threshold: int) -> AnomalyResult:
    table = suppress(
        result.table, "count", threshold=threshold, margins=[], dependents=["z", "flagged"]
    ).drop(SUPPRESSED_FLAG)
    cv = pl.col("series").replace_strict(result.cv, default=None, return_dtype=pl.Float64)
    safe = pl.max_horizontal(pl.col("count"), pl.lit(0.5))
    table = table.with_columns(
        ratio=pl.when(pl.col("expected") > 0).then(pl.col("count") / pl.col("expected")),
        z=(safe / pl.col("expected")).log() / (1.0 / pl.col("expected") + cv**2).sqrt(),
    ).with_columns(
        pl.when(pl.col("count").is_null()).then(None).otherwise(pl.col(c)).alias(c)
        for c in ("ratio", "z")
    )
    return dataclasses.replace(result, table=table)


def _exact(observed: int | None, expected: float) -> Estimate:
    """observed ÷ expected with the exact Poisson interval and two-sided test."""
    if observed is None or not expected or not math.isfinite(expected):
        return Estimate(NAN, NAN, NAN, NAN)
    low, high = poisson_rate_interval(observed, expected)
    below = float(stats.poisson.cdf(observed, expected))
    above = float(stats.poisson.sf(observed - 1, expected))
    return Estimate(observed / expected, low, high, min(1.0, 2 * min(below, above)))


PUBLIC_BIRTHDAY_METHOD = "rounded count / expected count, exact Poisson interval"
"""How a public birthday rate ratio is made (the restricted one is the fitted model's)."""


def _birthday(result: BirthdayResult, threshold: int) -> BirthdayResult:
    table, profile = result.table, result.profile
    cells: dict[Hashable, int | None] = {}
    relations: list[Relation] = []
    for role, offset, n in profile.select("role", "offset", "crimes").iter_rows():
        cells[("day", role, offset)] = n
    for role, exposure, n in table.select("role", "exposure", "crimes").iter_rows():
        cells[("row", role, exposure)] = n
        days = (
            [0]
            if exposure == "birthday"
            else [d for d in range(-result.window, result.window + 1) if d]
        )
        parts = [("day", role, d) for d in days if ("day", role, d) in cells]
        relations.append((parts, ("row", role, exposure)))
    safe = protect(cells, relations, threshold)
    shown = [safe[("row", r, e)] for r, e in table.select("role", "exposure").iter_rows()]
    estimates = [
        _exact(n, float(e)) for n, e in zip(shown, table["expected"].to_list(), strict=True)
    ]
    table = table.with_columns(
        pl.Series("crimes", shown, dtype=pl.Int64),
        pl.Series("expected", table["expected"].round(1)),
        *(
            pl.Series(c, [getattr(e, c) for e in estimates], dtype=pl.Float64).fill_nan(None)
            for c in ("estimate", "ci_low", "ci_high", "p_value")
        ),
    ).with_columns(
        rate_ratio=pl.col("estimate"),
        # The public ratios are recomputed here, so the fitted model's name no longer applies.
        method_used=pl.lit(PUBLIC_BIRTHDAY_METHOD),
    )
    table = table.drop("estimate")
    per_day = [safe[("day", r, o)] for r, o in profile.select("role", "offset").iter_rows()]
    profile = profile.with_columns(pl.Series("crimes", per_day, dtype=pl.Int64)).with_columns(
        ratio=pl.when(pl.col("expected") > 0).then(pl.col("crimes") / pl.col("expected")),
        expected=pl.col("expected").round(1),
    )
    effects = dict(result.effects)
    for (role, exposure), e in zip(
        table.select("role", "exposure").iter_rows(), estimates, strict=True
    ):
        key = f"{role}_birthday" if exposure == "birthday" else f"{role}_birthday_window"
        effects[key] = e
    people = {k: round_count(v, threshold) or 0 for k, v in result.people.items()}
    methods = {role: PUBLIC_BIRTHDAY_METHOD for role in result.methods}
    return dataclasses.replace(
        result, table=table, profile=profile, effects=effects, people=people, methods=methods
    )


def _age(result: AgeProfileResult, threshold: int) -> AgeProfileResult:
    table = suppress(result.table, "people", threshold=threshold, margins=[["role"]])
    table = table.drop(SUPPRESSED_FLAG)
    rows = []
    for role in table["role"].unique(maintain_order=True).to_list():
        part = table.filter(pl.col("role") == role)
        reference = part.filter(pl.col("age_band") == result.reference_band)
        ref_n = reference["people"][0] if reference.height else None
        ref_p = float(reference["population"][0]) if reference.height else 0.0
        for row in part.iter_rows(named=True):
            n, p = row["people"], float(row["population"])
            rate = low = high = rr = rr_low = rr_high = None
            if n is not None and p > 0:
                lo, hi = poisson_rate_interval(n, p / 1000.0)
                rate, low, high = 1000 * n / p, lo, hi
                if n > 0 and ref_n and ref_p > 0:
                    rr = (n / p) / (ref_n / ref_p)
                    reference_row = row["age_band"] == result.reference_band
                    se = 0.0 if reference_row else math.sqrt(1 / n + 1 / ref_n)
                    rr_low, rr_high = rr * np.exp(-1.96 * se), rr * np.exp(1.96 * se)
            rows.append(
                {
                    **row,
                    "rate_per_1000": rate,
                    "ci_low": low,
                    "ci_high": high,
                    "rate_ratio": rr,
                    "rr_ci_low": None if rr_low is None else float(rr_low),
                    "rr_ci_high": None if rr_high is None else float(rr_high),
                }
            )
    return dataclasses.replace(result, table=pl.DataFrame(rows, schema=table.schema))
