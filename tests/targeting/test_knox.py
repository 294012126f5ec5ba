"""The Knox table against a hand-computed fixture (and exact enumeration of every way of giving
the dates to the places), and a planted near-repeat pattern."""

from __future__ import annotations

import itertools
import math
from pathlib import Path

import numpy as np
import polars as pl
import pytest

from vawg.errors import InputError
from vawg.targeting.knox import knox_test

DATA = Path(__file__).resolve().parents[1] / "data" / "targeting"
D_EDGES, T_EDGES = (0, 100, 200), (0, 7, 14)


def _hand_cell(distance: float, days: int) -> tuple[int, int]:
    d = 0 if distance <= 100 else 1 if distance <= 200 else 2
    t = 0 if days <= 7 else 1 if days <= 14 else 2
    return d, t


def _exact(x: list[float], y: list[float], days: list[int]) -> tuple[np.ndarray, list[np.ndarray]]:
    """Brute force, independent of the code under test: every permutation of the dates."""
    n = len(x)
    tables = []
    for perm in itertools.permutations(days):
        table = np.zeros((3, 3), dtype=int)
        for i, j in itertools.combinations(range(n), 2):
            d, t = _hand_cell(math.hypot(x[i] - x[j], y[i] - y[j]), abs(perm[i] - perm[j]))
            table[d, t] += 1
        tables.append(table)
    return np.mean(tables, axis=0), tables


def test_observed_table_matches_the_hand_calculation() -> None:
    data = pl.read_csv(DATA / "knox_five.csv")
    result = knox_test(
        data["easting"], data["northing"], data["day"],
        distance_edges=D_EDGES, time_edges=T_EDGES, permutations=99, seed=0,
    )  # fmt: skip
    observed = result.table.sort("distance_index", "time_index")["observed"].to_list()
    assert observed == [1, 0, 1, 1, 1, 0, 2, 1, 3]  # README, row by row
    assert (result.events, result.pairs, result.near_pairs) == (5, 10, 4)
    assert result.table["distance_band"].unique(maintain_order=True).to_list() == [
        "0-100 m", "100-200 m", "more than 200 m",
    ]  # fmt: skip
    assert result.table["time_band"].unique(maintain_order=True).to_list() == [
        "0-7 days", "8-14 days", "more than 14 days",
    ]  # fmt: skip


def test_monte_carlo_agrees_with_exact_enumeration() -> None:
    data = pl.read_csv(DATA / "knox_five.csv")
    x, y, days = data["easting"].to_list(), data["northing"].to_list(), data["day"].to_list()
    expected, tables = _exact(x, y, days)
    result = knox_test(x, y, days, distance_edges=D_EDGES, time_edges=T_EDGES,
                       permutations=9999, seed=1)  # fmt: skip
    table = result.table.sort("distance_index", "time_index")
    got = table["expected"].to_numpy().reshape(3, 3)
    np.testing.assert_allclose(got, expected, atol=0.03)
    observed = table["observed"].to_numpy().reshape(3, 3)
    exact_p = np.mean([t >= observed for t in tables], axis=0)
    np.testing.assert_allclose(table["p_value"].to_numpy().reshape(3, 3), exact_p, atol=0.02)


def _points(seed: int, planted: bool) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    n = 600
    x, y = rng.uniform(0, 5000, n), rng.uniform(0, 5000, n)
    t = rng.integers(0, 365, n)
    if planted:  # a quarter of offences are followed within 50 m and 1-5 days by another
        parent = rng.choice(n, 150, replace=False)
        x = np.concatenate([x, x[parent] + rng.uniform(-35, 35, 150)])
        y = np.concatenate([y, y[parent] + rng.uniform(-35, 35, 150)])
        t = np.concatenate([t, t[parent] + rng.integers(1, 6, 150)])
    return x, y, t


def test_a_planted_near_repeat_pattern_is_found() -> None:
    x, y, t = _points(4, planted=True)
    result = knox_test(x, y, t, permutations=499, seed=2)
    cell = result.table.filter(pl.col("distance_index") == 0, pl.col("time_index") == 0).row(
        0, named=True
    )
    assert cell["knox_ratio"] > 3
    assert cell["p_value"] < 0.01
    assert cell["above_chance"]  # the planted cell is said to be clearly above chance
    expected = (result.table["p_value"] < 0.05) & (result.table["knox_ratio"] > 1)
    assert result.table["above_chance"].to_list() == expected.to_list()
    far = result.table.filter(pl.col("distance_index") == 3, pl.col("time_index") == 3).row(
        0, named=True
    )
    assert 0.6 < far["knox_ratio"] < 1.5


def test_no_pattern_without_planting() -> None:
    x, y, t = _points(4, planted=False)
    result = knox_test(x, y, t, permutations=499, seed=2)
    near = result.table.filter(pl.col("distance_index") == 0, pl.col("time_index") == 0)
    assert near["p_value"][0] > 0.05
    # Under the null the p-values of the 25 cells are spread, not piled at 0.
    assert (result.table["p_value"] < 0.01).sum() <= 2


def test_bad_bands_are_refused() -> None:
    with pytest.raises(InputError, match="increasing numbers from 0"):
        knox_test([0, 1, 2], [0, 1, 2], [0, 1, 2], distance_edges=(50, 100))


def test_observed_table_is_every_pair_counted_by_brute_force() -> None:
    # 300 random offences over four years: every one of the 44,850 pairs put in its cell by
    # plain comparisons with the band edges, against the test's observed counts.
    rng = np.random.default_rng(11)
    x, y = rng.uniform(0, 3000, 300), rng.uniform(0, 3000, 300)
    days = rng.integers(16000, 16000 + 4 * 365, 300)
    d_edges, t_edges = (0, 100, 200, 400, 800), (0, 7, 14, 28, 56)
    expected = np.zeros((5, 5), dtype=int)
    for a, b in itertools.combinations(range(300), 2):
        distance = math.hypot(x[a] - x[b], y[a] - y[b])
        gap = abs(int(days[a]) - int(days[b]))
        row = sum(distance > edge for edge in d_edges[1:])
        column = sum(gap > edge for edge in t_edges[1:])
        expected[row, column] += 1
    result = knox_test(x, y, days, permutations=99, seed=0)
    got = np.zeros((5, 5), dtype=int)
    for cell in result.table.iter_rows(named=True):
        got[cell["distance_index"], cell["time_index"]] = cell["observed"]
    assert (got == expected).all()


def test_the_shuffles_do_not_depend_on_how_many_cores_count_them(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    rng = np.random.default_rng(5)
    x, y = rng.uniform(0, 2000, 400), rng.uniform(0, 2000, 400)
    day = rng.integers(0, 200, 400)
    tables = []
    for cores in (1, 3, 8):
        monkeypatch.setattr("vawg.threads.os.cpu_count", lambda cores=cores: cores)
        tables.append(knox_test(x, y, day, permutations=101, seed=9).table)
    assert tables[0].equals(tables[1]) and tables[0].equals(tables[2])
