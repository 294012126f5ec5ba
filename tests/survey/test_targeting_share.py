"""Targeting's "feel unsafe at night" by district is the survey analysis's weighted share.

The targeting report once computed it unweighted while the survey report weighted it to Kent's
population, so the same district showed two figures. The expectation here is computed by hand
from the survey's own (raked) weights: the weighted share of respondents in each district who
answered the night question with a score of 2 or less.
"""

from __future__ import annotations

import numpy as np
import polars as pl
import pytest

from vawg.config import Settings
from vawg.query import connect
from vawg.targeting.places import unsafe_at_night

from .conftest import Force


def test_targeting_district_share_is_the_survey_analysis_weighted_share(force: Force) -> None:
    survey = force.result()
    assert survey.weighting is not None, "the generated survey has no weights, so it is raked"
    mine, note = unsafe_at_night(connect(force.db), Settings())
    assert "weighted to Kent's population by district, sex and age" in note

    respondents = (
        connect(force.db)
        .public_survey.select("respondent_id", "district", "feel_safe_town_night")
        .to_polars()
        .join(survey.weighting.weights, on="respondent_id")
        .filter(pl.col("feel_safe_town_night").is_not_null())
    )
    by_hand = respondents.group_by("district").agg(
        share=((pl.col("feel_safe_town_night") <= 2).cast(pl.Float64) * pl.col("weight")).sum()
        / pl.col("weight").sum(),
        unweighted=(pl.col("feel_safe_town_night") <= 2).mean(),
        n=pl.len(),
    )
    reported = survey.table.filter(
        pl.col("indicator") == "unsafe_night_share", pl.col("dimension") == "district"
    ).select(district="level", survey_share="estimate", lo="ci_low", hi="ci_high")
    joined = mine.join(by_hand, on="district").join(reported, on="district")
    assert joined.height == mine.height == by_hand.height >= 10
    for row in joined.iter_rows(named=True):
        assert row["unsafe_at_night_share"] == pytest.approx(row["share"], abs=1e-12)
        assert row["unsafe_at_night_share"] == pytest.approx(row["survey_share"], abs=1e-12)
        assert (row["unsafe_ci_low"], row["unsafe_ci_high"]) == pytest.approx(
            (row["lo"], row["hi"])
        )
        assert row["respondents"] == row["n"]
    # The weights matter here: the unweighted share differs somewhere by more than rounding.
    gap = (joined["unsafe_at_night_share"] - joined["unweighted"]).abs().max()
    assert isinstance(gap, float) and gap > 0.005
    assert np.isfinite(joined["unsafe_at_night_share"].to_numpy()).all()
