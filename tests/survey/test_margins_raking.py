"""Margins and raking: hand-worked 2 x 2 raking, trimming, unmatched levels, Kish."""

from __future__ import annotations

import csv
from fractions import Fraction
from pathlib import Path

import numpy as np
import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from vawg.datasets import dataset_path
from vawg.errors import InputError
from vawg.survey import kent_margins, kish, margins_from_frame, rake
from vawg.survey.inputs import read_margins

from .conftest import DATA, read_public

# Hand-worked weights of tests/data/survey/raking (see its README): F/16-24 1/2, F/65+ 4/3,
# M/16-24 3/4, M/65+ 2.
HAND_WEIGHTS = {
    "R01": 0.5,
    "R02": 0.5,
    "R03": 4 / 3,
    "R04": 4 / 3,
    "R05": 4 / 3,
    "R06": 0.75,
    "R07": 0.75,
    "R08": 0.75,
    "R09": 0.75,
    "R10": 2.0,
}


def _sample() -> pl.DataFrame:
    return read_public(DATA / "raking" / "public_survey.csv")


def test_raking_converges_to_the_hand_worked_weights() -> None:
    result = rake(
        _sample(), read_margins(DATA / "raking" / "margins.csv"), trim_ratio=0, tolerance=1e-10
    )
    assert result.converged
    got = dict(result.weights.iter_rows())
    for rid, weight in HAND_WEIGHTS.items():
        assert got[rid] == pytest.approx(weight, abs=1e-8), rid
    # Kish: deff = 29/24, n_eff = 240/29 (README).
    assert result.design_effect == pytest.approx(29 / 24, rel=1e-8)
    assert result.n_effective == pytest.approx(240 / 29, rel=1e-8)
    assert result.max_margin_error < 1e-10


def test_raked_shares_meet_every_margin() -> None:
    result = rake(_sample(), read_margins(DATA / "raking" / "margins.csv"), trim_ratio=0)
    table = result.table
    assert np.allclose(table["weighted_share"], table["target_share"], atol=1e-6)
    assert table.filter(pl.col("variable") == "sex")["sample_share"].to_list() == [0.5, 0.5]


def _cells(m_old: int, m_young: int, f_young: int, f_old: int) -> pl.DataFrame:
    rows = [(f"MO{i}", "M", "65+") for i in range(m_old)]
    rows += [(f"MY{i}", "M", "16-24") for i in range(m_young)]
    rows += [(f"FY{i}", "F", "16-24") for i in range(f_young)]
    rows += [(f"FO{i}", "F", "65+") for i in range(f_old)]
    return pl.DataFrame(rows, schema=["respondent_id", "sex", "age_band"], orient="row")


def test_trimming_caps_extreme_weights_and_re_rakes() -> None:
    # One 65+ man among 8 young men: raked to 50/50 sex and 40/60 age he weighs about 4.8 x
    # the median. Capped at 3 x the median and re-raked: the cap holds (within the 1% the
    # method allows), the margins still hold, and the design effect falls.
    sample = _cells(1, 8, 6, 6)
    margins = read_margins(DATA / "raking" / "margins.csv")
    untrimmed = rake(sample, margins, trim_ratio=0)
    trimmed = rake(sample, margins, trim_ratio=3)
    assert untrimmed.max_weight_ratio > 4
    assert trimmed.converged and trimmed.trimmed == 1
    assert trimmed.max_weight_ratio <= 3 * 1.01
    assert np.allclose(trimmed.table["weighted_share"], trimmed.table["target_share"], atol=1e-6)
    assert trimmed.design_effect < untrimmed.design_effect


def test_a_cap_the_margins_cannot_meet_is_said() -> None:
    # One 65+ man and 12 young men: meeting 50% men and 60% aged 65+ needs him far above
    # 3 x the median, so trimming gives up and says so.
    result = rake(_cells(1, 12, 4, 8), read_margins(DATA / "raking" / "margins.csv"), trim_ratio=3)
    assert any("trimming stopped" in note for note in result.notes)


def test_unmatched_levels_keep_their_sample_share() -> None:
    sample = _sample().with_columns(
        sex=pl.when(pl.col("respondent_id") == "R09").then(pl.lit("U")).otherwise("sex")
    )
    result = rake(sample, read_margins(DATA / "raking" / "margins.csv"), trim_ratio=0)
    u = result.table.filter(pl.col("level") == "U").row(0, named=True)
    assert u["target_share"] == pytest.approx(0.1)  # 1 of 10 respondents
    assert u["weighted_share"] == pytest.approx(0.1, abs=1e-6)
    f = result.table.filter(pl.col("level") == "F").row(0, named=True)
    assert f["weighted_share"] == pytest.approx(0.45, abs=1e-6)  # 50% of the other 90%
    assert any("sex not stated" in note for note in result.notes)  # U, in words


def test_a_margin_level_nobody_has_is_dropped_and_said() -> None:
    margins = margins_from_frame(
        pl.DataFrame(
            {
                "variable": ["age_band"] * 3,
                "level": ["16-24", "65+", "35-44"],
                "population": [40.0, 60.0, 100.0],
            }
        )
    )
    result = rake(_sample(), margins, trim_ratio=0)
    assert result.converged
    young = result.table.filter(pl.col("level") == "16-24")["weighted_share"][0]
    assert young == pytest.approx(0.4, abs=1e-6)
    assert any("35-44" in note for note in result.notes)


def test_non_convergence_is_reported_not_hidden() -> None:
    result = rake(
        _sample(),
        read_margins(DATA / "raking" / "margins.csv"),
        max_iterations=1,
        tolerance=1e-12,
        trim_ratio=0,
    )
    assert not result.converged
    assert any("did not converge" in note for note in result.notes)


def test_supplied_weights_are_the_starting_point() -> None:
    # Raking from base weights that already meet the margins changes nothing.
    sample = _sample()
    base = np.array([HAND_WEIGHTS[r] for r in sample["respondent_id"]])
    result = rake(
        sample, read_margins(DATA / "raking" / "margins.csv"), base_weights=base, trim_ratio=0
    )
    assert np.allclose(result.weights["weight"], base, atol=1e-8)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"tolerance": 0}, "tolerance"),
        ({"max_iterations": 0}, "max_iterations"),
        ({"trim_ratio": 0.5}, "trim_ratio"),
        ({"base_weights": np.zeros(10)}, "base_weights"),
    ],
)
def test_bad_arguments_name_the_argument(kwargs: dict[str, object], message: str) -> None:
    with pytest.raises(InputError, match=message):
        rake(_sample(), read_margins(DATA / "raking" / "margins.csv"), **kwargs)  # type: ignore[arg-type]


@given(st.permutations(list(range(10))))
@settings(max_examples=25, deadline=None)
def test_weights_do_not_depend_on_row_order(order: list[int]) -> None:
    sample = _sample()[order]
    result = rake(
        sample, read_margins(DATA / "raking" / "margins.csv"), trim_ratio=0, tolerance=1e-12
    )
    got = dict(result.weights.iter_rows())
    assert all(got[r] == pytest.approx(w, abs=1e-7) for r, w in HAND_WEIGHTS.items())


def test_kish_matches_the_formula_by_hand() -> None:
    deff, n_eff = kish(np.array([1.0, 1.0, 2.0, 4.0]))
    # sum w = 8, sum w^2 = 22: n_eff = 64/22, deff = 4 x 22 / 64.
    assert n_eff == pytest.approx(64 / 22)
    assert deff == pytest.approx(88 / 64)
    assert kish(np.ones(7)) == (pytest.approx(1.0), pytest.approx(7.0))


def test_kent_margins_are_the_ons_16_plus_population() -> None:
    # Re-read the shipped CSV with the csv module (independent of vawg's loader).
    with dataset_path("district_population.csv").open(newline="") as handle:
        rows = [r for r in csv.DictReader(handle) if r["age_band"] != "0-15"]
    total = sum(int(r["population"]) for r in rows)
    female = sum(int(r["population"]) for r in rows if r["sex"] == "F")
    thanet = sum(int(r["population"]) for r in rows if r["district"] == "Thanet")
    margins = kent_margins()
    assert margins.levels("sex")["F"] == pytest.approx(female / total)
    assert margins.levels("district")["Thanet"] == pytest.approx(thanet / total)
    assert len(margins.levels("district")) == 13
    assert set(margins.levels("age_band")) == {"16-24", "25-34", "35-44", "45-54", "55-64", "65+"}
    assert any("estimated, not published" in a for a in margins.assumptions)
    assert sum(Fraction(v).limit_denominator() for v in margins.levels("sex").values()) == 1


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("variable,level\nsex,F\n", "population"),
        ("variable,level,population\nregion,South,5\n", "unknown variable"),
        ("variable,level,population\nsex,F,0\n", "not a number > 0"),
        ("variable,level,population\nsex,F,5\nsex,F,6\n", "twice"),
        ("variable,level,population\nage_band,16-30,5\n", "age band"),
    ],
)
def test_user_margins_are_checked(tmp_path: Path, content: str, message: str) -> None:
    path = tmp_path / "margins.csv"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(InputError, match=message):
        read_margins(path)


def test_missing_margins_file_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="no such margins file"):
        read_margins(tmp_path / "nope.csv")
