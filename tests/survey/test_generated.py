"""Known answers on generated data: the planted survey effects are found (truth.json).

The synthetic public survey over-samples women and the middle-aged (``selection`` in truth), so
raked estimates should land on the population values in ``population_16_plus`` and unweighted
ones on ``raw_sample``. District and night/day effects are planted on the latent scales.
"""

from __future__ import annotations

import math

import polars as pl
import pytest
from scipy import stats

from vawg.survey.themes import DEFAULT_THEMES

from .conftest import Force


def _truth(force: Force) -> dict:
    return force.truth["surveys"]["public_survey"]


def _district(force: Force, indicator: str, district: str, **kw: object) -> dict:
    table = force.result(**kw).public.table  # type: ignore[union-attr]
    return table.filter(
        pl.col("indicator") == indicator,
        pl.col("dimension") == "district",
        pl.col("level") == district,
    ).row(0, named=True)


def test_unweighted_non_reporting_is_63_percent(force: Force) -> None:
    est = force.result(rake=False).public.overall["not_reported_share"]  # type: ignore[union-attr]
    assert est.estimate == pytest.approx(0.63, abs=0.02)
    assert est.estimate == pytest.approx(_truth(force)["raw_sample"]["share_victims_not_reporting"])
    assert force.result(rake=False).weight_source.startswith("none")


def test_raking_recovers_the_population_values(force: Force) -> None:
    raked = force.result().public  # default: no weight column, so raked to the Kent margins
    assert raked is not None and force.result().weight_source.startswith("raked")
    population = _truth(force)["population_16_plus"]
    for name, key in (
        ("harassment_share", "harassment_prevalence"),
        ("not_reported_share", "share_victims_not_reporting"),
        ("safety_night_mean", "mean_feel_safe_night"),
        ("safety_day_mean", "mean_feel_safe_day"),
    ):
        est = raked.overall[name]
        assert est.ci_low <= population[key] <= est.ci_high, (name, est, population[key])
    # The raw sample over-represents women (more harassment): weighting must move the estimate.
    raw = force.result(rake=False).public.overall["harassment_share"]  # type: ignore[union-attr]
    assert not (raw.ci_low <= population["harassment_prevalence"] <= raw.ci_high)
    weighting = force.result().weighting
    assert weighting is not None and weighting.converged and weighting.design_effect > 1


def test_night_is_less_safe_than_day_for_the_same_people(force: Force) -> None:
    overall = force.result().public.overall  # type: ignore[union-attr]
    diff = overall["unsafe_night_minus_day"]
    assert diff.ci_low > 0 and diff.p_value < 1e-6
    score = overall["safety_night_minus_day"]
    population = _truth(force)["population_16_plus"]
    planted = population["mean_feel_safe_night"] - population["mean_feel_safe_day"]
    assert score.ci_low <= planted <= score.ci_high


def test_planted_district_differences_are_found(force: Force) -> None:
    planted = force.truth["planted"]["effects"]["public_survey"]
    for district, shift in planted["district_night_safety_shift"].items():
        row = _district(force, "unsafe_night_share", district)
        if abs(shift) >= 0.3:  # large planted shifts must be found, in the right direction
            assert row["vs_rest_p_holm"] < 0.05, district
            assert (row["vs_rest"] > 0) == (shift < 0), district  # less safe = more unsafe
    # Harassment shifts are smaller (log-odds 0.2-0.35, about 2-3 standard errors per district),
    # so they are checked together: the districts' differences from the rest of Kent rank with
    # the planted shifts (0 for districts not listed), and the districts differ overall.
    shifts = planted["district_harassment_log_odds"]
    table = force.result().public.table  # type: ignore[union-attr]
    rows = table.filter(
        pl.col("indicator") == "harassment_share", pl.col("dimension") == "district"
    )
    rho = stats.spearmanr([shifts.get(d, 0.0) for d in rows["level"]], rows["vs_rest"]).statistic
    assert rho > 0.5
    tests = force.result().public.tests  # type: ignore[union-attr]
    for indicator, limit in (("unsafe_night_share", 1e-6), ("harassment_share", 0.01)):
        p = tests.filter(pl.col("indicator") == indicator, pl.col("dimension") == "district")[
            "p_value"
        ][0]
        assert p < limit, indicator


def test_null_data_shows_no_district_differences(null_force: Force) -> None:
    tests = null_force.result().public.tests  # type: ignore[union-attr]
    for indicator in ("unsafe_night_share", "harassment_share", "not_reported_share"):
        p = tests.filter(pl.col("indicator") == indicator, pl.col("dimension") == "district")[
            "p_value"
        ][0]
        assert p > 0.001, indicator
    # ... nor by age, for harassment and reporting (no age gradient planted).
    for indicator in ("harassment_share", "not_reported_share"):
        p = tests.filter(pl.col("indicator") == indicator, pl.col("dimension") == "age_band")[
            "p_value"
        ][0]
        assert p > 0.001, indicator


def test_reason_themes_follow_the_planted_shares(force: Force) -> None:
    themes = force.result().themes
    assert themes is not None
    assert themes.unclassified / themes.reasons < 0.05
    planted = _truth(force)["model"]["reason_themes"]
    assert max(planted, key=planted.get) == "nothing would be done"
    assert themes.table["theme"][0] == "nothing would be done"


def test_every_reason_theme_is_planted_and_recovered(force: Force) -> None:
    # A theme the generator never writes shows 0% in the report, which reads as a finding: every
    # theme the classifier knows must be planted, and found at its planted share. Reasons are
    # drawn independently of who answers, so each unweighted share is binomial around the
    # planted one (tolerance: 4 standard errors at this number of reasons).
    themes = force.result().themes
    assert themes is not None
    planted = _truth(force)["model"]["reason_themes"]
    assert set(planted) == set(DEFAULT_THEMES)
    assert sum(planted.values()) == pytest.approx(1.0)
    n = themes.reasons
    assert n > 500
    found = dict(zip(themes.table["theme"], themes.table["share"], strict=True))
    for theme, share in planted.items():
        tolerance = 4 * math.sqrt(share * (1 - share) / n)
        assert abs(found[theme] - share) <= tolerance, (theme, found[theme], share, tolerance)
    # Each generated wording names one theme, so none is unclassified or double-counted.
    assert themes.unclassified == 0 and themes.several == 0


def test_satisfaction_model_recovers_the_planted_effects(force: Force) -> None:
    sat = force.result(survey_satisfaction_model="ordinal").satisfaction
    assert sat is not None and sat.model is not None
    planted = force.truth["surveys"]["victim_survey"]["whole_experience_model"]
    # The generator's groups: Home Office headline groups, except that its "other" (0) also
    # holds "prevented or not in the public interest".
    latent = {
        g: planted[g]
        for g in (
            "charged",
            "out_of_court",
            "no_suspect_identified",
            "evidential_difficulties_victim_supports",
            "victim_does_not_support",
        )
    }
    latent |= {"other": 0.0, "prevented_or_not_in_public_interest": 0.0}
    table = sat.model.table.filter(pl.col("term") == "outcome_group")
    reference = table.filter(pl.col("reference"))["level"][0]
    checked = 0
    for row in table.filter(~pl.col("reference")).to_dicts():
        if row["level"] not in latent or reference not in latent:
            continue  # a combined small-groups level has no single planted value
        expected = latent[row["level"]] - latent[reference]
        se = (row["ci_high"] - row["ci_low"]) / (2 * 1.96)
        assert abs(row["estimate"] - expected) <= 2.58 * se, (row["level"], expected, row)
        checked += 1
    assert checked >= 3
    years = sat.model.table.filter(pl.col("term") == "years_to_outcome").row(0, named=True)
    se = (years["ci_high"] - years["ci_low"]) / (2 * 1.96)
    assert abs(years["estimate"] - planted["per_year_to_outcome"]) <= 2.58 * se
    charged = next(r for r in table.to_dicts() if r["level"] == "charged")
    assert charged["ci_low"] > 0  # charged victims are clearly more satisfied


def test_victim_survey_links_as_generated(force: Force) -> None:
    sat = force.result().satisfaction
    truth = force.truth["surveys"]["victim_survey"]
    assert sat is not None
    assert sat.responses == truth["responses"] and sat.linked == truth["linked"]


def test_recorded_crime_sits_beside_the_survey(force: Force) -> None:
    sbs = force.result().side_by_side
    assert sbs is not None and sbs.table.height == 13
    assert sbs.table["rate_per_1000"].min() > 0
    assert sbs.table["unsafe_night_share"].null_count() == 0
    assert sbs.years == pytest.approx(5.0, abs=0.01)
