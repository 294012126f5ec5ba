"""Firth's penalised logistic regression: published numbers, a hand example, and the planted
effects of the synthetic survey recovered under the separation it produces.

Published and hand values: see ``tests/data/survey/README.md`` (section ``firth/``). The planted
values for the logistic model are the *pseudo-true* odds ratios: the generator's latent model is
a probit (satisfied = latent >= 4.5 with normal noise), so the logistic estimand is the
projection of the true probabilities onto the logistic model, computed here with statsmodels
from the planted coefficients and each response's covariates (independently of the product).
The ordered probit is well specified, so its planted values are the latent shifts themselves.
"""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import polars as pl
import pytest
import statsmodels.api as sm
from scipy import stats

from vawg.query import connect
from vawg.store import load_paths
from vawg.survey.satisfaction import link_responses, victim_satisfaction
from vawg.survey.satisfaction_model import (
    METHOD_FIRTH,
    METHOD_LOGISTIC,
    SMALL_GROUPS,
    _firth_null_loglik,
    fit_satisfaction_model,
)
from vawg.synth.generate import generate

from .conftest import DATA

SEX2_TERMS = ("age", "oc", "vic", "vicl", "vis", "dia")
# logistf's sex2 example (coefficient, lower, upper; profile penalised likelihood, 95%).
SEX2 = {
    "age": (-1.10598, -1.97379, -0.307427),
    "oc": (-0.0688167, -0.941436, 0.789202),
    "vic": (2.26887, 1.27304, 3.43543),
    "vicl": (-2.11141, -3.26086, -1.11774),
    "vis": (-0.788317, -1.60809, 0.0151846),
    "dia": (3.09601, 0.774568, 8.03028),
}


def _sex2() -> pl.DataFrame:
    return pl.read_csv(DATA / "firth" / "sex2.csv")


def test_firth_matches_logistf_on_sex2() -> None:
    from firthmodels import FirthLogisticRegression

    data = _sex2()
    x = data.select(SEX2_TERMS).to_numpy().astype(float)
    y = data["case"].to_numpy()
    model = FirthLogisticRegression(backend="numpy").fit(x, y)
    ci = model.conf_int(method="pl")
    for i, term in enumerate(SEX2_TERMS):
        coef, low, high = SEX2[term]
        assert model.coef_[i] == pytest.approx(coef, abs=5e-5), term
        assert ci[i, 0] == pytest.approx(low, abs=5e-5), term
        assert ci[i, 1] == pytest.approx(high, abs=5e-5), term
    assert model.intercept_ == pytest.approx(0.120254, abs=5e-6)


def test_firth_equals_adding_a_half_to_each_cell_of_a_two_by_two_table() -> None:
    from firthmodels import FirthLogisticRegression

    x = np.array([[0.0], [0.0], [0.0], [1.0], [1.0], [1.0]])
    y = np.array([0, 0, 0, 1, 1, 1])
    model = FirthLogisticRegression(backend="numpy", gtol=1e-10, xtol=1e-10).fit(x, y)
    assert model.coef_[0] == pytest.approx(math.log(3.5 * 3.5 / (0.5 * 0.5)), abs=1e-6)
    assert model.intercept_ == pytest.approx(math.log(0.5 / 3.5), abs=1e-6)


def test_intercept_only_penalised_likelihood_in_closed_form() -> None:
    from firthmodels import FirthLogisticRegression

    y = np.array([1.0] * 7 + [0.0] * 23)
    model = FirthLogisticRegression(
        backend="numpy", fit_intercept=False, gtol=1e-10, xtol=1e-10
    ).fit(np.ones((y.size, 1)), y)
    assert _firth_null_loglik(y) == pytest.approx(float(model.loglik_), abs=1e-8)
    assert 1 / (1 + math.exp(-model.coef_[0])) == pytest.approx(7.5 / 31, abs=1e-8)


def _within_99(estimate: float, low: float, high: float, truth: float) -> bool:
    """truth inside the 99% interval implied by the reported 95% one (one seed, so the
    calibration benchmark, not this test, is where 95% coverage is checked)."""
    se = (high - low) / (2 * 1.959964)
    return abs(estimate - truth) <= 2.576 * se


def _frame(n: int, seed: int) -> pl.DataFrame:
    rng = np.random.default_rng(seed)
    groups = rng.choice(["other", "charged", "victim_does_not_support"], n)
    offence = np.where(np.arange(n) < 6, "drink_spiking", rng.choice(["a", "b"], n))
    years = rng.exponential(0.3, n)
    mu = 4.0 + np.where(groups == "charged", 1.2, 0.0) - 0.6 * years
    scores = np.clip(np.round(mu + rng.normal(0, 1, n)), 1, 7).astype(int)
    scores[:6] = 1  # every drink-spiking victim dissatisfied: quasi-complete separation
    return pl.DataFrame(
        {
            "outcome_group": groups,
            "offence_group": offence,
            "years_to_outcome": years,
            "whole_experience": scores,
        }
    )


def test_separation_is_detected_and_firth_is_used_and_named() -> None:
    model = fit_satisfaction_model(_frame(300, 1), "logistic", 5, min_level_n=5)
    assert model.method_used == METHOD_FIRTH
    assert model.separated == ("offence_group: drink_spiking",)
    assert "separation" in model.method_note
    row = model.table.filter(pl.col("level") == "drink_spiking").row(0, named=True)
    assert 0 < row["estimate"] < 1 and row["ci_low"] > 0 and math.isfinite(row["ci_high"])
    assert model.table.filter(~pl.col("reference"))["p_value"].is_not_null().all()


def test_without_separation_the_ordinary_logistic_is_kept() -> None:
    frame = _frame(300, 2).with_columns(
        offence_group=pl.when(pl.col("offence_group") == "drink_spiking")
        .then(pl.lit("a"))
        .otherwise(pl.col("offence_group"))
    )
    model = fit_satisfaction_model(frame, "logistic", 5, min_level_n=5)
    assert model.method_used == METHOD_LOGISTIC and model.separated == ()
    assert model.method_note == ""


@pytest.fixture(scope="module")
def separated_force(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict]:
    """Synthetic Kent at scale 0.2 whose victims' survey has a separated (small) group: seed 7
    when this was written; the next seeds are tried if a change to the generator moves it."""
    import json

    for seed in range(7, 40):
        root = tmp_path_factory.mktemp(f"firth-force-{seed}")
        generate(root / "data", scale=0.2, seed=seed)
        load_paths([root / "data"], root / "vawg.duckdb")
        model = victim_satisfaction(*_inputs(root / "vawg.duckdb")).model
        if model is not None and model.separated:
            return root / "vawg.duckdb", json.loads((root / "data" / "truth.json").read_text())
    raise AssertionError("no seed of 7-39 gives a separated survey at scale 0.2")


def _inputs(db: Path) -> tuple[pl.DataFrame, pl.DataFrame]:
    tables = connect(db)
    crimes = tables.crimes.select(
        "crime_ref", "offence_group", "recorded_date", "outcome_code", "outcome_date"
    ).to_polars()
    return tables.victim_survey.to_polars(), crimes


def _planted_group(code: int | None, groups: dict) -> str:
    for name, codes in groups.items():
        if isinstance(codes, list) and code in codes:
            return name
    return "other"


def _pseudo_true(frame: pl.DataFrame, model_table: pl.DataFrame, planted: dict) -> dict:
    """Logistic coefficients that best fit the planted probit probabilities, on the model's
    own levels (statsmodels, fractional responses)."""
    coef = {k: v for k, v in planted.items() if isinstance(v, int | float)}
    group = [_planted_group(c, planted["outcome_groups"]) for c in frame["outcome_code"]]
    kept = (frame["kept_informed"] >= 5).cast(pl.Float64).to_numpy()
    mu = (
        planted["intercept"]
        + np.array([coef.get(g, 0.0) for g in group])
        + planted["per_year_to_outcome"] * frame["years_to_outcome"].to_numpy()
        + planted["kept_informed"] * kept
    )
    p = stats.norm.cdf((mu - 4.5) / planted["noise_sd"])
    columns = {"const": np.ones(frame.height)}
    for term in ("outcome_group", "offence_group"):
        rows = model_table.filter(pl.col("term") == term)
        levels = set(rows["level"].to_list())
        values = [v if v in levels else SMALL_GROUPS for v in frame[term].to_list()]
        for level in rows.filter(~pl.col("reference"))["level"].to_list():
            columns[f"{term}: {level}"] = np.array([v == level for v in values], dtype=float)
    columns["years"] = frame["years_to_outcome"].to_numpy()
    columns["kept"] = kept
    x = np.column_stack(list(columns.values()))
    fit = sm.GLM(p, x, family=sm.families.Binomial()).fit()
    return dict(zip(columns, np.asarray(fit.params), strict=True))


def test_planted_charge_and_kept_informed_recovered_under_separation(separated_force) -> None:  # type: ignore[no-untyped-def]
    db, truth = separated_force
    responses, crimes = _inputs(db)
    planted = truth["surveys"]["victim_survey"]["whole_experience_model"]
    result = victim_satisfaction(responses, crimes)
    model = result.model
    assert model is not None and model.method_used == METHOD_FIRTH and model.separated
    frame = link_responses(responses, crimes).filter(
        pl.col("linked")
        & pl.col("outcome_group").ne("open")
        & pl.col("years_to_outcome").is_not_null()
        & pl.col("whole_experience").is_not_null()
        & pl.col("kept_informed").is_not_null()
    )
    target = _pseudo_true(frame, model.table, planted)
    charged = model.table.filter(pl.col("level") == "charged").row(0, named=True)
    kept = model.table.filter(pl.col("term") == "kept_informed", ~pl.col("reference"))
    for row, key in ((charged, "outcome_group: charged"), (kept.row(0, named=True), "kept")):
        truth_log = target[key]
        logs = [math.log(row[c]) for c in ("estimate", "ci_low", "ci_high")]
        assert _within_99(*logs, truth_log), (key, math.exp(truth_log), row)
        assert row["ci_low"] > 1  # both clearly raise satisfaction


def test_ordered_probit_recovers_the_latent_shifts_under_the_same_data(separated_force) -> None:  # type: ignore[no-untyped-def]
    db, truth = separated_force
    responses, crimes = _inputs(db)
    planted = truth["surveys"]["victim_survey"]["whole_experience_model"]
    model = victim_satisfaction(responses, crimes, model="ordinal").model
    assert model is not None
    charged = model.table.filter(pl.col("level") == "charged").row(0, named=True)
    kept = model.table.filter(pl.col("term") == "kept_informed", ~pl.col("reference"))
    reference = model.table.filter(pl.col("term") == "outcome_group", pl.col("reference"))
    ref = reference["level"][0]
    assert ref != SMALL_GROUPS
    # planted shifts relative to the model's reference ("prevented" is in the planted "other")
    expected = planted["charged"] - float(planted.get(ref, 0.0))
    assert _within_99(charged["estimate"], charged["ci_low"], charged["ci_high"], expected)
    k = kept.row(0, named=True)
    assert _within_99(k["estimate"], k["ci_low"], k["ci_high"], planted["kept_informed"])
