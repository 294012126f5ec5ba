"""Difference-in-differences: a hand-computed two-period fixture, the event study, the
pre-trend test (a planted difference is detected and reported), and the sparse Poisson fit
against statsmodels' GLM (the reference implementation)."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import polars as pl
import pytest
import statsmodels.api as sm

from vawg.errors import ModelError
from vawg.evaluation.did import did_poisson, event_study, pre_trend
from vawg.evaluation.effects import conclusion_reasons, conclusion_text, leads_caution
from vawg.results import Estimate

DATA = Path(__file__).resolve().parents[1] / "data" / "evaluation"


def test_two_period_did_matches_the_hand_calculation() -> None:
    panel = pl.read_csv(DATA / "did_two_periods.csv")
    fit = did_poisson(panel)
    rr = fit.effects["treated_post"]
    # README: (20 / 30) / (40 / 40); SE sqrt(1/30 + 1/20 + 1/40 + 1/40); dispersion floored at 1.
    assert rr.estimate == pytest.approx(2 / 3, rel=1e-9)
    se = math.sqrt(1 / 30 + 1 / 20 + 1 / 40 + 1 / 40)
    z = 1.959963984540054
    assert rr.ci_low == pytest.approx(math.exp(math.log(2 / 3) - z * se), rel=1e-6)
    assert rr.ci_high == pytest.approx(math.exp(math.log(2 / 3) + z * se), rel=1e-6)
    assert rr.ci_low == pytest.approx(0.32591, abs=1e-5)
    assert rr.ci_high == pytest.approx(1.36371, abs=1e-5)
    assert fit.scale == 1.0
    assert (fit.units, fit.periods, fit.observations) == (4, 2, 8)


def _panel(
    seed: int,
    *,
    treated: int = 6,
    comparison: int = 24,
    months: int = 48,
    start: int = 36,
    effect: float = 1.0,
    pre_slope: float = 0.0,
) -> pl.DataFrame:
    """A panel with area levels, a shared seasonal month effect, a planted effect after
    ``start`` and (optionally) a planted yearly trend in the treated areas before it."""
    rng = np.random.default_rng(seed)
    rows = []
    season = rng.normal(0, 0.15, months)
    for u in range(treated + comparison):
        is_t = u < treated
        level = rng.normal(1.2, 0.4)
        for m in range(months):
            rel = m - start
            log_mu = level + season[m]
            if is_t and rel < 0:
                log_mu += math.log(1 + pre_slope) * rel / 12
            if is_t and rel >= 0:
                log_mu += math.log(effect)
            rows.append((f"u{u}", m, int(rng.poisson(math.exp(log_mu))), is_t, rel))
    frame = pl.DataFrame(
        rows, schema=["lsoa_code", "month", "crimes", "treated", "relative_month"], orient="row"
    )
    return frame.with_columns(
        treated_post=(pl.col("treated") & (pl.col("relative_month") >= 0)).cast(pl.Int8)
    )


def test_planted_effect_is_recovered_and_event_study_is_flat_before() -> None:
    panel = _panel(3, effect=0.6)
    fit = did_poisson(panel, unit="lsoa_code", period="month")
    assert fit.effects["treated_post"].contains(0.6)
    assert fit.effects["treated_post"].ci_high < 1
    study = event_study(panel, unit="lsoa_code", period="month")
    table = study.table
    assert table.filter(pl.col("offset") == -1)["rate_ratio"][0] == 1.0
    after = table.filter(pl.col("offset") >= 0)
    assert (after["rate_ratio"] < 1).mean() >= 0.75  # type: ignore[operator]
    assert study.width == "quarter"


def test_planted_pre_trend_is_detected_and_reported() -> None:
    # The treated areas rise 40% a year faster before the start; no effect after.
    panel = _panel(5, pre_slope=0.4)
    trend = pre_trend(panel, unit="lsoa_code", period="month")
    assert trend.differs
    assert trend.ratio_per_year.contains(1.4)
    reasons = conclusion_reasons(
        before_months=36,
        after_months=12,
        crimes_before=5000,
        crimes_after=1000,
        pre_trend=trend,
        min_before_months=12,
        min_after_months=6,
        min_crimes=20,
    )
    text = conclusion_text(None, reasons, "Public-place evening and night VAWG")
    assert text.startswith("Cannot conclude:")
    assert "already moving apart before the start" in text


def test_parallel_pre_trends_pass() -> None:
    trend = pre_trend(_panel(5), unit="lsoa_code", period="month")
    assert not trend.differs
    assert trend.ratio_per_year.contains(1.0)


def test_sparse_fit_reproduces_statsmodels_glm() -> None:
    panel = _panel(7, effect=0.8).with_columns(
        cluster=pl.col("lsoa_code").str.slice(1).cast(pl.Int64) % 5
    )
    mine = did_poisson(panel, unit="lsoa_code", period="month")
    clustered = did_poisson(panel, unit="lsoa_code", period="month", cluster="cluster")
    units = panel["lsoa_code"].unique().sort().to_list()
    x = np.column_stack(
        [
            panel["treated_post"].to_numpy().astype(float),
            np.eye(len(units))[[units.index(u) for u in panel["lsoa_code"]]],
            np.eye(48)[panel["month"].to_numpy()][:, 1:],
        ]
    )
    y = panel["crimes"].to_numpy().astype(float)
    reference = sm.GLM(y, x, family=sm.families.Poisson()).fit()
    phi = max(1.0, reference.pearson_chi2 / reference.df_resid)
    assert mine.coef[0] == pytest.approx(reference.params[0], abs=1e-7)
    assert math.sqrt(mine.cov[0, 0]) == pytest.approx(reference.bse[0] * math.sqrt(phi), rel=1e-6)
    robust = sm.GLM(y, x, family=sm.families.Poisson()).fit(
        cov_type="cluster", cov_kwds={"groups": panel["cluster"].to_numpy()}
    )
    assert math.sqrt(clustered.cov[0, 0]) == pytest.approx(robust.bse[0], rel=1e-6)


def test_stacked_design_is_not_collinear() -> None:
    # Two stacks of the same kind of panel: one treated_post effect across both.
    a = _panel(11, effect=0.7).with_columns(stack=pl.lit("a"))
    b = _panel(12, effect=0.7).with_columns(stack=pl.lit("b"))
    stacked = pl.concat([a, b]).with_columns(
        unit=pl.col("stack") + ":" + pl.col("lsoa_code"),
        period=pl.col("stack") + ":" + pl.col("month").cast(pl.String),
    )
    fit = did_poisson(stacked, unit="unit", period="period", stack="stack", cluster="lsoa_code")
    assert fit.effects["treated_post"].contains(0.7)
    # Fitting each stack alone gives the same point estimate as a per-stack average would.
    alone = [did_poisson(s, unit="lsoa_code", period="month").coef[0] for s in (a, b)]
    assert min(alone) - 1e-9 <= fit.coef[0] <= max(alone) + 1e-9


def test_an_effect_with_no_crimes_cannot_be_estimated() -> None:
    panel = pl.read_csv(DATA / "did_two_periods.csv").with_columns(
        crimes=pl.when(pl.col("treated_post") == 1).then(0).otherwise(pl.col("crimes"))
    )
    with pytest.raises(ModelError, match="no crimes where treated_post applies"):
        did_poisson(panel)


def test_event_study_with_crimes_only_in_the_reference_month_says_so() -> None:
    # The treated areas' only crimes fall in the last month before the start (the reference
    # bin): no other offset can be estimated, which is a named ModelError, not a crash.
    frame = _panel(3, months=24, start=12)
    only_reference = pl.col("treated") & (pl.col("relative_month") != -1)
    frame = frame.with_columns(
        crimes=pl.when(only_reference).then(0).otherwise(pl.col("crimes").clip(1))
    )
    with pytest.raises(ModelError, match="no month besides the reference"):
        event_study(frame, unit="lsoa_code", period="month", treated="treated")


def test_one_period_before_the_start_joint_test_is_its_own_z_test() -> None:
    # Six months before the start, in quarters: one lead (-2) besides the reference (-1). A
    # Wald test of one coefficient is the square of its z: the same p-value as its row.
    panel = _panel(7, months=18, start=6)
    study = event_study(panel, unit="lsoa_code", period="month")
    assert study.width == "quarter" and study.leads == 1
    row = study.table.filter(pl.col("offset") == -2)
    assert study.leads_p_value == pytest.approx(row["p_value"][0], rel=1e-9)


def test_a_spike_before_the_start_is_caught_by_the_joint_test() -> None:
    # No trend, no effect; the treated areas had three times their crimes in one quarter,
    # a year before the start. The joint test of the quarters before the start sees it.
    panel = _panel(11)
    spike = pl.col("treated") & pl.col("relative_month").is_between(-12, -10)
    panel = panel.with_columns(
        crimes=pl.when(spike).then(pl.col("crimes") * 3).otherwise(pl.col("crimes"))
    )
    study = event_study(panel, unit="lsoa_code", period="month")
    assert study.leads_p_value is not None and study.leads_p_value < 0.001
    flat = event_study(_panel(11), unit="lsoa_code", period="month")
    assert flat.leads_p_value is not None and flat.leads_p_value > 0.05
    caution = leads_caution(study.leads_p_value, study.leads)
    assert caution is not None and "not steady" in caution
    assert leads_caution(flat.leads_p_value, flat.leads) is None
    text = conclusion_text(Estimate(0.9, 0.8, 1.02), [], "Crimes", caution)
    assert text.startswith("No clear change in crimes") and text.endswith(caution)
