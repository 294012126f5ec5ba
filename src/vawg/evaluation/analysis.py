"""Did it work? :func:`place_evaluation` evaluates every intervention in ``interventions.csv``.

For each intervention (:mod:`vawg.evaluation.place`) and for all of them together
(:mod:`vawg.evaluation.pooled`): the in-scope VAWG crimes in public places in the evening and
at night, per LSOA and month, in the treated areas before and after the start, against
matched comparison areas; a difference-in-differences rate ratio with an event study and a
pre-trend test; a synthetic control as a second estimator; displacement into the ring; crimes
and harm averted; the cost per crime and per day of harm averted; and a plain statement when
the data cannot support a conclusion.
"""

from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass
from datetime import date, timedelta

import polars as pl

from vawg.config import Settings
from vawg.datasets import kent_lsoas
from vawg.errors import InputError
from vawg.evaluation.did import DID_CITATION
from vawg.evaluation.displacement import WDQ_CITATION
from vawg.evaluation.events import PUBLIC, CrimeEvents, crime_events, hours_text
from vawg.evaluation.interventions import monthly_outcome, read_interventions
from vawg.evaluation.matching import MATCHING_CITATION
from vawg.evaluation.place import InterventionEvaluation, evaluate_intervention, first_after
from vawg.evaluation.pooled import PooledEvaluation, pooled_evaluation
from vawg.evaluation.synthetic import SYNTH_CITATION
from vawg.inputs.frames import area_table
from vawg.query import Tables
from vawg.results import Estimate, MainPoint, Params, ResultMixin, excludes

__all__ = ["PlaceEvaluationResult", "place_evaluation"]

CITATION = f"{DID_CITATION} {SYNTH_CITATION} {WDQ_CITATION} {MATCHING_CITATION}"


@dataclass(frozen=True)
class PlaceEvaluationResult(ResultMixin):
    """Every intervention evaluated, and the pooled estimate.

    ``table``: one row per intervention: intervention_id, name, type, start_date, cost,
    before_months, after_months, crimes_before, crimes_after, rate_ratio, ci_low, ci_high,
    p_value, crimes_averted, cost_per_crime_averted, can_conclude, conclusion (the rate ratio
    and what follows from it are there even when no conclusion can be drawn: reports say so
    instead of printing them).
    """

    params: Params
    table: pl.DataFrame
    interventions: tuple[InterventionEvaluation, ...]
    pooled: PooledEvaluation | None
    evening_night_hour: tuple[int, int]  # from, to (18, 6 = 18:00 to 05:59)
    months: tuple[date, date]
    outcome: str
    imd: str
    public: bool
    notes: tuple[str, ...]

    @property
    def main_points(self) -> tuple[MainPoint, ...]:
        """What the report opens with: the pooled effect and each intervention's that can
        support a conclusion (as a change against the comparison areas, with its interval),
        each followed by a clear change in the ring around the scheme (possible displacement),
        and how many interventions could be evaluated. Read from this Result's own fields, so
        the public Result's points are its published figures."""
        points: list[MainPoint] = []
        evaluable = [e for e in self.interventions if e.can_conclude and e.rate_ratio]
        points.append(
            MainPoint(
                topic="Safer Streets schemes with enough crimes to draw a conclusion (out of "
                f"{len(self.interventions)} evaluated)",
                measure="count",
                value=Estimate(float(len(evaluable)), math.nan, math.nan),
                note=_which_schemes(evaluable, len(self.interventions)),
            )
        )
        pooled = self.pooled
        if pooled is not None and pooled.can_conclude and pooled.rate_ratio is not None:
            points.append(_effect_point(
                f"All {len(pooled.included)} interventions together, public-place evening and "
                "night VAWG against matched comparison areas",
                pooled.rate_ratio,
                " ".join(pooled.cautions),
            ))  # fmt: skip
        if pooled is not None and pooled.can_conclude and excludes(pooled.ring_ratio, 1.0):
            assert pooled.ring_ratio is not None
            points.append(
                _ring_point(
                    f"All {len(pooled.included)} interventions together",
                    "them",
                    pooled.ring_ratio,
                    " ".join(pooled.cautions),
                )
            )
        for e in evaluable:
            assert e.rate_ratio is not None
            points.append(
                _effect_point(
                    f"{e.intervention.name}, against matched comparison areas",
                    e.rate_ratio,
                    " ".join(e.cautions),
                )
            )
            if excludes(e.ring_ratio, 1.0):
                assert e.ring_ratio is not None
                points.append(
                    _ring_point(
                        e.intervention.name, "the scheme", e.ring_ratio, " ".join(e.cautions)
                    )
                )
        return tuple(points)


def _which_schemes(evaluable: list[InterventionEvaluation], evaluated: int) -> str:
    """Which schemes a conclusion could be drawn for, by name, so the count is quotable:
    ``Ramsgate: CCTV. The other 7 had too few crimes or no usable estimate.``"""
    if not evaluable:
        return "None had enough crimes for a usable estimate."
    names = "; ".join(e.intervention.name for e in evaluable)
    rest = evaluated - len(evaluable)
    lead = "That is" if len(evaluable) == 1 else "They are"
    tail = (
        ""
        if rest == 0
        else f" The other {rest} had too few crimes or no usable estimate."
        if rest > 1
        else " The other one had too few crimes or no usable estimate."
    )
    return f"{lead} {names}.{tail}"


def _effect_point(topic: str, ratio: Estimate, note: str = "") -> MainPoint:
    """An effect against comparison areas; ``note``: the caveat it carries (a poor match)."""
    return MainPoint(
        topic=topic,
        measure="effect",
        value=None,
        change=ratio,
        clear=excludes(ratio, 1.0),
        better_when="lower",
        tested="95% confidence interval",
        note=note,
    )


def _ring_point(name: str, around: str, ratio: Estimate, note: str = "") -> MainPoint:
    """A clear change in the ring around a scheme (where crime could have moved to): a rise is
    possible displacement, a fall benefits that may have spread."""
    why = "possible displacement" if ratio.estimate > 1 else "benefits may have spread"
    return _effect_point(
        f"{name}, crime in the ring around {around} ({why}), against matched comparison areas",
        ratio,
        note,
    )


def _summary(evaluations: list[InterventionEvaluation]) -> pl.DataFrame:
    rows = []
    for e in evaluations:
        iv, rr, saved, cost = (
            e.intervention,
            e.rate_ratio,
            e.crimes_averted,
            e.cost_per_crime_averted,
        )
        rows.append(
            {
                "intervention_id": iv.intervention_id,
                "name": iv.name,
                "type": iv.type,
                "start_date": iv.start,
                "cost": iv.cost,
                "before_months": e.before_months,
                "after_months": e.after_months,
                "crimes_before": e.counts["treated_before"],
                "crimes_after": e.counts["treated_after"],
                "rate_ratio": rr.estimate if rr else None,
                "ci_low": rr.ci_low if rr else None,
                "ci_high": rr.ci_high if rr else None,
                "p_value": rr.p_value if rr else None,
                "crimes_averted": saved.estimate if saved else None,
                "cost_per_crime_averted": cost.estimate if cost else None,
                "can_conclude": e.can_conclude,
                "conclusion": e.conclusion,
            }
        )
    return pl.DataFrame(
        rows,
        schema={
            "intervention_id": pl.String,
            "name": pl.String,
            "type": pl.String,
            "start_date": pl.Date,
            "cost": pl.Float64,
            "before_months": pl.Int64,
            "after_months": pl.Int64,
            "crimes_before": pl.Int64,
            "crimes_after": pl.Int64,
            "rate_ratio": pl.Float64,
            "ci_low": pl.Float64,
            "ci_high": pl.Float64,
            "p_value": pl.Float64,
            "crimes_averted": pl.Float64,
            "cost_per_crime_averted": pl.Float64,
            "can_conclude": pl.Boolean,
            "conclusion": pl.String,
        },
    )


def _month_range(first_day: date, last_day: date) -> tuple[date, date]:
    """The first and last whole calendar months between two days."""
    first = first_after(first_day)
    month = last_day.replace(day=1)
    if (last_day + timedelta(days=1)).day == 1:
        return first, month
    return first, date(month.year - (month.month == 1), (month.month - 2) % 12 + 1, 1)


def place_evaluation(
    tables: Tables, settings: Settings, *, events: CrimeEvents | None = None
) -> PlaceEvaluationResult:
    """Evaluate every loaded intervention (see module docstring). ``events``: the whole
    extract's :func:`~vawg.evaluation.events.crime_events`, when the caller already has them
    (the programme evaluation reads the same)."""
    areas, area_source = area_table(tables)
    interventions = read_interventions(tables, areas, float(settings.evaluation_ring_metres))
    if not interventions:
        raise InputError(
            "no interventions are loaded; load an interventions.csv (see docs/data-contract.md) "
            "with `vawg ingest`"
        )
    if events is None:
        events = crime_events(tables, settings, whole_extract=True)
    notes = list(events.notes)
    first_month, last_month = _month_range(events.first_day, events.last_day)
    if (last_month.year, last_month.month) != (events.last_day.year, events.last_day.month):
        # the day the crimes are counted to (a note above) is not the end of the months shown
        notes.append(
            f"Safer Streets compares whole calendar months only, so it runs from "
            f"{first_month:%B %Y} to {last_month:%B %Y}: {events.last_day:%B %Y} is not "
            "complete."
        )
    outcome = events.crimes.filter(pl.col("place") == PUBLIC, pl.col("evening_night"))
    outcome = outcome.filter(pl.col("day").is_between(first_month, events.last_day))
    codes = areas["lsoa_code"].to_list()
    harms = outcome.filter(pl.col("day") <= last_month.replace(day=28) + timedelta(days=4)).select(
        "lsoa_code", "harm_days"
    )
    panel = monthly_outcome(
        outcome.filter(pl.col("lsoa_code").is_in(codes)), codes, first_month, last_month
    )
    if areas["imd_score"].null_count() == 0:
        imd = "imd_score"
    else:
        imd = "imd_decile"
        notes.append(
            "Deprivation is matched on the deprivation decile (1 = the most deprived tenth of "
            "areas), because the deprivation score is not known for some neighbourhoods."
        )
    known_flag = areas["town_centre"].null_count() == 0
    if not known_flag:
        notes.append(
            "Which neighbourhoods are town centres is not known, so comparison areas are not "
            "matched on it."
        )
        areas = areas.with_columns(pl.col("town_centre").fill_null(False))
    areas = areas.with_columns(pl.col("pubs").fill_null(0))
    treated_or_ring = {c for iv in interventions for c in (*iv.lsoas, *iv.ring)}
    candidates = [c for c in codes if c not in treated_or_ring]
    evaluations = [
        evaluate_intervention(
            iv,
            panel,
            areas,
            candidates,
            settings,
            harms=harms,
            imd=imd,
            exact_town_centre=known_flag,
        )
        for iv in interventions
    ]
    # areas are named, as the hot-spot and targeting reports name them
    names = dict(kent_lsoas().select("lsoa_code", "lsoa_name").drop_nulls().iter_rows())
    evaluations = [
        dataclasses.replace(
            e,
            area_names={c: names[c] for c in (*e.intervention.lsoas, *e.comparisons) if c in names},
        )
        for e in evaluations
    ]
    pooled = pooled_evaluation(evaluations, panel, settings, harms=harms)
    return PlaceEvaluationResult(
        params=Params(
            method=(
                "difference-in-differences (Poisson, area and month fixed effects, quasi-Poisson "
                "errors) against matched comparison LSOAs, with an event study and a pre-trend "
                "test; synthetic control; weighted displacement quotient; stacked pooled estimate"
            ),
            citation=CITATION,
            period=(first_month, last_month),
            seed=settings.seed,
            settings={
                "evening_night_hours": list(events.hours),
                "evaluation_ring_metres": float(settings.evaluation_ring_metres),
                "evaluation_comparisons_per_area": settings.evaluation_comparisons_per_area,
                "evaluation_min_crimes": settings.evaluation_min_crimes,
                "evaluation_min_pre_months": settings.evaluation_min_pre_months,
                "evaluation_min_post_months": settings.evaluation_min_post_months,
                "area_source": area_source,
                "harm_weights": events.harm_source,
            },
        ),
        table=_summary(evaluations),
        interventions=tuple(evaluations),
        pooled=pooled,
        evening_night_hour=events.hours,
        months=(first_month, last_month),
        outcome=(
            "in-scope VAWG crimes in public places committed from "
            f"{hours_text(events.hours)}, per LSOA and calendar month"
        ),
        imd=imd,
        public=False,
        notes=tuple(notes),
    )
