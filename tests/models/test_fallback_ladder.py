"""The count models' fallback ladder: every rung reached, named, and checked against statsmodels.

Counts are simulated here with numpy (Poisson with no overdispersion, NB2 with alpha = 0.5) on a
small design with planted rate ratios; the reference standard errors come from statsmodels
directly (``GLM.fit(scale="X2")`` for quasi-likelihood, ``cov_type="HC0"`` for the sandwich),
not from the code under test.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import polars as pl
import pytest
import statsmodels.api as sm

from vawg.errors import ModelError
from vawg.models import daily as daily_module
from vawg.models import glm
from vawg.models.daily import fit_daily_model
from vawg.models.dispersion import joint_mle, profile_mle
from vawg.models.glm import (
    METHOD_NB2,
    METHOD_POISSON_QUASI,
    METHOD_POISSON_ROBUST,
    fit_count_model,
)

from .test_daily import _simulate

TRUE_RR = {"x": 1.3, "z": 0.8}


def _design(n: int, rng: np.random.Generator) -> pd.DataFrame:
    return pd.DataFrame(
        {"const": 1.0, "x": rng.normal(size=n), "z": (rng.random(n) < 0.4).astype(float)}
    )


def _mu(design: pd.DataFrame) -> np.ndarray:
    log_mu = (
        math.log(6.0) + design["x"] * math.log(TRUE_RR["x"]) + design["z"] * math.log(TRUE_RR["z"])
    )
    return np.exp(log_mu.to_numpy())


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_poisson_counts_get_a_fit_with_the_fallback_named(seed: int) -> None:
    rng = np.random.default_rng(seed)
    design = _design(800, rng)
    y = rng.poisson(_mu(design))
    fit = fit_count_model(y, design, np.zeros(y.size), outcome="poisson")
    assert fit.method_used == METHOD_POISSON_QUASI
    assert "Poisson" in fit.method_note and fit.is_fallback
    assert fit.alpha.estimate == 0.0
    reference = sm.GLM(y, design, family=sm.families.Poisson()).fit(scale="X2")
    factor = math.sqrt(max(1.0, float(reference.scale)))  # X2 scale, floored at 1
    plain = sm.GLM(y, design, family=sm.families.Poisson()).fit()
    for term, truth in TRUE_RR.items():
        e = fit.rate_ratios[term]
        assert e.estimate == pytest.approx(math.exp(plain.params[term]), rel=1e-9)
        half = 1.959963984540054 * float(plain.bse[term]) * factor
        assert e.ci_high == pytest.approx(math.exp(plain.params[term] + half), rel=1e-9)
        assert e.contains(truth)


def test_overdispersed_counts_keep_the_negative_binomial() -> None:
    rng = np.random.default_rng(4)
    design = _design(1500, rng)
    mu = _mu(design)
    alpha = 0.5
    y = rng.negative_binomial(1 / alpha, 1 / (1 + alpha * mu))
    fit = fit_count_model(y, design, np.zeros(y.size), outcome="nb")
    assert fit.method_used == METHOD_NB2 and fit.method_note == ""
    assert fit.alpha.ci_low < alpha < fit.alpha.ci_high
    for term, truth in TRUE_RR.items():
        assert fit.rate_ratios[term].contains(truth)


def test_the_profile_search_finds_the_same_alpha_as_newton() -> None:
    rng = np.random.default_rng(5)
    design = _design(1500, rng)
    mu = _mu(design)
    y = rng.negative_binomial(1 / 0.3, 1 / (1 + 0.3 * mu)).astype(float)
    off = np.zeros(y.size)
    pois = sm.GLM(y, design, family=sm.families.Poisson()).fit()
    newton = joint_mle(y, design, off, np.append(pois.params.to_numpy(), 0.1))
    profile = profile_mle(y, design, off)
    assert newton is not None and profile is not None
    assert profile.alpha == pytest.approx(newton.alpha, rel=1e-4)
    assert profile.loglik == pytest.approx(newton.loglik, abs=1e-6)
    assert profile.se == pytest.approx(newton.se, rel=0.02)


def test_when_the_negative_binomial_fails_the_poisson_has_sandwich_errors(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(glm, "joint_mle", lambda *a, **k: None)
    monkeypatch.setattr(glm, "profile_mle", lambda *a, **k: None)
    rng = np.random.default_rng(6)
    design = _design(600, rng)
    y = rng.negative_binomial(2, 2 / (2 + _mu(design)))
    fit = fit_count_model(y, design, np.zeros(y.size), outcome="failing")
    assert fit.method_used == METHOD_POISSON_ROBUST
    assert "could not be fitted" in fit.method_note
    hc0 = sm.GLM(y, design, family=sm.families.Poisson()).fit(cov_type="HC0")
    for term in TRUE_RR:
        half = 1.959963984540054 * float(hc0.bse[term])
        assert fit.rate_ratios[term].ci_low == pytest.approx(
            math.exp(hc0.params[term] - half), rel=1e-9
        )
    assert math.isnan(fit.aic_nb) and fit.to_dict()["aic_nb"] is None


def test_a_model_with_no_finite_poisson_fit_raises() -> None:
    design = pd.DataFrame({"const": 1.0, "x": np.arange(10.0)})
    with pytest.raises(ModelError, match="no events"):
        fit_count_model(np.zeros(10), design, np.zeros(10), outcome="empty")


def test_a_poisson_daily_series_keeps_its_headline_and_names_the_fallback() -> None:
    daily, weather = _simulate(11, rr=1.01)
    # 'home' is a pure Poisson series: its NB2 dispersion vanishes.
    result = fit_daily_model(daily, weather, series=("all", "home"), curves_for=("home",))
    row = result.table.filter(pl.col("series") == "home").row(0, named=True)
    assert row["method_used"] == METHOD_POISSON_QUASI
    assert any(n.startswith("home: Poisson") for n in result.notes)
    assert "home" in result.curves
    assert result.effects["tmax_per_degree"].contains(1.01)
    assert result.effects["trend_per_year"].contains(1.04)


def test_one_failing_series_never_blanks_the_headline(monkeypatch: pytest.MonkeyPatch) -> None:
    real = daily_module.fit_count_model

    def failing_home(y, design, offset, *, outcome, **kwargs):  # type: ignore[no-untyped-def]
        if outcome == "home":
            raise ModelError("home: simulated failure")
        return real(y, design, offset, outcome=outcome, **kwargs)

    monkeypatch.setattr(daily_module, "fit_count_model", failing_home)
    daily, weather = _simulate(12, rr=1.01)
    result = fit_daily_model(daily, weather, series=("all", "home"), curves_for=())
    assert result.errors == {"home": "home: simulated failure"}
    assert result.table["series"].to_list() == ["all"]
    assert result.effects["tmax_per_degree"].contains(1.01)
