"""The area model: its numbers are statsmodels', and it recovers effects simulated in the test.

Counts are simulated here with numpy from a known NB2 model on the real Kent LSOAs (population
as exposure), so the true rate ratios are known; the direct statsmodels fits on the same frame
are the independent reference for the coefficients.
"""

from __future__ import annotations

import numpy as np
import polars as pl
import pytest
import statsmodels.api as sm

from vawg.datasets import kent_lsoas
from vawg.errors import InputError, ModelError
from vawg.models.area import area_design, fit_area_model
from vawg.spatial.weights import knn_weights

TRUE = {"imd_decile_step": 0.92, "pubs": 1.06, "town_centre": 2.5}
ALPHA = 0.15


def _frame(seed: int, *, alpha: float = ALPHA, effects: dict[str, float] = TRUE) -> pl.DataFrame:
    rng = np.random.default_rng(seed)
    t = kent_lsoas()
    n = t.height
    town = rng.random(n) < 0.05
    pubs = rng.poisson(np.where(town, 6.0, 0.8))
    x = np.column_stack([t["imd_decile"].to_numpy(), pubs, town.astype(float)])
    beta = np.log([effects["imd_decile_step"], effects["pubs"], effects["town_centre"]])
    mu = t["population"].to_numpy() * 0.02 * np.exp(x @ beta)
    frailty = rng.gamma(1 / alpha, alpha, n) if alpha > 0 else np.ones(n)
    home = rng.poisson(mu * frailty)
    public = rng.poisson(0.3 * mu * frailty)
    return t.select(
        "lsoa_code", "district", "population", "imd_decile", "easting", "northing"
    ).with_columns(
        pl.Series("pubs", pubs),
        pl.Series("town_centre", town),
        pl.Series("home", home),
        pl.Series("public", public),
        pl.Series("all", home + public),
    )


def test_coefficients_equal_a_direct_statsmodels_fit() -> None:
    frame = _frame(1)
    result = fit_area_model(frame, outcomes=("home",))
    fit = result.fits["home"]
    data = frame.to_pandas()
    x = sm.add_constant(
        data[["imd_decile", "pubs", "town_centre"]]
        .astype(float)
        .rename(columns={"imd_decile": "imd_decile_step"})
    )
    offset = np.log(data["population"].astype(float))
    mle = sm.NegativeBinomial(data["home"], x, offset=offset, loglike_method="nb2").fit(
        disp=0, maxiter=200
    )
    for name in ("const", "imd_decile_step", "pubs", "town_centre"):
        assert fit.coefficients[name] == pytest.approx(mle.params[name], abs=1e-5)
    assert fit.alpha.estimate == pytest.approx(mle.params["alpha"], rel=1e-4)
    poisson = sm.GLM(data["home"], x, family=sm.families.Poisson(), offset=offset).fit()
    for name in ("imd_decile_step", "pubs", "town_centre"):
        assert fit.poisson_rate_ratios[name].estimate == pytest.approx(
            np.exp(poisson.params[name]), rel=1e-9
        )
    # Reported intervals are the GLM's with alpha fixed at its MLE (Wald, normal).
    glm = sm.GLM(
        data["home"],
        x,
        family=sm.families.NegativeBinomial(alpha=fit.alpha.estimate),
        offset=offset,
    ).fit()
    low, high = np.exp(glm.conf_int().loc["pubs"])
    assert fit.rate_ratios["pubs"].ci_low == pytest.approx(low, rel=1e-6)
    assert fit.rate_ratios["pubs"].ci_high == pytest.approx(high, rel=1e-6)
    assert fit.aic_nb < fit.aic_poisson


def test_each_lsoas_expected_count_is_the_fitted_mean_of_a_direct_fit() -> None:
    frame = _frame(4)
    result = fit_area_model(frame, outcomes=("all",))
    data = frame.to_pandas()
    x = sm.add_constant(data[["imd_decile", "pubs", "town_centre"]].astype(float))
    offset = np.log(data["population"].astype(float))
    mle = sm.NegativeBinomial(data["all"], x, offset=offset, loglike_method="nb2").fit(
        disp=0, maxiter=200
    )
    lsoas = result.lsoas
    assert lsoas["lsoa_code"].to_list() == data["lsoa_code"].to_list()
    assert lsoas["crimes"].to_list() == data["all"].to_list()
    assert np.allclose(lsoas["expected"].to_numpy(), mle.predict(x, offset=offset), rtol=1e-4)
    want = data["all"].to_numpy() / lsoas["expected"].to_numpy()
    assert np.allclose(lsoas["excess_ratio"].to_numpy(), want)


@pytest.mark.parametrize("seed", [2, 3])
def test_simulated_rate_ratios_lie_in_their_intervals(seed: int) -> None:
    result = fit_area_model(_frame(seed), outcomes=("home", "public", "all"))
    for outcome in ("home", "public", "all"):  # same RRs in both classes, so also in 'all'
        for key, true in TRUE.items():
            assert result.fits[outcome].rate_ratios[key].contains(true), (outcome, key)
    assert result.effects["town_centre"] is result.fits["all"].rate_ratios["town_centre"]
    assert result.fits["home"].alpha.contains(ALPHA)
    assert result.fits["home"].dispersion.lr_p_value < 0.001


def test_poisson_data_show_no_overdispersion() -> None:
    result = fit_area_model(_frame(4, alpha=0.0), outcomes=("home",))
    d = result.fits["home"].dispersion
    assert d.lr_p_value > 0.05 and d.cameron_trivedi_p > 0.05
    assert 0.8 < d.pearson_chi2_df < 1.2


def test_no_effect_means_no_significant_effect() -> None:
    flat = {"imd_decile_step": 1.0, "pubs": 1.0, "town_centre": 1.0}
    result = fit_area_model(_frame(5, effects=flat), outcomes=("all",))
    assert all(e.p_value > 0.05 / 3 for e in result.effects.values())


def test_district_pubs_are_clustered_by_district_and_said_so() -> None:
    t = kent_lsoas()
    frame = _frame(6).drop("pubs").with_columns(t["district_pubs"].alias("pubs"))
    design, units, level, notes = area_design(frame)
    assert level == "district"
    assert "per 10,000 residents in the district" in units["pubs"]
    assert any("confounded" in n for n in notes)
    # The term is district pubs per 10,000 district residents (Medway: 105 pubs).
    medway = frame.with_row_index().filter(pl.col("district") == "Medway")
    pop = medway["population"].sum()
    assert design.loc[medway["index"][0], "pubs"] == pytest.approx(105 / pop * 10_000)
    result = fit_area_model(frame, outcomes=("all",))
    fit = result.fits["all"]
    assert fit.cov_type == "cluster" and fit.clusters == 13
    # Cluster-robust intervals with t(12): wider than the model-based ones.
    direct = sm.GLM(
        frame["all"].to_numpy(),
        design,
        family=sm.families.NegativeBinomial(alpha=fit.alpha.estimate),
        offset=np.log(frame["population"].to_numpy().astype(float)),
    ).fit(cov_type="cluster", cov_kwds={"groups": frame["district"].to_numpy()})
    from scipy import stats

    crit = stats.t.ppf(0.975, 12)
    b, se = direct.params["pubs"], direct.bse["pubs"]
    assert fit.rate_ratios["pubs"].ci_high == pytest.approx(np.exp(b + crit * se), rel=1e-6)


def test_morans_i_sees_a_missing_spatial_pattern() -> None:
    frame = _frame(7)
    # Add a smooth east-west gradient the model does not know about.
    east = frame["easting"].to_numpy().astype(float)
    trend = np.exp(1.2 * (east - east.mean()) / east.std())
    rng = np.random.default_rng(7)
    frame = frame.with_columns(pl.Series("home", rng.poisson(frame["home"].to_numpy() * trend)))
    w = knn_weights(frame["lsoa_code"], frame["easting"], frame["northing"])
    result = fit_area_model(frame, outcomes=("home",), headline_outcome="home", weights=w)
    assert result.moran["home"].morans_i > 0.1 and result.moran["home"].p_value < 0.001
    clean = fit_area_model(_frame(8), outcomes=("home",), headline_outcome="home", weights=w)
    assert abs(clean.moran["home"].morans_i) < 0.05


def test_errors_name_the_problem() -> None:
    frame = _frame(9)
    with pytest.raises(InputError, match="no count column 'crimes'"):
        fit_area_model(frame, outcomes=("crimes",))
    flat = frame.with_columns(
        pl.lit(3).alias("imd_decile"), pl.lit(0).alias("pubs"), pl.lit(False).alias("town_centre")
    )
    with pytest.raises(ModelError, match="no area column varies"):
        fit_area_model(flat)
