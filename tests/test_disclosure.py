"""Disclosure control: ``vawg.disclosure.suppress`` (every public count goes through it).

Three promises are checked. (1) A public output never shows a count from 1 to threshold - 1,
and every count it shows is a multiple of the threshold (rounded from its own true value).
(2) No suppressed cell can be recovered from the published figures: neither exactly by linear
algebra on the row and column totals (the cell is not a combination of published relations),
nor by the usual attack on counts, bounding the cell with linear programming under the known
totals and non-negativity and finding a single whole number possible. The attacker here is
given the true (unrounded) values of every published cell: the worst case. (3) The withheld
cells under a published total never add up to a small count.

Two ways of publishing a table are checked: the documented one (cells under ``margins`` whose
totals are published as given), and totals carried as cells of the table themselves (the way
the profile publishes them, so a small total is suppressed like any other count).
"""

from __future__ import annotations

import itertools
import math

import numpy as np
import polars as pl
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from scipy.optimize import linprog

from vawg.disclosure import (
    SUPPRESSED_FLAG,
    is_disclosive,
    protect,
    round_count,
    shown_count,
    suppress,
)
from vawg.errors import InputError

THRESHOLD = 5

# --------------------------------------------------------------------------------------------
# Hand-made cases
# --------------------------------------------------------------------------------------------


def test_primary_suppression_hides_1_to_4_and_shows_zero_and_5() -> None:
    # counts 0, 1, 4, 5, 12 with no published total: 1 and 4 are disclosive (1..4); 0 and 5+
    # are shown, rounded to the nearest 5 (12 -> 10). No margins, so no secondary suppression.
    frame = pl.DataFrame({"k": ["a", "b", "c", "d", "e"], "n": [0, 1, 4, 5, 12]})
    out = suppress(frame, "n", threshold=THRESHOLD, margins=[])
    assert out["n"].to_list() == [0, None, None, 5, 10]
    assert out[SUPPRESSED_FLAG].to_list() == [False, True, True, False, False]
    unrounded = suppress(frame, "n", threshold=THRESHOLD, margins=[], rounded=False)
    assert unrounded["n"].to_list() == [0, None, None, 5, 12]


def test_rounding_is_to_the_nearest_multiple_of_the_threshold_halves_up() -> None:
    # Base 5: 5, 6, 7 -> 5; 8, 9, 10, 11, 12 -> 10; 13 -> 15 (hand-worked); None stays None.
    shown = [round_count(v, 5) for v in (5, 6, 7, 8, 10, 12, 13, None)]
    assert shown == [5, 5, 5, 10, 10, 10, 15, None]
    # Base 10: 15 is halfway and goes up; a count at the threshold never rounds to 0.
    assert [round_count(v, 10) for v in (10, 14, 15, 24)] == [10, 10, 20, 20]
    assert round_count(7, 1) == 7


@settings(max_examples=200, deadline=None)
@given(st.integers(0, 10_000), st.integers(0, 10_000), st.integers(2, 12))
def test_property_no_two_published_counts_differ_by_a_small_count(a: int, b: int, t: int) -> None:
    # Any two counts, published through the rule (each on its own, as two outputs would),
    # differ by 0 or by at least the threshold: differencing never gives 1..t-1 away.
    shown = suppress(pl.DataFrame({"n": [a, b]}), "n", threshold=t, margins=[])["n"].to_list()
    assume(None not in shown)
    assert shown[0] % t == 0 and shown[1] % t == 0
    assert not 0 < abs(shown[0] - shown[1]) < t
    assert abs(shown[0] - a) <= t // 2 and abs(shown[1] - b) <= t // 2


def test_a_lone_suppressed_cell_under_a_total_takes_the_smallest_other_cell() -> None:
    # a=3 (disclosive), b=9, c=7, total 19 published: 3 = 19 - 9 - 7 would give it away, so the
    # smallest other cell (c=7) is suppressed as well; 19 - 9 = 10 = a + c then hides both.
    # The 9 left standing is rounded to 10.
    frame = pl.DataFrame({"k": ["a", "b", "c"], "n": [3, 9, 7]})
    out = suppress(frame, "n", threshold=THRESHOLD)
    assert out["n"].to_list() == [None, 10, None]


def test_withheld_cells_adding_up_to_a_small_count_take_another() -> None:
    # a=2, b=1 both disclosive; the total 103 would reveal a + b = 3 (say, two LSOAs of one
    # district, whose total is published): a small count. The next smallest cell goes too.
    frame = pl.DataFrame({"k": ["a", "b", "c", "d"], "n": [2, 1, 100, 40]})
    out = suppress(frame, "n", threshold=THRESHOLD)
    assert out["n"].to_list() == [None, None, 100, None]
    # Withheld cells adding up to 5 or more need no more: 3 + 4 = 7.
    frame = pl.DataFrame({"k": ["a", "b", "c"], "n": [3, 4, 100]})
    assert suppress(frame, "n", threshold=THRESHOLD)["n"].to_list() == [None, None, 100]


def test_linked_cells_protected_together() -> None:
    # protect(): a birthday-table row (12) is the sum of two chart days (3 and 9) published
    # elsewhere: the 3 is withheld and so the 9 goes too (or 12 - 9 would give it back).
    cells = {"row": 12, "d-1": 3, "d+1": 9}
    safe = protect(cells, [(["d-1", "d+1"], "row")], THRESHOLD)
    assert safe == {"row": 10, "d-1": None, "d+1": None}


def test_secondary_prefers_a_non_zero_cell() -> None:
    # a=3 lone; others 0 and 8: suppressing the 0 would hide nothing (a = total - 8 - [0]), so
    # the 8 is taken.
    frame = pl.DataFrame({"k": ["a", "b", "c"], "n": [3, 0, 8]})
    out = suppress(frame, "n", threshold=THRESHOLD)
    assert out["n"].to_list() == [None, 0, None]


def test_dependents_are_blanked_with_their_count() -> None:
    # rate depends on n: where n is suppressed the rate must go too (rate * population = n).
    frame = pl.DataFrame({"k": ["a", "b"], "n": [2, 50], "rate": [0.2, 5.0]})
    out = suppress(frame, "n", threshold=THRESHOLD, margins=[], dependents=["rate"])
    assert out["rate"].to_list() == [None, 5.0]


def test_two_way_table_with_row_and_column_totals() -> None:
    # district x place, totals of rows and columns published.
    #            home public
    #   A         20     3      <- 3 disclosive; row A would give it away: hide A/home (20)?
    #   B         30    12         No: the smallest other cell in row A is 20 (only one).
    # Row A: {20, 3}: 3 lone -> hide 20. Column public: {3, 12}: 3 lone -> hide 12.
    # Row B: {30, 12}: 12 lone -> hide 30. Column home: {20, 30}: both hidden. Done: all four.
    frame = pl.DataFrame(
        {"district": ["A", "A", "B", "B"], "place": ["home", "public"] * 2, "n": [20, 3, 30, 12]}
    )
    out = suppress(frame, "n", threshold=THRESHOLD, margins=[["district"], ["place"]])
    assert out["n"].to_list() == [None, None, None, None]


def test_bad_arguments_are_input_errors() -> None:
    frame = pl.DataFrame({"n": [1]})
    with pytest.raises(InputError, match="threshold"):
        suppress(frame, "n", threshold=0)
    with pytest.raises(InputError, match="no column 'x'"):
        suppress(frame, "x", threshold=5)


def test_is_disclosive() -> None:
    assert [is_disclosive(v, 5) for v in (None, 0, 1, 4, 5)] == [False, False, True, True, False]


# --------------------------------------------------------------------------------------------
# The attacker: what can be worked out of a published table
# --------------------------------------------------------------------------------------------


def _recovered(
    equations: list[tuple[dict[int, float], float]], hidden: list[int], upper: float
) -> list[int]:
    """Hidden cells an attacker can pin down from ``equations`` (sum of coef * x = rhs).

    Exact: a cell whose unit vector lies in the row space of the equations (linear algebra).
    Bounded: a cell whose linear-programming range under x >= 0 holds a single whole number.
    """
    if not hidden:
        return []
    col = {cell: j for j, cell in enumerate(hidden)}
    rows = [eq for eq in equations if any(c in col for c in eq[0])]
    if not rows:
        return []
    a = np.zeros((len(rows), len(hidden)))
    b = np.zeros(len(rows))
    for i, (coefs, rhs) in enumerate(rows):
        b[i] = rhs
        for cell, coef in coefs.items():
            a[i, col[cell]] = coef
    rank = np.linalg.matrix_rank(a)
    out = []
    for cell, j in col.items():
        unit = np.zeros(len(hidden))
        unit[j] = 1.0
        if np.linalg.matrix_rank(np.vstack([a, unit])) == rank:
            out.append(cell)
            continue
        bounds = [(0, upper)] * len(hidden)
        low = linprog(unit, A_eq=a, b_eq=b, bounds=bounds, method="highs")
        high = linprog(-unit, A_eq=a, b_eq=b, bounds=bounds, method="highs")
        assert low.status == 0 and high.status == 0, "the true table must be feasible"
        if math.floor(-high.fun + 1e-7) <= math.ceil(low.fun - 1e-7):
            out.append(cell)
    return out


def _table_frame(cells: list[list[int]]) -> pl.DataFrame:
    rows = [
        {"r": f"r{i}", "c": f"c{j}", "n": v}
        for i, row in enumerate(cells)
        for j, v in enumerate(row)
    ]
    return pl.DataFrame(rows)


def _with_totals_as_cells(cells: list[list[int]]) -> pl.DataFrame:
    """The table plus its row totals (c=all), column totals (r=all) and grand total as cells."""
    n_rows, n_cols = len(cells), len(cells[0])
    full = [[*row, sum(row)] for row in cells]
    full.append([sum(full[i][j] for i in range(n_rows)) for j in range(n_cols + 1)])
    rows = []
    for i, row in enumerate(full):
        for j, v in enumerate(row):
            r = "all" if i == n_rows else f"r{i}"
            c = "all" if j == n_cols else f"c{j}"
            rows.append({"r": r, "c": c, "n": v, "row_total": c == "all", "col_total": r == "all"})
    return pl.DataFrame(rows)


def _suppress_with_totals(frame: pl.DataFrame) -> pl.DataFrame:
    # Group by row r: its total is the cell in column "all" (row_total); by column: col_total.
    return suppress(
        frame, "n", threshold=THRESHOLD, margins=[["r"], ["c"]], totals=["row_total", "col_total"]
    )


counts = st.one_of(st.integers(0, 6), st.integers(0, 40))
tables = st.integers(1, 5).flatmap(
    lambda r: st.integers(1, 5).flatmap(
        lambda c: st.lists(st.lists(counts, min_size=c, max_size=c), min_size=r, max_size=r)
    )
)


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(tables)
def test_property_published_margins_documented_model(cells: list[list[int]]) -> None:
    """Cells under published row and column totals (the docstring's model).

    The model publishes the totals as given, so only tables whose totals are themselves safe to
    publish (0 or at least the threshold) are fair tests of it.
    """
    totals = [sum(row) for row in cells] + [sum(col) for col in zip(*cells, strict=True)]
    assume(not any(is_disclosive(t, THRESHOLD) for t in totals))
    frame = _table_frame(cells)
    out = suppress(frame, "n", threshold=THRESHOLD, margins=[["r"], ["c"]])
    published = out["n"].to_list()
    assert not any(is_disclosive(v, THRESHOLD) for v in published)
    assert all(v is None or v % THRESHOLD == 0 for v in published)
    values = frame["n"].to_list()
    hidden = [i for i, v in enumerate(published) if v is None]
    for key in ("r", "c"):  # (3) the withheld cells of a line never add up to a small count
        for _, group in frame.with_row_index("i").group_by(key):
            withheld = sum(values[i] for i in group["i"] if published[i] is None)
            assert not is_disclosive(withheld, THRESHOLD), (cells, key)
    equations = []
    for key in ("r", "c"):
        for _, group in frame.with_row_index("i").group_by(key):
            members = group["i"].to_list()
            total = sum(values[i] for i in members)
            known = sum(values[i] for i in members if published[i] is not None)
            equations.append(({i: 1.0 for i in members if published[i] is None}, total - known))
    leaked = _recovered(equations, hidden, sum(values))
    primary = [i for i in leaked if is_disclosive(values[i], THRESHOLD)]
    assert not primary, f"cells {primary} of {cells} can be recovered from the totals"


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(tables)
def test_property_totals_as_cells(cells: list[list[int]]) -> None:
    """Row, column and grand totals carried as cells: nothing small shown, nothing recoverable."""
    frame = _with_totals_as_cells(cells)
    out = _suppress_with_totals(frame)
    published = out["n"].to_list()
    assert not any(is_disclosive(v, THRESHOLD) for v in published)
    values = frame["n"].to_list()
    index = {(r, c): i for i, (r, c) in enumerate(frame.select("r", "c").iter_rows())}
    equations: list[tuple[dict[int, float], float]] = []
    r_keys = sorted({r for r, _ in index})
    c_keys = sorted({c for _, c in index})
    lines = [(("r", r), [index[(r, c)] for c in c_keys]) for r in r_keys] + [
        (("c", c), [index[(r, c)] for r in r_keys]) for c in c_keys
    ]
    for (axis, _), members in lines:
        total = next(
            i for i in members if (frame["c"][i] if axis == "r" else frame["r"][i]) == "all"
        )
        parts = [i for i in members if i != total]
        coefs = {i: 1.0 for i in parts if published[i] is None}
        rhs = -sum(values[i] for i in parts if published[i] is not None)
        if published[total] is None:
            coefs[total] = -1.0
        else:
            rhs += values[total]
        if coefs:
            equations.append((coefs, rhs))
    hidden = [i for i, v in enumerate(published) if v is None]
    leaked = _recovered(equations, hidden, max(values) if values else 0)
    assert not leaked, (
        f"cells {[(frame['r'][i], frame['c'][i], values[i]) for i in leaked]} of {cells} "
        "can be recovered from the published table"
    )


def test_oracle_finds_a_lone_cell() -> None:
    # The attacker must catch the obvious leak, or the properties above prove nothing:
    # cells 3, 9, 7 with the total 19 published and only the 3 hidden -> 3 = 19 - 16.
    equations = [({0: 1.0}, 3.0)]
    assert _recovered(equations, [0], 19) == [0]
    # Two hidden cells summing to 10 cannot be told apart.
    assert _recovered([({0: 1.0, 1: 1.0}, 10.0)], [0, 1], 19) == []


def test_every_cell_combination_of_a_small_table_is_safe() -> None:
    # Exhaustive over a 2 x 2 table with cells in {0, 2, 6}: 81 tables, totals as cells.
    for values in itertools.product((0, 2, 6), repeat=4):
        cells = [list(values[:2]), list(values[2:])]
        frame = _with_totals_as_cells(cells)
        out = _suppress_with_totals(frame)
        assert not any(is_disclosive(v, THRESHOLD) for v in out["n"].to_list()), cells


def test_a_closed_block_joined_by_one_cell_is_not_given_away() -> None:
    # Found by the property test above (before the fix in disclosure.py). Row and column totals
    # published; every non-zero cell below 5 is suppressed (X), zeros and 5 are shown:
    #
    #        c0 c1 c2 c3 | total        c0 c1 c2 c3
    #   r0    0  0  1  4 |   5     r0    0  0  X  X
    #   r1    0  4  0  1 |   5     r1    0  X  0  X
    #   r2    1  0  4  0 |   5     r2    X  0  X  0
    #   r3    1  0  4  0 |   5     r3    X  0  X  0
    #   r4    5  1  0  1 |   7     r4    5  X  0  X
    #   total 7  5  9  6
    #
    # Every row and column has two or more X, yet rows r2 + r3 give c0 + c2 (their cells) = 10,
    # column c0 gives r2c0 + r3c0 = 7 - 5 = 2, so r2c2 + r3c2 = 8 and r0c2 = 9 - 8 = 1 exactly.
    cells = [[0, 0, 1, 4], [0, 4, 0, 1], [1, 0, 4, 0], [1, 0, 4, 0], [5, 1, 0, 1]]
    frame = _table_frame(cells)
    out = suppress(frame, "n", threshold=THRESHOLD, margins=[["r"], ["c"]])
    published = out["n"].to_list()
    assert published[2] is None  # r0c2 (the 1) is suppressed ...
    # ... and is no longer pinned: r2c2 + r3c2 + r0c2 + (whatever else joined column c2) = 9
    # has at least two free cells outside the closed block, which the suppression opened.
    values = frame["n"].to_list()
    hidden = [i for i, v in enumerate(published) if v is None]
    equations = []
    for key in ("r", "c"):
        for _, group in frame.with_row_index("i").group_by(key):
            members = group["i"].to_list()
            known = sum(values[i] for i in members if published[i] is not None)
            total = sum(values[i] for i in members)
            equations.append(({i: 1.0 for i in members if published[i] is None}, total - known))
    assert _recovered(equations, hidden, sum(values)) == []


@pytest.mark.parametrize(
    ("count", "shown"),
    [(None, None), (0, 0), (1, None), (4, None), (5, 5), (7, 5), (8, 10), (12, 10), (13, 15)],
)
def test_one_count_on_its_own_is_withheld_when_small_and_rounded_to_fives(
    count: int | None, shown: int | None
) -> None:
    assert shown_count(count, 5) == shown


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.integers(1, 5).flatmap(
        lambda rows: st.integers(2, 7).flatmap(
            lambda cols: st.tuples(
                st.lists(
                    st.lists(
                        st.sampled_from([-2.0, -1.0, 0.0, 0.0, 1.0, 3.0]),
                        min_size=cols,
                        max_size=cols,
                    ),
                    min_size=rows,
                    max_size=rows,
                ),
                st.lists(st.sampled_from([0, 0, 1, 2, 3, 5, 12]), min_size=cols, max_size=cols),
            )
        )
    )
)
def test_a_cell_shown_to_move_is_never_one_the_solver_pins(
    case: tuple[list[list[float]], list[int]],
) -> None:
    """The cheap proof that a withheld cell can move by a whole count agrees with linear
    programming: whenever it says a cell moves, bounding the cell under the relations and
    counts >= 0 (solved here independently) leaves at least two whole numbers."""
    from vawg.disclosure.cells import _moves

    a, x = np.asarray(case[0]), np.asarray(case[1], dtype=float)
    b = a @ x
    _, sv, vt = np.linalg.svd(a, full_matrices=True)
    rank = int((sv > 1e-9 * max(sv[0], 1.0)).sum())
    for j in range(a.shape[1]):
        if not _moves(j, x, vt[rank:]):
            continue
        unit = np.zeros(a.shape[1])
        unit[j] = 1.0
        low = linprog(unit, A_eq=a, b_eq=b, bounds=(0, None), method="highs")
        high = linprog(-unit, A_eq=a, b_eq=b, bounds=(0, None), method="highs")
        assert low.status == 0
        if high.status == 0:  # else unbounded above: it moves without end
            assert -high.fun - low.fun >= 1 - 1e-7
