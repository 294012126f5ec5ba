"""Priority perpetrators: an explicit, adjustable Recency-Frequency-Gravity-Victims (RFGV) score.

Over a window of ``rfgv_window_days`` up to the period end, each perpetrator of an in-scope
crime gets four scores from 1 to 5, each from four band edges (settings):

- **Recency**: days from his last in-scope crime (recorded date) to the period end; within the
  first edge scores 5, within the second 4, ..., beyond the fourth 1.
- **Frequency**: in-scope crimes in the window; below the first edge scores 1, from the first 2,
  ..., from the fourth 5.
- **Gravity**: harm days (the harm weights) of those crimes, banded the same way.
- **Victims**: distinct female victims in those crimes, banded the same way.

The RFGV score is the weighted sum (``rfgv_weights``, default all 1, so 4-20). Ties are broken
by harm, then recency, then crimes, then person id, so the ranking is repeatable. Forces keep
their own RFGV matrices (e.g. the MATAC approach of Northumbria Police; Davies & Biddle 2018);
this one is written down so it can be argued with and changed. The ranking runs in the engine;
only the top ``rfgv_top_n`` rows come to Python, and only analyst (restricted) output shows them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import ibis
import ibis.expr.types as ir
import polars as pl

from vawg.config import Settings
from vawg.profile.data import ProfileData, to_polars
from vawg.results import Params, ResultMixin

__all__ = ["RfgvResult", "rfgv"]

CITATION = (
    "Davies, P. A. & Biddle, P. (2018) Implementing a perpetrator-focused partnership approach "
    "to tackling domestic abuse: the opportunities and challenges of criminal justice "
    "localism. Criminology & Criminal Justice 18(4), 468-487."
)


def _edges(values: tuple[float, ...]) -> tuple[float, float, float, float]:
    a, b, c, d = (float(v) for v in values)
    return a, b, c, d


def _more_is_worse(x: ir.NumericValue, edges: tuple[float, float, float, float]) -> ir.IntegerValue:
    a, b, c, d = edges
    return ibis.cases((x >= d, 5), (x >= c, 4), (x >= b, 3), (x >= a, 2), else_=1)


def _recent_is_worse(
    days: ir.NumericValue, edges: tuple[float, float, float, float]
) -> ir.IntegerValue:
    a, b, c, d = edges
    return ibis.cases((days <= a, 5), (days <= b, 4), (days <= c, 3), (days <= d, 2), else_=1)


@dataclass(frozen=True)
class RfgvResult(ResultMixin):
    """The RFGV ranking and its score distribution.

    ``table``: the top perpetrators (rank, person_id, last_recorded, days_since_last, crimes,
    harm_days, victims, recency, frequency, gravity, victims_score, score); person-level, for
    restricted output only. ``score_distribution``: score, perpetrators. ``bands``: factor,
    edges, scoring rule, weight.

    The top band: everyone scoring at least ``top_band_score`` (four fifths of the most a
    person can score: 16 of 20 with equal weights). ``top_band_people`` of them, whose crimes
    in the window did ``top_band_harm_share`` of the harm of all the crimes scored (None when
    nothing was scored, or in public output).
    """

    params: Params
    window: tuple[date, date]
    perpetrators_scored: int | None  # None = suppressed (public output)
    table: pl.DataFrame
    score_distribution: pl.DataFrame
    bands: pl.DataFrame
    top_band_score: float = 0.0
    top_band_people: int | None = None
    top_band_harm_share: float | None = None


TOP_BAND = 0.8
"""The top band starts at this share of the most a person can score."""


def rfgv(data: ProfileData, settings: Settings) -> RfgvResult:
    """Score and rank perpetrators of in-scope crimes in the RFGV window."""
    _, end = data.period
    start = max(end - timedelta(days=settings.rfgv_window_days - 1), data.period[0])
    recency = _edges(settings.rfgv_recency_days)
    frequency = _edges(settings.rfgv_frequency_crimes)
    gravity = _edges(settings.rfgv_gravity_days)
    victim_edges = _edges(settings.rfgv_victims)
    w_r, w_f, w_g, w_v = (float(w) for w in settings.rfgv_weights)

    crimes = data.crimes
    window = crimes.filter(crimes.recorded_date.between(start, end)).select(
        "crime_ref", "recorded_date", "harm_days"
    )
    links = data.offenders.select("crime_ref", "person_id").join(window, "crime_ref")
    per = links.group_by("person_id").aggregate(
        last_recorded=links.recorded_date.max(),
        crimes=links.crime_ref.nunique(),
        harm_days=links.harm_days.sum(),
    )
    pairs = links.select("crime_ref", "person_id").join(
        data.victims.select("crime_ref", victim_id=data.victims.person_id), "crime_ref"
    )
    victims = pairs.group_by("person_id").aggregate(victims=pairs.victim_id.nunique())
    per = per.left_join(victims, "person_id").select(
        "person_id", "last_recorded", "crimes", "harm_days", victims=victims.victims.fill_null(0)
    )
    days = ibis.literal(end).delta(per.last_recorded, unit="day")
    scored = per.mutate(days_since_last=days).mutate(
        recency=_recent_is_worse(days, recency),
        frequency=_more_is_worse(per.crimes, frequency),
        gravity=_more_is_worse(per.harm_days, gravity),
        victims_score=_more_is_worse(per.victims, victim_edges),
    )
    scored = scored.mutate(
        score=w_r * scored.recency
        + w_f * scored.frequency
        + w_g * scored.gravity
        + w_v * scored.victims_score
    )
    top_band = TOP_BAND * 5 * (w_r + w_f + w_g + w_v)
    in_band = scored.score >= top_band
    totals = to_polars(
        scored.aggregate(
            harm=scored.harm_days.sum(),
            band_harm=in_band.ifelse(scored.harm_days, 0).sum(),
            band_people=in_band.ifelse(1, 0).sum(),
        )
    ).row(0, named=True)
    harm_total = float(totals["harm"] or 0)
    ordered = scored.order_by(
        [
            ibis.desc("score"),
            ibis.desc("harm_days"),
            ibis.asc("days_since_last"),
            ibis.desc("crimes"),
            ibis.asc("person_id"),
        ]
    ).limit(settings.rfgv_top_n)
    top = (
        to_polars(ordered)
        .with_row_index("rank", offset=1)
        .with_columns(pl.col("rank").cast(pl.Int64))
    )
    top = top.select(
        "rank",
        "person_id",
        "last_recorded",
        "days_since_last",
        "crimes",
        "harm_days",
        "victims",
        "recency",
        "frequency",
        "gravity",
        "victims_score",
        "score",
    )
    distribution = to_polars(scored.group_by("score").aggregate(perpetrators=scored.count())).sort(
        "score", descending=True
    )
    n = int(distribution["perpetrators"].sum()) if distribution.height else 0
    bands = pl.DataFrame(
        {
            "factor": ["recency", "frequency", "gravity", "victims"],
            "measure": [
                "days from last in-scope crime to period end",
                "in-scope crimes in the window",
                "harm days of those crimes",
                "distinct victims in those crimes",
            ],
            "edges": [
                ", ".join(f"{e:g}" for e in x) for x in (recency, frequency, gravity, victim_edges)
            ],
            "rule": [
                "<= 1st edge: 5, <= 2nd: 4, <= 3rd: 3, <= 4th: 2, else 1",
                ">= 4th edge: 5, >= 3rd: 4, >= 2nd: 3, >= 1st: 2, else 1",
                ">= 4th edge: 5, >= 3rd: 4, >= 2nd: 3, >= 1st: 2, else 1",
                ">= 4th edge: 5, >= 3rd: 4, >= 2nd: 3, >= 1st: 2, else 1",
            ],
            "weight": [w_r, w_f, w_g, w_v],
        }
    )
    return RfgvResult(
        params=Params(
            method=(
                f"RFGV score over {start:%-d %b %Y} to {end:%-d %b %Y}: weighted sum of four "
                "1-5 band scores; ties by harm, recency, crimes, person id"
            ),
            citation=CITATION,
            period=data.period,
            settings={
                "rfgv_window_days": settings.rfgv_window_days,
                "rfgv_recency_days": list(recency),
                "rfgv_frequency_crimes": list(frequency),
                "rfgv_gravity_days": list(gravity),
                "rfgv_victims": list(victim_edges),
                "rfgv_weights": [w_r, w_f, w_g, w_v],
                "rfgv_top_n": settings.rfgv_top_n,
            },
        ),
        window=(start, end),
        perpetrators_scored=n,
        table=top,
        score_distribution=distribution,
        bands=bands,
        top_band_score=top_band,
        top_band_people=int(totals["band_people"] or 0),
        top_band_harm_share=float(totals["band_harm"] or 0) / harm_total if harm_total else None,
    )
