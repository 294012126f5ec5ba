"""The public audit's figures made from small groups: a withheld share takes its counts with it,
and a median time (with its interval and curve) needs a group of at least 30."""

from __future__ import annotations

import polars as pl

from vawg.config import Settings
from vawg.outcomes.agencies import AgencyResult
from vawg.outcomes.public import public_agencies, public_satisfaction, public_survival
from vawg.outcomes.survival import SurvivalResult
from vawg.results import Params

LEAST = Settings().disclosure_min_base


def test_the_minimum_group_is_a_setting_of_30() -> None:
    assert LEAST == 30


def test_a_withheld_satisfaction_share_takes_its_counts_with_it() -> None:
    # The demo's public audit showed "Whole experience | Apr-Sep 2021 | 25 | 10 | - | -": a
    # reader works out 40% from the counts beside the dash (the true share, 11 of 23, is 48%).
    table = pl.DataFrame(
        {
            "half": ["2021H1", "2021H2"],
            "item": ["whole_experience", "whole_experience"],
            "group": ["all", "all"],
            "answered": [23, 41],  # published as 25 (under 30) and 40
            "satisfied": [11, 19],  # published as 10 and 20
        }
    )
    public = public_satisfaction(table, 5, LEAST)
    rows = {r["half"]: r for r in public.iter_rows(named=True)}
    small, large = rows["2021H1"], rows["2021H2"]
    assert [small[c] for c in ("answered", "satisfied", "estimate", "ci_low", "ci_high")] == [
        None
    ] * 5
    # 40 answered: the share is shown, from the published counts (20 of 40)
    assert (large["answered"], large["satisfied"]) == (40, 20)
    assert large["estimate"] == 0.5
    assert large["ci_low"] < 0.5 < large["ci_high"]


def _survival() -> SurvivalResult:
    keys = {"half": ["2021H1"] * 3, "dimension": ["all", "offence_group", "offence_group"]}
    table = pl.DataFrame(
        {
            **keys,
            "value": ["all", "drink_spiking", "rape"],
            "n": [45, 5, 40],
            "outcomes": [35, 5, 30],
            "open": [10, 0, 10],
            "median_days": [45.0, 14.0, 50.0],  # drink spiking: 5 crimes, a median of 14 days
            "ci_low": [40.0, 6.0, 40.0],
            "ci_high": [70.0, 120.0, 70.0],
        }
    )
    curves = pl.DataFrame(
        {
            "half": ["2021H1"] * 6,
            "dimension": [
                "all",
                "all",
                "offence_group",
                "offence_group",
                "offence_group",
                "offence_group",
            ],
            "value": ["all", "all", "drink_spiking", "drink_spiking", "rape", "rape"],
            "days": [6, 50, 6, 14, 10, 50],
            "at_risk": [45, 30, 5, 5, 40, 25],
            "outcomes_so_far": [5, 20, 0, 5, 10, 20],
            "share_with_outcome": [0.1, 0.5, 0.0, 1.0, 0.25, 0.5],
            "ci_low": [0.05, 0.4, 0.0, 0.5, 0.15, 0.4],
            "ci_high": [0.2, 0.6, 0.4, 1.0, 0.35, 0.6],
        }
    )
    return SurvivalResult(params=Params(method="Kaplan-Meier"), table=table, curves=curves)


def test_no_median_time_for_a_group_under_the_minimum() -> None:
    # The demo's public audit gave drink spiking "14 days, 6-120 days, 5 crimes": in a group of
    # 5 the median and the interval's ends are single crimes' times.
    public = public_survival(_survival(), 5, LEAST)
    rows = {r["value"]: r for r in public.table.iter_rows(named=True)}
    spiking = rows["drink_spiking"]
    assert spiking["n"] == 5  # its size is a count, published as the rule allows
    assert (spiking["median_days"], spiking["ci_low"], spiking["ci_high"]) == (None, None, None)
    # groups of 30 or more keep their median and interval
    assert (rows["rape"]["median_days"], rows["rape"]["ci_low"], rows["rape"]["ci_high"]) == (
        50.0,
        40.0,
        70.0,
    )
    assert rows["all"]["median_days"] == 45.0
    # and its curve goes too; the large groups' curves stay
    assert set(public.curves["value"]) == {"all", "rape"}


def test_no_median_agency_time_for_a_stage_under_the_minimum() -> None:
    counts = pl.DataFrame(
        schema={
            "half": pl.String,
            "agency": pl.String,
            "stage": pl.String,
            "result": pl.String,
            "count": pl.Int64,
        }
    )
    timeliness = pl.DataFrame(
        {
            "half": ["2021H1", "2021H1"],
            "stage": ["first_hearing", "verdict"],
            "n": [40, 8],  # 8 verdicts: published as 10, but no median of them
            "median_days": [58.0, 97.0],
            "ci_low": [54.0, 72.0],
            "ci_high": [65.0, 114.0],
        }
    )
    result = AgencyResult(
        params=Params(method="agencies"), table=pl.DataFrame(), counts=counts, timeliness=timeliness
    )
    public = public_agencies(result, [], 5, LEAST).timeliness
    rows = {r["stage"]: r for r in public.iter_rows(named=True)}
    assert rows["verdict"]["n"] == 10
    assert (rows["verdict"]["median_days"], rows["verdict"]["ci_low"]) == (None, None)
    assert rows["verdict"]["ci_high"] is None
    assert (rows["first_hearing"]["n"], rows["first_hearing"]["median_days"]) == (40, 58.0)
