"""Matching on the fixture built for it: the twins are found and balance is reached."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from vawg.errors import InputError
from vawg.evaluation.matching import Moments, _groups, balance_table, match_nearest

DATA = Path(__file__).resolve().parents[1] / "data" / "evaluation"
COVARIATES = ["pre_level", "pre_trend", "deprivation", "pubs"]


@pytest.fixture
def frames() -> tuple[pl.DataFrame, pl.DataFrame]:
    data = pl.read_csv(DATA / "matching.csv")
    return data.filter(pl.col("group") == "treated"), data.filter(pl.col("group") == "pool")


def test_matching_finds_the_twins(frames: tuple[pl.DataFrame, pl.DataFrame]) -> None:
    treated, pool = frames
    matched = match_nearest(
        treated, pool, id_column="lsoa_code", covariates=COVARIATES, k=2, exact=["town_centre"]
    )
    pairs = sorted(matched.pairs.select("treated", "comparison").rows())
    expected = sorted((t, t + s) for t in ("T1", "T2", "T3", "T4") for s in ("a", "b"))
    assert pairs == expected
    assert matched.short == ()


def test_balance_is_reached_after_matching(frames: tuple[pl.DataFrame, pl.DataFrame]) -> None:
    treated, pool = frames
    matched = match_nearest(
        treated, pool, id_column="lsoa_code", covariates=COVARIATES, k=2, exact=["town_centre"]
    )
    chosen = pool.join(matched.pairs.select(lsoa_code="comparison"), on="lsoa_code")
    table = balance_table(treated, pool, chosen, [*COVARIATES, "town_centre"])
    assert (table["smd_after"].abs() < 0.1).all()
    assert table["balanced"].all()
    before = dict(zip(table["covariate"], table["smd_before"], strict=True))
    # README: pubs 1.24 and crimes a month 1.41 before matching.
    assert before["pubs"] == pytest.approx(1.237, abs=0.002)
    assert before["pre_level"] == pytest.approx(1.408, abs=0.002)


def test_exact_matching_is_respected(frames: tuple[pl.DataFrame, pl.DataFrame]) -> None:
    treated, pool = frames
    # No pool LSOA but the decoys is a non-town centre: a non-town-centre treated LSOA can
    # only be matched with non-town-centre decoys.
    odd = treated.head(1).with_columns(town_centre=pl.lit(0), lsoa_code=pl.lit("T9"))
    matched = match_nearest(
        odd, pool, id_column="lsoa_code", covariates=COVARIATES, k=3, exact=["town_centre"]
    )
    chosen = pool.filter(pl.col("lsoa_code").is_in(matched.pairs["comparison"].implode()))
    assert chosen.height == 3
    assert (chosen["town_centre"] == 0).all()


def test_too_few_candidates_are_reported(frames: tuple[pl.DataFrame, pl.DataFrame]) -> None:
    treated, pool = frames
    matched = match_nearest(
        treated, pool.head(3), id_column="lsoa_code", covariates=COVARIATES, k=2
    )
    assert matched.pairs.height == 3
    assert len(matched.short) >= 2


def test_missing_covariates_are_refused(frames: tuple[pl.DataFrame, pl.DataFrame]) -> None:
    treated, pool = frames
    with pytest.raises(InputError, match="empty values in pubs"):
        match_nearest(
            treated.with_columns(pubs=pl.lit(None, dtype=pl.Int64)),
            pool,
            id_column="lsoa_code",
            covariates=COVARIATES,
        )


def test_a_nan_covariate_is_refused_as_an_empty_one(
    frames: tuple[pl.DataFrame, pl.DataFrame],
) -> None:
    treated, pool = frames
    with pytest.raises(InputError, match="pool has empty values in pubs"):
        match_nearest(
            treated,
            pool.with_columns(pubs=pl.lit(float("nan"))),
            id_column="lsoa_code",
            covariates=COVARIATES,
        )


@st.composite
def _exact_frames(draw: st.DrawFn) -> pl.DataFrame:
    """One to three exact-match columns: whole numbers (ints, or floats holding them, some
    negative), or values that are not (fractions, text, missing values)."""
    rows = draw(st.integers(0, 30))
    columns = {}
    for name in ("a", "b", "c")[: draw(st.integers(1, 3))]:
        kind = draw(st.sampled_from(["int", "whole float", "fraction", "text", "missing"]))
        small = st.integers(-3, 3)
        if kind == "int":
            columns[name] = pl.Series(draw(st.lists(small, min_size=rows, max_size=rows)))
        elif kind == "whole float":
            values = draw(st.lists(small, min_size=rows, max_size=rows))
            columns[name] = pl.Series([float(v) for v in values])
        elif kind == "fraction":
            values = draw(
                st.lists(st.sampled_from([0.5, 1.0, -0.0, 0.0]), min_size=rows, max_size=rows)
            )
            columns[name] = pl.Series(values, dtype=pl.Float64)
        elif kind == "text":
            columns[name] = pl.Series(
                draw(st.lists(st.sampled_from("xyz"), min_size=rows, max_size=rows))
            )
        else:
            values = draw(st.lists(st.one_of(st.none(), small), min_size=rows, max_size=rows))
            columns[name] = pl.Series(values, dtype=pl.Int64)
    return pl.DataFrame(columns)


@settings(max_examples=200, deadline=None)
@given(_exact_frames())
def test_exact_strata_are_the_groups_of_equal_rows(frame: pl.DataFrame) -> None:
    # Reference: rows grouped by their values in plain Python (None equal to None; -0.0 and
    # 0.0 equal, as they compare).
    groups: dict[tuple[object, ...], list[int]] = {}
    for i, row in enumerate(frame.iter_rows()):
        groups.setdefault(tuple(0.0 if v == 0 else v for v in row), []).append(i)
    got = sorted(sorted(int(x) for x in g) for g in _groups(frame))
    assert got == sorted(groups.values())


pools = st.lists(
    st.lists(
        st.tuples(st.floats(-1e4, 1e4, allow_nan=False), st.integers(0, 40).map(float)),
        max_size=30,
    ),
    min_size=1,
    max_size=8,
)


@given(pools)
@settings(max_examples=60, deadline=None)
def test_a_pool_kept_as_moments_balances_as_its_rows(
    parts: list[list[tuple[float, float]]],
) -> None:
    # A programme's pool is one part a referral date; its moments, added up part by part,
    # give the balance table the rows put together give (numpy's mean and variance).
    schema = {"a": pl.Float64, "b": pl.Float64}
    frames = [pl.DataFrame(p, schema=schema, orient="row") for p in parts]
    whole = pl.concat(frames)
    summed = Moments.empty()
    for frame in frames:
        summed += Moments.of(frame, ["a", "b"])
    assert summed.n == whole.height
    for c in ("a", "b"):
        values = whole[c].to_numpy()
        if values.size:
            assert summed.mean[c] == pytest.approx(values.mean(), rel=1e-9, abs=1e-9)
        if values.size > 1:
            assert summed.variance(c) == pytest.approx(values.var(ddof=1), rel=1e-9, abs=1e-6)
    treated = pl.DataFrame({"a": [1.0, 2.0, 4.0], "b": [3.0, 0.0, 1.0]})
    if whole.height:
        rows = balance_table(treated, whole, treated, ["a", "b"])
        kept = balance_table(treated, summed, treated, ["a", "b"])
        for column in ("pool_mean", "smd_before"):
            assert kept[column].to_list() == pytest.approx(rows[column].to_list(), rel=1e-9)
