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


def test_every_reason_label_fits_its_bar_without_meeting_the_next() -> None:
    # At 18 characters a line "would not be believed or taken seriously" took three lines in
    # a 40 px slot, and ran into the labels above and below it (at 1280 px and on a phone).
    from vawg.report.survey.safety import _reasons_figure
    from vawg.survey.themes import DEFAULT_THEMES

    themes = list(DEFAULT_THEMES)
    shown = pl.DataFrame({"theme": themes, "share": [1 / len(themes)] * len(themes)})
    fig, height = _reasons_figure(shown)
    labels = list(fig.data[0].y)
    lines = [label.count("<br>") + 1 for label in labels]
    assert max(lines) <= 2, labels
    # no line is wider than the wrap allows, save a single word longer than it
    assert all(len(part) <= 22 or " " not in part for lab in labels for part in lab.split("<br>"))
    # each bar's slot (the height less the title and axis, 120 px) holds its label's lines at
    # 16 px a line with a gap
    assert (height - 120) / len(labels) >= 16 * max(lines) + 12
