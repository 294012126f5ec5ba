"""Place: crimes at home versus in public, the ratio with an exact interval, by area and offence.

Home means ``location_type = dwelling``; public means every other known location type; crimes
whose location type is ``unknown`` are counted apart and left out of the ratio. The ratio is
home crimes per public crime. Treating the two counts as independent Poisson counts, the number
at home given the total is binomial with p = ratio / (1 + ratio), so the exact (Clopper-Pearson)
interval for p maps to an exact conditional interval for the ratio (Ederer & Mantel 1974); the
p-value is the exact two-sided binomial test of a ratio of 1.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import polars as pl
from scipy import stats

from vawg.profile.data import HOME, PUBLIC, UNKNOWN, ProfileData
from vawg.results import Estimate, Params, ResultMixin
from vawg.spatial.placement import Placement
from vawg.stats import clopper_pearson_interval

__all__ = ["PlaceResult", "home_public_ratio", "place"]

CITATION = (
    "Ederer, F. & Mantel, N. (1974) Confidence limits on the ratio of two Poisson variables. "
    "American Journal of Epidemiology 100(3), 165-167. Clopper, C. J. & Pearson, E. S. (1934) "
    "The use of confidence or fiducial limits illustrated in the case of the binomial. "
    "Biometrika 26(4), 404-413."
)


def home_public_ratio(home: int, public: int, level: float = 0.95) -> Estimate:
    """Home/public ratio with the exact conditional (binomial) interval and test of ratio 1."""
    total = home + public
    if total == 0:
        nan = float("nan")
        return Estimate(nan, nan, nan, None, level)
    p_low, p_high = clopper_pearson_interval(home, total, level=level)
    estimate = home / public if public else math.inf
    low = p_low / (1.0 - p_low)
    high = p_high / (1.0 - p_high) if p_high < 1.0 else math.inf
    p_value = float(stats.binomtest(home, total, 0.5).pvalue)
    return Estimate(estimate, low, high, p_value, level)


def _with_ratio(frame: pl.DataFrame) -> pl.DataFrame:
    ratios = [home_public_ratio(h, p) for h, p in zip(frame[HOME], frame[PUBLIC], strict=True)]
    return frame.with_columns(
        ratio=pl.Series([r.estimate for r in ratios], dtype=pl.Float64),
        ci_low=pl.Series([r.ci_low for r in ratios], dtype=pl.Float64),
        ci_high=pl.Series([r.ci_high for r in ratios], dtype=pl.Float64),
    )


def _crosstab(data: ProfileData, by: str) -> pl.DataFrame:
    long = data.cube.group_by(by, "place").agg(pl.col("crimes").sum())
    wide = long.pivot(on="place", index=by, values="crimes")
    for column in (HOME, PUBLIC, UNKNOWN):
        if column not in wide.columns:
            wide = wide.with_columns(pl.lit(0, dtype=pl.Int64).alias(column))
    wide = (
        wide.select(by, HOME, PUBLIC, UNKNOWN)
        .fill_null(0)
        .with_columns(pl.col(HOME, PUBLIC, UNKNOWN).cast(pl.Int64))
    )
    wide = wide.with_columns(crimes=pl.col(HOME) + pl.col(PUBLIC) + pl.col(UNKNOWN)).sort(by)
    return _with_ratio(wide)


@dataclass(frozen=True)
class PlaceResult(ResultMixin):
    """Home, public and unknown-location crimes, with the home/public ratio.

    ``table``/``by_district`` and ``by_offence_group``: the group, home, public, unknown,
    crimes, ratio, ci_low, ci_high (district "Not placed": crimes that could not be placed in
    an LSOA of the area reference). ``by_location_type``: location_type, place, crimes.
    ``placement``: how many crimes were placed by LSOA code, by coordinates, and not at all
    (None in public output, where those counts are not released).
    """

    params: Params
    home_crimes: int | None  # None = suppressed (public output)
    public_crimes: int | None
    unknown_location_crimes: int | None
    home_public_ratio: Estimate
    table: pl.DataFrame
    by_district: pl.DataFrame
    by_offence_group: pl.DataFrame
    by_location_type: pl.DataFrame
    placement: Placement | None = None


def place(data: ProfileData) -> PlaceResult:
    """Home versus public for the in-scope crimes."""
    by_type = (
        data.cube.group_by("location_type", "place")
        .agg(pl.col("crimes").sum().cast(pl.Int64))
        .sort(["crimes", "location_type"], descending=[True, False])
    )
    totals = dict(by_type.group_by("place").agg(pl.col("crimes").sum()).iter_rows())
    home, public = int(totals.get(HOME, 0)), int(totals.get(PUBLIC, 0))
    by_district = _crosstab(data, "district")
    return PlaceResult(
        params=Params(
            method=(
                "home = dwelling, public = any other known location type; exact conditional "
                "(binomial) 95% interval for the ratio of two Poisson counts"
            ),
            citation=CITATION,
            period=data.period,
        ),
        home_crimes=home,
        public_crimes=public,
        unknown_location_crimes=int(totals.get(UNKNOWN, 0)),
        home_public_ratio=home_public_ratio(home, public),
        table=by_district,
        by_district=by_district,
        by_offence_group=_crosstab(data, "offence_group"),
        by_location_type=by_type,
        placement=data.placement,
    )
