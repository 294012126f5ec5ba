"""The profile's main points: what a bulletin would say first, as numbers.

1. Crimes recorded in the latest financial year against the year before (the same twelve
   months a year earlier): a ratio of two Poisson counts with its score interval and test
   (:func:`vawg.stats.rate_ratio`); the change is called clear when the 95% interval leaves
   out "no change".
2. The rate: crimes per 1,000 women and girls per year over the whole period
   (:func:`vawg.stats.rate_per_1000_per_year`).
3. The trend over the whole period (the volume model's rate ratio per year).
4. How concentrated harm is, and how many victims are harmed more than once.

A public profile gives its main points from its own (rounded) figures, so nothing here can
reveal more than the public tables do.
"""

from __future__ import annotations

import math
from datetime import date

import polars as pl

from vawg.profile.data import UNKNOWN_DISTRICT
from vawg.profile.harm import SENSITIVITY, HarmResult
from vawg.profile.overview import Overview, period_years
from vawg.profile.profile import ProfileResult
from vawg.results import Estimate, MainPoint, excludes
from vawg.stats import rate_per_1000_per_year, rate_ratio, wilson_interval

__all__ = ["harm_caveat", "overview_main_points", "profile_main_points", "year_on_year"]

_CLEAR = "the 95% interval of the change leaves out no change"


def _fy_span(label: str, period: tuple[date, date]) -> tuple[date, date]:
    """The days of financial year ``2021/22`` that fall in ``period``."""
    first = int(label[:4])
    return max(date(first, 4, 1), period[0]), min(date(first + 1, 3, 31), period[1])


def _finite(e: Estimate | None) -> bool:
    """A figure that can be said (a withheld or undefined one is null or NaN)."""
    return e is not None and e.estimate is not None and math.isfinite(e.estimate)


def year_on_year(r: ProfileResult) -> MainPoint | None:
    """Crimes recorded in the latest financial year against the year before, as the profile's
    first main point (and the open site's front page, from the public profile)."""
    years = r.volume.by_financial_year.filter(pl.col("crimes").is_not_null()).sort("financial_year")
    if years.height < 2:
        return None
    (fy0, n0), (fy1, n1) = years.select("financial_year", "crimes").rows()[-2:]
    span0, span1 = _fy_span(fy0, r.period), _fy_span(fy1, r.period)
    days0, days1 = (span0[1] - span0[0]).days + 1, (span1[1] - span1[0]).days + 1
    change = rate_ratio(int(n1), days1, int(n0), days0)
    return MainPoint(
        topic="VAWG crimes recorded",
        measure="count",
        value=Estimate(float(n1), math.nan, math.nan),
        period=span1,
        change=change,
        change_kind="ratio",
        comparison=span0,
        comparison_value=float(n0),
        clear=excludes(change, 1.0),
        tested=_CLEAR + " (score interval for a ratio of two Poisson rates)",
        note=(
            "Recorded crime reflects reporting and recording as well as offending."
            if days0 == days1
            else "The two years are compared per day: one of them is only partly in the period."
        ),
    )


def profile_main_points(r: ProfileResult) -> tuple[MainPoint, ...]:
    """Three to five main points of the profile (fewer when a figure is withheld)."""
    points: list[MainPoint] = []
    yoy = year_on_year(r)
    if yoy is not None:
        points.append(yoy)
    rate = r.volume.rate_per_1000_per_year
    if _finite(rate):
        points.append(
            MainPoint(
                topic="VAWG crimes per 1,000 women and girls per year",
                measure="rate",
                value=rate,
                period=r.period,
                note="Female residents of all ages (ONS mid-2019) are the denominator.",
            )
        )
    trend = r.volume.trend.rate_ratio_per_year
    if _finite(trend):
        points.append(
            MainPoint(
                topic="The trend in recorded VAWG crimes",
                measure="trend",
                value=None,
                period=r.period,
                change=trend,
                change_kind="ratio_per_year",
                clear=excludes(trend, 1.0),
                tested=_CLEAR + f" ({r.volume.trend.model} regression of monthly counts)",
            )
        )
    top = r.harm.harm_share_top_10pct
    if _finite(top):
        points.append(
            MainPoint(
                topic="Share of all recorded harm caused by the most harmful 10% of perpetrators "
                "(suspects or offenders)",
                measure="share",
                value=top,
                period=r.period,
                note=harm_caveat(r.harm),
            )
        )
    repeat = r.people.repeat_victim_share
    if _finite(repeat):
        points.append(
            MainPoint(
                topic="Share of victims harmed in two or more recorded crimes",
                measure="share",
                value=repeat,
                period=r.period,
            )
        )
    return tuple(points[:5])


def harm_caveat(harm: HarmResult) -> str:
    """What the harm headline rests on, with the same figure under the other weightings: its
    interval covers only which perpetrators happen to be in the data, not the weights."""
    rows = harm.sensitivity.filter(pl.col("top_pct") == 10)
    other = {
        w: s
        for w, s in rows.select("weighting", "harm_share").iter_rows()
        if s is not None and math.isfinite(s)
    }
    text = (
        "Each crime is weighted by a typical sentence for its kind of offence (Cambridge Crime "
        "Harm Index days); the interval does not cover doubt about those weights."
    )
    means, equal = other.get(SENSITIVITY[1]), other.get(SENSITIVITY[2])
    if means is not None and equal is not None:
        text += (
            f" With each offence type's average weight instead it is {means:.0%}, and counting "
            f"every crime equally {equal:.0%}."
        )
    return text


def overview_main_points(
    o: Overview, *, domestic_abuse_fixed: bool = False
) -> tuple[MainPoint, ...]:
    """The open site's front-page points, from the (public) overview's own figures: the rate
    per 1,000 women and girls a year over the period, the share flagged domestic abuse and
    crimes at home for each crime in a public place (from the overview's own totals, left out
    when one is withheld), each with its 95% interval. Nothing is used that the page does not publish, so nothing here
    reveals more than the public tables do. The year-on-year change is not made here: a
    sum of rounded monthly counts would not match the profile's rounded yearly total, so the
    site puts the public profile's own point (:func:`year_on_year`) first on the front page.

    ``domestic_abuse_fixed``: the crimes were chosen by their domestic abuse flag, so the share
    flagged is 100% or 0% by construction and is left out."""
    points: list[MainPoint] = []
    period = o.params.period
    crimes = o.kpis.get("crimes")
    placed = o.by_district.filter(pl.col("district") != UNKNOWN_DISTRICT)
    population = float(placed["female_population"].drop_nulls().sum()) if placed.height else 0.0
    if crimes is not None and population:
        points.append(
            MainPoint(
                topic="VAWG crimes recorded per 1,000 women and girls a year",
                measure="rate",
                value=rate_per_1000_per_year(int(crimes), population, period_years(period)),
                period=period,
                note=f"{int(crimes):,} crimes in all; female residents of all ages (ONS "
                "mid-2019) are the denominator. Most of this violence is never reported.",
            )
        )
    k = o.kpis
    da, home, public = (k.get(n) for n in ("domestic_abuse_crimes", "home_crimes", "public_crimes"))
    if crimes and da is not None and not domestic_abuse_fixed:
        low, high = wilson_interval(int(da), int(crimes))
        points.append(
            MainPoint(
                topic="Share of these crimes flagged domestic abuse",
                measure="share",
                value=Estimate(da / crimes, low, high),
                period=period,
            )
        )
    if home is not None and public:
        ratio = rate_ratio(int(home), 1.0, int(public), 1.0)
        points.append(
            MainPoint(
                topic="Crimes at home for every crime in a public place",
                measure="ratio",
                value=Estimate(ratio.estimate, ratio.ci_low, ratio.ci_high),
                period=period,
                note="Crimes with no recorded place are left out.",
            )
        )
    return tuple(points)
