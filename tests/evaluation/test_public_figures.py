"""The public place and programme evaluations publish their estimates coarsely enough not to
give back the exact counts whose rounding protects them (``vawg.disclosure.figures``).

The attack the tests make is the one a reader can make: a rate ratio of two periods and two
groups is exactly ``(T_after / T_before) / (C_after / C_before)`` (``vawg.evaluation.did``), so
try every set of true counts the published rounded counts allow and keep those whose ratio
gives the published ratio. To full precision only one set fits; published, many do."""

from __future__ import annotations

import dataclasses
import itertools
import re

import polars as pl
import pytest

from vawg.disclosure import (
    WITHHELD_FINDING,
    published_figure,
    published_harm,
    published_ratio,
    round_count,
)
from vawg.disclosure.figures import significant
from vawg.evaluation.public import disclose_evaluation
from vawg.programme.analysis import finding
from vawg.programme.cohort import COVARIATES
from vawg.programme.public import _conclusion, disclose_programme
from vawg.results import Estimate

from .conftest import FAST, Evaluated

FOUR = ("treated_before", "treated_after", "comparison_before", "comparison_after")


def _candidates(shown: int, base: int) -> range:
    """The true counts a shown (rounded) count can stand for."""
    return range(max(shown - base // 2, base), shown + base // 2 + 1)


def _fitting(counts: dict[str, int | None], fits: object, base: int) -> list[tuple[int, ...]]:
    """Every set of true counts the rounded ``counts`` allow whose ratio of ratios passes
    ``fits`` (a predicate on the ratio)."""
    ranges = [_candidates(int(counts[k] or 0), base) for k in FOUR]
    out = []
    for tb, ta, cb, ca in itertools.product(*ranges):
        if fits((ta / tb) / (ca / cb)):  # type: ignore[operator]
            out.append((tb, ta, cb, ca))
    return out


def test_the_exact_ratio_gives_the_counts_back_and_the_published_one_does_not(
    planted: Evaluated,
) -> None:
    base = FAST.disclosure_threshold
    public = disclose_evaluation(planted.place, FAST)
    tried = 0
    for exact, shown in zip(planted.place.interventions, public.interventions, strict=True):
        if shown.rate_ratio is None:
            continue
        tried += 1
        true = tuple(exact.counts[k] for k in FOUR)
        # the rounded counts are what the report shows
        assert all(shown.counts[k] == round_count(exact.counts[k], base) for k in FOUR)
        # to full precision (as published before): exactly one set of counts, the true one
        assert exact.rate_ratio is not None
        full = _fitting(
            shown.counts, lambda r, e=exact.rate_ratio.estimate: abs(r - e) < 1e-9, base
        )
        assert full == [true]
        # published to 2 decimal places: the true set among several
        rr = shown.rate_ratio.estimate
        assert rr == round(rr, 2)
        fits = _fitting(shown.counts, lambda r, rr=rr: round(r, 2) == rr, base)
        assert true in fits and len(fits) >= 5, fits
        # crimes averted, T_after x (1/ratio - 1), to full precision gave T_after by a division
        averted = shown.crimes_averted
        assert averted is not None and averted.estimate == significant(averted.estimate)
        after = {
            ta
            for ta in _candidates(int(shown.counts["treated_after"] or 0), base)
            for r in (rr - 0.005, rr + 0.005)
            if significant(ta * (1 / r - 1)) == averted.estimate
            or significant(ta * (1 / rr - 1)) == averted.estimate
        }
        assert len(after) >= 2, after
    assert tried, "the planted force has an intervention with a published estimate"


def test_the_public_finding_is_worded_from_the_published_ratio(planted: Evaluated) -> None:
    public = disclose_evaluation(planted.place, FAST)
    worded = [e for e in public.interventions if e.rate_ratio is not None]
    if public.pooled is not None and public.pooled.rate_ratio is not None:
        worded.append(public.pooled)  # type: ignore[arg-type]
    assert worded
    for e in worded:
        assert e.rate_ratio is not None
        change = 100 * abs(round(e.rate_ratio.estimate, 2) - 1)
        # "a rise of 4.0%" from 1.04, never "3.8%" from the exact 1.038...
        point = re.search(r"estimate a (?:rise|fall) of ([\d.]+)%|by ([\d.]+)%", e.conclusion)
        assert point, e.conclusion
        assert float(point.group(1) or point.group(2)) == pytest.approx(change, abs=0.051)


def test_event_study_and_harm_are_published_coarsely(planted: Evaluated) -> None:
    public = disclose_evaluation(planted.place, FAST)
    min_base = FAST.disclosure_min_base
    for exact, shown in zip(planted.place.interventions, public.interventions, strict=True):
        for column in ("rate_ratio", "ci_low", "ci_high"):
            values = (
                shown.event_study[column].drop_nulls().to_list()
                if column in (shown.event_study.columns)
                else []
            )
            assert all(v == round(v, 2) for v in values), (column, values)
        for when in ("before", "after"):
            harm = getattr(shown, f"{when}_harm_days")
            true = exact.counts[f"treated_{when}"]
            # withheld with any withheld count of the evaluation, and below the minimum base
            hidden = any(v is None for v in shown.counts.values())
            if true < min_base or hidden:
                assert harm is None, (exact.intervention.intervention_id, when, true, harm)
            else:
                assert harm == published_harm(getattr(exact, f"{when}_harm_days"))
                assert harm is not None and harm % 100 == 0


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        (1.0383036935704537, 1.0),
        (-1.2173913043478948, -1.2),
        (-166.62242562930004, -170.0),
        (3275.3834628308364, 3300.0),
        (0.0, 0.0),
        (0.995473, 1.0),
        (0.0649, 0.065),
        (float("inf"), float("inf")),
    ],
)
def test_significant_figures_by_hand(value: float, shown: float) -> None:
    assert significant(value) == shown


def test_published_ratio_and_figure_by_hand() -> None:
    ratio = published_ratio(Estimate(1.0383036935704537, 0.5927949888, 1.8186296787, 0.89542))
    assert ratio == Estimate(1.04, 0.59, 1.82, 0.9)
    figure = published_figure(Estimate(-1.2173913043, -14.854469667, 22.668486783))
    assert figure == Estimate(-1.2, -15.0, 23.0)
    assert published_ratio(None) is None and published_figure(None) is None


def test_a_withheld_hazard_ratio_is_not_worded(planted: Evaluated) -> None:
    programme = next(p for p in planted.programme.programmes if p.hazard_ratio is not None)
    concluding = dataclasses.replace(programme, can_conclude=True)
    # withheld with a small count: its words would give the ratio back
    assert _conclusion(concluding, None, None, ()) == WITHHELD_FINDING
    shown = published_ratio(programme.hazard_ratio)
    assert shown is not None and shown.estimate == round(shown.estimate, 2)
    assert _conclusion(concluding, shown, None, ()) == finding(shown, None)


def test_the_balance_table_gives_no_count_of_crimes_back(planted: Evaluated) -> None:
    # The treated areas' mean crimes a month before the start was published to full precision:
    # 2.0427350427350426 is 239 / 117, the exact count of 3 areas over 39 months.
    public = disclose_evaluation(planted.place, FAST)
    counted = ("crimes a month before the start", "trend before the start")
    seen = 0
    for exact, shown in zip(planted.place.interventions, public.interventions, strict=True):
        if exact.balance.is_empty():
            continue
        seen += 1
        for row, full in zip(shown.balance.to_dicts(), exact.balance.to_dicts(), strict=True):
            if row["covariate"].startswith(counted):
                assert full["treated_mean"] is not None
                assert row["treated_mean"] is None and row["matched_mean"] is None
                assert row["pool_mean"] is None
            else:  # deprivation, pubs, town centres: public figures of the areas
                assert row["treated_mean"] == full["treated_mean"]
            for column in ("smd_before", "smd_after"):
                assert row[column] == round(full[column], 2)
        if exact.pre_trend is not None:
            assert shown.pre_trend is not None
            ratio = shown.pre_trend.ratio_per_year
            assert ratio.estimate == round(exact.pre_trend.ratio_per_year.estimate, 2)
    assert seen


def test_the_synthetic_control_gives_no_count_of_crimes_back(planted: Evaluated) -> None:
    # Its summary was published to full precision: the treated areas' mean crimes a quarter
    # before the start, times the areas and quarters, is their exact count (in the demo
    # 1.1025641025641024 = 43 / 39, published as 45).
    public = disclose_evaluation(planted.place, FAST)
    seen = 0
    for exact, shown in zip(planted.place.interventions, public.interventions, strict=True):
        if not shown.synthetic_fit:
            continue
        seen += 1
        full, fit = exact.synthetic_fit, shown.synthetic_fit
        areas = len(exact.intervention.lsoas)
        quarters = exact.synthetic.filter(pl.col("quarter") < 0).height
        assert full["pre_mean"] is not None
        assert float(full["pre_mean"]) * areas * quarters == pytest.approx(
            exact.counts["treated_before"]
        )  # the attack, on the analysts' figure
        assert fit["pre_mean"] is None
        assert fit["ratio"] == round(float(full["ratio"] or 0), 2)
        assert fit["p_value"] == float(f"{full['p_value']:.2g}")  # 2 significant figures
        for gap in ("pre_rmspe", "post_rmspe"):
            assert fit[gap] == round(float(full[gap] or 0), 2)
        assert fit["placebo_areas"] == full["placebo_areas"]
    assert seen


def test_the_programme_balance_table_gives_no_number_of_people_back(planted: Evaluated) -> None:
    # Its group means were published to full precision: the participants' mean prior
    # offences is a fraction whose denominator is their exact number and whose numerator
    # their exact count of offences.
    public = disclose_programme(planted.programme, FAST)
    seen = 0
    for exact, shown in zip(planted.programme.programmes, public.programmes, strict=True):
        if exact.balance.is_empty():
            continue
        seen += 1
        n = int(exact.analysed or 0)
        prior = exact.balance.filter(pl.col("covariate") == COVARIATES["prior_offences"])
        total = float(prior["treated_mean"][0]) * n
        assert total == pytest.approx(round(total), abs=1e-6)  # the attack, on the analysts'
        assert n >= FAST.disclosure_min_base
        for row, full in zip(shown.balance.to_dicts(), exact.balance.to_dicts(), strict=True):
            for column in ("treated_mean", "pool_mean", "matched_mean"):
                assert row[column] == float(f"{full[column]:.2g}")  # 2 significant figures
            for column in ("smd_before", "smd_after"):
                assert row[column] == round(full[column], 2)
        few = dataclasses.replace(exact, analysed=FAST.disclosure_min_base - 1)
        small = disclose_programme(
            dataclasses.replace(planted.programme, programmes=(few,)), FAST
        ).programmes[0]
        assert small.balance["treated_mean"].null_count() == small.balance.height
        assert small.balance["smd_after"].to_list() == shown.balance["smd_after"].to_list()
    assert seen
