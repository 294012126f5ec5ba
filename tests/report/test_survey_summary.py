"""The survey summary's sentence on the satisfaction model: only a clear link is stated."""

from __future__ import annotations

import polars as pl

from vawg.report.survey.summary import _clearest_link

COLUMNS = ["term", "level", "estimate", "ci_low", "ci_high", "reference"]


def test_an_unclear_effect_is_not_stated_as_a_fact() -> None:
    # The demo's years-to-outcome odds ratio, 0.39 (0.11 to 1.38), is not clear.
    effects = pl.DataFrame(
        [
            ("kept_informed", "not satisfied", 1.0, None, None, True),
            ("years_to_outcome", "per year", 0.39, 0.11, 1.38, False),
        ],
        schema=COLUMNS,
        orient="row",
    )
    assert "0.39" not in _clearest_link(effects)
    assert _clearest_link(effects).startswith("no group")


def test_the_largest_clear_effect_is_given_either_way_round() -> None:
    effects = pl.DataFrame(
        [
            ("kept_informed", "satisfied", 5.78, 3.03, 11.02, False),
            ("offence_group", "rape", 0.1, 0.02, 0.5, False),  # 10 times lower: the largest
            ("years_to_outcome", "per year", 0.39, 0.11, 1.38, False),
        ],
        schema=COLUMNS,
        orient="row",
    )
    text = _clearest_link(effects)
    assert "victims of rape were far less likely to be satisfied" in text
    assert "clearest link" not in text


def test_the_link_is_said_in_words_not_as_odds() -> None:
    # The demo's summary read "had 5.8 times the odds of being satisfied (95% CI 3.0 to 11.0
    # times the odds)": the odds ratio belongs in the model's details.
    effects = pl.DataFrame(
        [("kept_informed", "satisfied", 5.78, 3.03, 11.02, False)], schema=COLUMNS, orient="row"
    )
    text = _clearest_link(effects)
    assert "odds" not in text and "5.8" not in text
    assert "were far more likely to be satisfied" in text
    years = pl.DataFrame(
        [("years_to_outcome", "per year", 0.6, 0.45, 0.8, False)], schema=COLUMNS, orient="row"
    )
    assert _clearest_link(years).startswith(
        "with each extra year to an outcome, victims were less likely to be satisfied"
    )
