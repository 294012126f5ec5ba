"""Planted truth: the profile of a synthetic force matches its truth.json.

``truth.json`` is computed by the generator from the written files alone (its own code and its
own planted harm per offence group, not ours). Counts must match exactly; so must the harm
concentration under the shipped weights (the same CCHI 2026 medians, both read pro rata off the
Lorenz curve), which must also lie within our 95% intervals, as must the home/public ratio.
"""

from __future__ import annotations

import math

import pytest

from vawg.config import Settings
from vawg.profile.public import disclose

from .conftest import Synthetic


def test_counts_equal_truth(synthetic: Synthetic) -> None:
    r, h = synthetic.result, synthetic.truth["headline"]
    assert r.period[0].isoformat() == synthetic.truth["period"]["start"]
    assert r.period[1].isoformat() == synthetic.truth["period"]["end"]
    got = {
        "crimes_in_scope": r.crimes_in_scope,
        "distinct_offenders": r.distinct_offenders,
        "distinct_victims": r.distinct_victims,
        "home_crimes": r.place.home_crimes,
        "public_crimes": r.place.public_crimes,
        "unknown_location_crimes": r.place.unknown_location_crimes,
        "repeat_victims": r.people.repeat_victims,
        "repeat_offenders": r.people.repeat_offenders,
    }
    assert got == {key: h[key] for key in got}
    assert r.harm.perpetrator_harm_days == pytest.approx(h["harm_total_days"])
    by_group = dict(r.volume.by_offence_group.select("offence_group", "crimes").iter_rows())
    assert by_group == h["crimes_by_offence_group"]
    by_year = dict(r.volume.by_financial_year.select("financial_year", "crimes").iter_rows())
    assert by_year == {
        fy: sum(g.values()) for fy, g in h["crimes_by_financial_year_and_group"].items()
    }


def test_exclusions_equal_truth(synthetic: Synthetic) -> None:
    ex = dict(synthetic.result.exclusions.select("rule", "crimes_excluded").iter_rows())
    truth = synthetic.truth["headline"]["excluded_by_rule"]
    # The generator splits the period rule in two and joins our two perpetrator rules.
    assert ex["recorded_outside_period"] == (
        truth["recorded_before_start"] + truth["recorded_after_end"]
    )
    assert ex["no_victim_of_scope_sex"] == truth["no_female_victim"]
    assert (
        ex["no_perpetrator_of_scope_sex"] + ex["perpetrator_under_age_or_no_date_of_birth"]
        == truth["no_male_suspect_18_plus"]
    )
    assert ex["not_vawg_offence"] == truth["other_offence_not_domestic_abuse"]


def test_harm_concentration_within_intervals(synthetic: Synthetic) -> None:
    h = synthetic.truth["headline"]
    for row in synthetic.result.harm.concentration.iter_rows(named=True):
        planted = h[f"harm_share_top_{row['top_pct']}pct"]
        assert row["harm_share"] == pytest.approx(planted, abs=1e-6), row
        assert row["ci_low"] <= planted <= row["ci_high"], row
    # Heavy-tailed careers are planted: the top 10% cause far more than 10% of harm.
    assert synthetic.result.harm.harm_share_top_10pct.ci_low > 0.3


def test_home_public_ratio_within_interval(synthetic: Synthetic) -> None:
    h = synthetic.truth["headline"]
    ratio = synthetic.result.place.home_public_ratio
    assert ratio.contains(h["home_crimes"] / h["public_crimes"])
    assert ratio.ci_low > 1  # planted: far more crimes at home than in public


def _nearest_5(count: int) -> int:
    return math.floor(count / 5 + 0.5) * 5


def test_public_version_keeps_the_large_headline_counts(synthetic: Synthetic) -> None:
    # Large counts are shown, rounded to the nearest 5 (the planted truth, rounded by hand).
    public = disclose(synthetic.result, Settings())
    h = synthetic.truth["headline"]
    assert public.crimes_in_scope == _nearest_5(h["crimes_in_scope"])
    assert public.distinct_victims == _nearest_5(h["distinct_victims"])
    assert public.place.home_crimes == _nearest_5(h["home_crimes"])
    assert public.harm.harm_share_top_10pct.estimate == pytest.approx(
        synthetic.result.harm.harm_share_top_10pct.estimate
    )
    assert public.rfgv.table.height == 0


def test_public_version_has_no_small_counts(synthetic: Synthetic) -> None:
    from .test_public import _counts

    data = disclose(synthetic.result, Settings()).to_dict()
    small = [(p, v) for p, v in _counts(data) if 0 < v < 5]
    assert not small, small[:5]
