"""Victims' satisfaction: % satisfied, links to crimes, and the model on planted data."""

from __future__ import annotations

import math
from datetime import date, timedelta

import numpy as np
import polars as pl
import pytest

from vawg.errors import InputError
from vawg.survey.satisfaction import NOT_LINKED, victim_satisfaction
from vawg.survey.satisfaction_model import METHOD_FIRTH

from .conftest import DATA

CRIME_SCHEMA = {
    "crime_ref": pl.String,
    "offence_group": pl.String,
    "recorded_date": pl.Date,
    "outcome_code": pl.Int64,
    "outcome_date": pl.Date,
}
ITEM_SCHEMA = {
    "response_id": pl.String,
    "crime_ref": pl.String,
    "district": pl.String,
    "survey_date": pl.Date,
    "ease_of_contact": pl.Int64,
    "actions_taken": pl.Int64,
    "kept_informed": pl.Int64,
    "treatment": pl.Int64,
    "whole_experience": pl.Int64,
}


def _fixture() -> tuple[pl.DataFrame, pl.DataFrame]:
    folder = DATA / "satisfaction"
    return (
        pl.read_csv(folder / "victim_survey.csv", schema=ITEM_SCHEMA),
        pl.read_csv(folder / "crimes.csv", schema=CRIME_SCHEMA),
    )


def _level(result: object, dimension: str, level: str, item: str = "whole_experience") -> dict:
    table = result.table  # type: ignore[attr-defined]
    rows = table.filter(
        pl.col("item") == item, pl.col("dimension") == dimension, pl.col("level") == level
    ).to_dicts()
    assert len(rows) == 1, (dimension, level)
    return rows[0]


def test_percent_satisfied_and_links_by_hand() -> None:
    responses, crimes = _fixture()
    result = victim_satisfaction(responses, crimes)
    whole = result.items["whole_experience"]
    assert whole.estimate == pytest.approx(4 / 8) and whole.n == 8 and whole.count == 4
    ease = result.items["ease_of_contact"]
    assert ease.n == 7 and ease.estimate == 1.0  # VS7 did not answer
    assert result.responses == 8 and result.linked == 6 and result.with_outcome == 5
    # README: satisfied by outcome group.
    for level, (count, n) in {
        "charged": (2, 2),
        "victim_does_not_support": (0, 1),
        "evidential_difficulties_victim_supports": (1, 1),
        "open": (0, 1),
        "out_of_court": (0, 1),
        NOT_LINKED: (1, 2),
    }.items():
        row = _level(result, "outcome_group", level)
        assert (row["count"], row["n"]) == (count, n), level
    for level, n in {
        "under 1 month": 2,
        "1-3 months": 1,
        "6-12 months": 1,
        "over 1 year": 1,
        NOT_LINKED: 2,
    }.items():
        assert _level(result, "time_to_outcome", level)["n"] == n, level
    assert _level(result, "offence_group", "rape")["n"] == 2
    assert result.model is None and "at least 50" in result.model_note
    # The fixture's survey dates run from VS1 (1 March 2021) to VS6 (1 April 2022).
    assert result.surveyed == (date(2021, 3, 1), date(2022, 4, 1))
    assert result.to_dict()["surveyed"] == ["2021-03-01", "2022-04-01"]


def test_satisfied_threshold_is_a_setting() -> None:
    responses, crimes = _fixture()
    strict = victim_satisfaction(responses, crimes, satisfied_min=6)
    assert strict.items["whole_experience"].estimate == pytest.approx(2 / 8)  # VS1 7, VS4 6
    with pytest.raises(InputError, match="satisfied_min"):
        victim_satisfaction(responses, crimes, satisfied_min=9)


def _planted(n: int, seed: int) -> tuple[pl.DataFrame, pl.DataFrame, dict[str, float]]:
    """Responses from a planted latent model: latent = 4.3 + group + -0.6 x years + N(0, 1)."""
    rng = np.random.default_rng(seed)
    codes = {"charged": 1, "victim_does_not_support": 16, "no_suspect_identified": 18, "other": 20}
    effect = {
        "charged": 1.2,
        "victim_does_not_support": -0.8,
        "no_suspect_identified": -0.5,
        "other": 0.0,
        "per_year": -0.6,
    }
    groups = rng.choice(list(codes), size=n, p=[0.25, 0.35, 0.2, 0.2])
    offence = rng.choice(["rape", "stalking", "harassment"], size=n)
    days = rng.integers(5, 900, size=n)
    latent = 4.3 + np.array([effect[g] for g in groups]) - 0.6 * days / 365.25 + rng.normal(0, 1, n)
    score = np.clip(np.round(latent), 1, 7).astype(int)
    # Being kept informed is a predictor in the model: drawn on its own, with no planted effect.
    kept = np.clip(np.round(4.0 + rng.normal(0, 1.5, n)), 1, 7).astype(int)
    start = date(2020, 1, 1)
    crimes = pl.DataFrame(
        {
            "crime_ref": [f"C{i}" for i in range(n)],
            "offence_group": offence,
            "recorded_date": [start] * n,
            "outcome_code": [codes[g] for g in groups],
            "outcome_date": [start + timedelta(days=int(d)) for d in days],
        },
        schema=CRIME_SCHEMA,
    )
    responses = pl.DataFrame(
        {
            "response_id": [f"V{i}" for i in range(n)],
            "crime_ref": [f"C{i}" for i in range(n)],
            "district": ["Kent"] * n,
            "survey_date": [date(2023, 1, 1)] * n,
            **{
                item: score
                for item in ("ease_of_contact", "actions_taken", "treatment", "whole_experience")
            },
            "kept_informed": kept,
        },
        schema=ITEM_SCHEMA,
    )
    return responses, crimes, effect


def _within(row: dict, truth: float, z: float = 2.58) -> bool:
    se = (row["ci_high"] - row["ci_low"]) / (2 * 1.959964)
    return abs(row["estimate"] - truth) <= z * se


def test_ordered_probit_recovers_the_planted_latent_effects() -> None:
    responses, crimes, effect = _planted(3000, seed=11)
    result = victim_satisfaction(responses, crimes, model="ordinal")
    model = result.model
    assert model is not None and model.converged
    table = {(r["term"], r["level"]): r for r in model.table.to_dicts()}
    assert table[("outcome_group", "other")]["reference"]
    # Latent noise sd 1 and thresholds at k + 0.5: probit coefficients are the planted shifts.
    for group in ("charged", "victim_does_not_support", "no_suspect_identified"):
        assert _within(table[("outcome_group", group)], effect[group]), group
    assert _within(table[("years_to_outcome", "per year")], effect["per_year"])
    assert _within(table[("kept_informed", "satisfied")], 0.0)
    for level in ("rape", "stalking"):  # no offence effect planted
        key = ("offence_group", level)
        if key in table and not table[key]["reference"]:
            assert _within(table[key], 0.0), level
    assert model.lr_p_value < 1e-10


def test_logistic_model_gives_odds_ratios_in_the_planted_direction() -> None:
    responses, crimes, _ = _planted(3000, seed=12)
    model = victim_satisfaction(responses, crimes, model="logistic").model
    assert model is not None and model.measure == "odds ratio"
    table = {(r["term"], r["level"]): r for r in model.table.to_dicts()}
    assert table[("outcome_group", "charged")]["ci_low"] > 1
    assert table[("outcome_group", "victim_does_not_support")]["ci_high"] < 1
    assert table[("years_to_outcome", "per year")]["ci_high"] < 1
    assert 0 < model.pseudo_r2 < 1


def test_small_groups_are_combined_not_hidden() -> None:
    responses, crimes, _ = _planted(400, seed=13)
    crimes = crimes.with_columns(
        outcome_code=pl.when(pl.col("crime_ref").is_in(["C1", "C2", "C3"]))
        .then(8)
        .otherwise(pl.col("outcome_code"))
    )
    model = victim_satisfaction(responses, crimes, min_level_n=10).model
    assert model is not None
    assert "small groups combined" in model.table["level"].to_list()
    assert any("out_of_court" in note for note in model.notes)


def test_complete_separation_gives_a_firth_model_and_says_why() -> None:
    # Every victim whose crime was charged (outcome 1) is made completely satisfied (7) and every
    # other victim scores 1: the charged group separates the outcome perfectly, so the ordinary
    # odds ratio is infinite; Firth's penalised model gives a finite, large one and says so.
    responses, crimes, _ = _planted(400, seed=14)
    charged = crimes.filter(pl.col("outcome_code") == 1)["crime_ref"]
    responses = responses.with_columns(
        whole_experience=pl.when(pl.col("crime_ref").is_in(charged.implode())).then(7).otherwise(1)
    )
    result = victim_satisfaction(responses, crimes, model="logistic")
    model = result.model
    assert model is not None and model.method_used == METHOD_FIRTH and model.converged
    assert "separation" in model.method_note
    assert "outcome_group: charged" in model.separated
    row = model.table.filter(pl.col("level") == "charged").row(0, named=True)
    assert row["ci_low"] > 10 and math.isfinite(row["ci_high"])


def test_the_clearest_effect_is_never_one_on_a_group_too_small_to_rely_on() -> None:
    from vawg.survey.satisfaction_model import clearest_effect

    effects = pl.DataFrame(
        {
            "term": ["outcome", "kept_informed", "year"],
            "reference": [False, False, False],
            "estimate": [17.6, 5.8, 0.4],
            "ci_low": [4.6, 3.0, 0.1],
            "ci_high": [67.2, 11.0, 1.4],
            "n": [16, 200, 300],
        }
    )
    chosen = clearest_effect(effects)
    assert chosen is not None and chosen["term"] == "kept_informed"
    assert clearest_effect(effects.filter(pl.col("n") < 30)) is None
