"""Cell suppression and rounding: the arithmetic of the one disclosure rule.

A count from 1 to ``threshold - 1`` is withheld (primary suppression) together with its
``dependents`` (rates, shares, intervals computed from it). Zeros are shown: an empty cell
reveals nothing about a person. Secondary suppression then makes sure no withheld cell can be
recovered from a published total (a ``margin``): a group of cells under a total never has
exactly one withheld cell, nor withheld cells whose sum is itself a small count (the sum is
what the total gives away); where it would, the smallest other cell in the group is withheld
too, repeating until no group is left open. A lone cell is not the only way in: several
groups together can pin a cell down (a closed block of withheld cells joined to the rest by one
cell; withheld zeros under a total of zero), so a final check solves the published relations
(exactly, and by linear programming with counts >= 0 for the disclosive cells) and, while any
withheld cell can still be worked out, withholds one more cell next to it. This is the
standard cell-suppression approach of the ONS and the Home Office's small-number guidance; see
Office for National Statistics, *Statistical Disclosure Control* (GSS guidance, 2021).

Every count left standing is then rounded to the nearest multiple of ``threshold`` (halves up;
:func:`round_count`), each from its own true value, totals included. Two rounded counts differ
by a multiple of the threshold, so no pair of published counts - from one output or from two
outputs of different periods or filters - differs by 1 to ``threshold - 1``: differencing can
no longer give a small count away (see ``docs/disclosure.md``).
"""

from __future__ import annotations

import math
from collections.abc import Hashable, Mapping, Sequence

import numpy as np
import polars as pl
from scipy.optimize import linprog

from vawg.errors import InputError

__all__ = [
    "SUPPRESSED_FLAG",
    "Relation",
    "is_disclosive",
    "protect",
    "round_count",
    "suppress",
]

SUPPRESSED_FLAG = "suppressed"


def is_disclosive(count: int | None, threshold: int) -> bool:
    """Whether a single count must not be published."""
    return count is not None and 0 < count < threshold


def shown_count(count: int | None, threshold: int) -> int | None:
    """One count as the rule publishes it on its own: None when small (or unknown), else
    rounded to the nearest multiple of ``threshold``."""
    if count is None or is_disclosive(count, threshold):
        return None
    return round_count(count, threshold)


def round_count(count: int | None, base: int) -> int | None:
    """``count`` rounded to the nearest multiple of ``base`` (halves up); None stays None.

    A count of at least ``base`` never rounds to 0, so a shown count is never confused with
    an empty cell; ``base`` 1 leaves every count as it is.
    """
    if count is None or base <= 1:
        return count
    return (int(count) + base // 2) // base * base


def suppress(
    frame: pl.DataFrame,
    count: str,
    *,
    threshold: int,
    margins: Sequence[Sequence[str]] = ((),),
    dependents: Sequence[str] = (),
    totals: Sequence[str | None] = (),
    rounded: bool = True,
) -> pl.DataFrame:
    """``frame`` with disclosive counts (and their ``dependents``) set to null, and every count
    left standing rounded to a multiple of ``threshold`` (``rounded=False``: not rounded, for a
    caller that rounds later or publishes no count).

    ``margins`` lists the groupings whose totals are published: ``[["district"], ["year"]]`` for a
    district × year table with row and column totals; ``[()]`` (the default) for a list with a
    grand total; ``[]`` when no total is published. Adds a boolean ``suppressed`` column.

    ``totals`` (optional, one entry per margin) names a boolean column for that margin when its
    totals are carried as cells of ``frame`` (so a small total is suppressed like any other
    count): true on the row holding its group's total, false on the parts, null on rows that
    take no part in that margin. ``None`` or no entry = that margin's totals are published
    outside the frame and every row is a part.
    """
    if threshold < 1:
        raise InputError(f"disclosure threshold {threshold} must be at least 1")
    if count not in frame.columns:
        raise InputError(f"suppress: no column {count!r}; columns are {', '.join(frame.columns)}")
    values = frame[count].cast(pl.Int64).to_list()
    hidden = [is_disclosive(v, threshold) for v in values]
    primary = list(hidden)
    relations = _relations(frame, margins, totals)
    stuck: set[int] = set()  # given away by the published totals alone: nothing can help
    while True:
        _lone_cells(relations, hidden, values, threshold)
        exposed = [i for i in _exposed(relations, hidden, values, primary) if i not in stuck]
        if not exposed:
            break
        if not _cover(exposed[0], relations, hidden, values, primary):
            stuck.add(exposed[0])
    mask = pl.Series(SUPPRESSED_FLAG, hidden, dtype=pl.Boolean)
    out = frame.with_columns(mask)
    if rounded:
        shown = [
            None if h else round_count(v, threshold) for v, h in zip(values, hidden, strict=True)
        ]
        out = out.with_columns(pl.Series(count, shown, dtype=frame[count].dtype))
    for column in (count, *dependents):
        out = out.with_columns(
            pl.when(pl.col(SUPPRESSED_FLAG)).then(None).otherwise(pl.col(column)).alias(column)
        )
    return out


Relation = tuple[Sequence[Hashable], Hashable | None]
"""Cells published with a total: the parts, and the total's cell (None = published elsewhere)."""


def protect(
    cells: Mapping[Hashable, int | None],
    relations: Sequence[Relation],
    threshold: int,
    *,
    rounded: bool = True,
) -> dict[Hashable, int | None]:
    """Suppress (and round) ``cells`` (name → count) published with ``relations``, as one
    system: the way to protect linked tables together (a count withheld in one table cannot
    be worked out from a total in another)."""
    keys = list(cells)
    position = {key: i for i, key in enumerate(keys)}
    data: dict[str, list[object]] = {"n": [cells[k] for k in keys]}
    margins: list[list[str]] = []
    totals: list[str | None] = []
    for r, (parts, total) in enumerate(relations):
        members = {position[p] for p in parts}
        flags: list[bool | None] = [None] * len(keys)
        for i in members:
            flags[i] = False
        if total is not None:
            flags[position[total]] = True
        data[f"g{r}"] = ["in"] * len(keys)
        data[f"t{r}"] = list(flags)
        margins.append([f"g{r}"])
        totals.append(f"t{r}")
    frame = pl.DataFrame(data, schema_overrides={"n": pl.Int64})
    out = suppress(frame, "n", threshold=threshold, margins=margins, totals=totals, rounded=rounded)
    return dict(zip(keys, out["n"].to_list(), strict=True))


# The final check solves each linked group of suppressed cells; its cost grows with the
# group's size, so very large groups (thousands of suppressed cells sharing margins, where so
# many unknowns leave an attacker little to solve) are left to the lone-cell rule, and the
# linear-programming bound is only run on groups small enough for it.
_SOLVE_LIMIT = 1500
_BOUND_LIMIT = 120

_Rows = tuple[list[int], int | None]
"""Rows of one published total: the parts, and the row holding the total (None = published
outside the frame)."""


def _relations(
    frame: pl.DataFrame, margins: Sequence[Sequence[str]], totals: Sequence[str | None]
) -> list[_Rows]:
    relations: list[_Rows] = []
    for m, margin in enumerate(margins):
        flag = totals[m] if m < len(totals) else None
        marks = frame[flag].to_list() if flag else [False] * frame.height
        keys = frame.select(margin).rows() if margin else [()] * frame.height
        index: dict[tuple[object, ...], list[int]] = {}
        for i, key in enumerate(keys):
            if marks[i] is not None:
                index.setdefault(tuple(key), []).append(i)
        for members in index.values():
            total = next((i for i in members if marks[i]), None)
            relations.append((members, total))
    return relations


def _lone_cells(
    relations: list[_Rows], hidden: list[bool], values: list[int | None], threshold: int
) -> None:
    """Suppress one more cell in every group with exactly one suppressed cell, or whose
    suppressed parts add up to a small count its published total gives away, until none is
    left."""
    changed = True
    while changed:
        changed = False
        for members, total in relations:
            lone = [i for i in members if hidden[i]]
            if not lone:
                continue
            open_sum = total is None or not hidden[total]
            hidden_sum = sum(values[i] or 0 for i in lone if i != total)
            if len(lone) != 1 and not (open_sum and 0 < hidden_sum < threshold):
                continue
            others = [i for i in members if not hidden[i] and values[i] is not None]
            if not others:
                continue
            # Prefer a non-zero cell: suppressing a zero hides nothing an attacker cares about.
            pick = min(others, key=lambda i: (values[i] == 0, values[i]))
            hidden[pick] = True
            changed = True


def _components(relations: list[_Rows], unknown: set[int]) -> list[tuple[list[int], list[int]]]:
    """Groups of unknown cells linked through shared relations, each with its relations."""
    parent = {cell: cell for cell in unknown}

    def root(cell: int) -> int:
        while parent[cell] != cell:
            parent[cell] = parent[parent[cell]]
            cell = parent[cell]
        return cell

    touching = []
    for r, (members, _) in enumerate(relations):
        inside = [i for i in members if i in unknown]
        if inside:
            touching.append(r)
            for other in inside[1:]:
                parent[root(other)] = root(inside[0])
    cells: dict[int, list[int]] = {}
    for cell in unknown:
        cells.setdefault(root(cell), []).append(cell)
    rels: dict[int, list[int]] = {}
    for r in touching:
        first = next(i for i in relations[r][0] if i in unknown)
        rels.setdefault(root(first), []).append(r)
    return [(sorted(cells[key]), rels.get(key, [])) for key in cells]


def _moves(j: int, x: np.ndarray, free: np.ndarray) -> bool:
    """Whether ``x``'s unknown ``j`` can move by a whole count along one of the ``free``
    directions (rows: a basis of the null space of the relations) with every count >= 0.

    ``x`` (the true counts) meets the relations, so each direction ``v`` gives the feasible
    segment ``x + t v``; if it reaches one count above or below ``x[j]``, two whole numbers
    fit the relations and ``j`` is not pinned. A cheap proof that spares most linear
    programmes (each a few milliseconds); when no direction gives it, the programmes decide.
    """
    for v in free:
        if abs(v[j]) < 1e-9:
            continue
        down, up = v < -1e-12, v > 1e-12
        t_hi = float(np.min(x[down] / -v[down])) if down.any() else math.inf
        t_lo = float(np.max(-x[up] / v[up])) if up.any() else -math.inf
        reach = max(t_hi * v[j], t_lo * v[j])
        if reach >= 1 + 1e-6:
            return True
    return False


def _pinned(j: int, a: np.ndarray, b: np.ndarray) -> bool:
    """Whether unknown ``j`` has one whole number in its range under ``A x = b``, ``x >= 0``."""
    unit = np.zeros(a.shape[1])
    unit[j] = 1.0
    low = linprog(unit, A_eq=a, b_eq=b, bounds=(0, None), method="highs")
    high = linprog(-unit, A_eq=a, b_eq=b, bounds=(0, None), method="highs")
    if low.status != 0 or high.status != 0:  # unbounded above (or no solver answer): not pinned
        return False
    return math.floor(-high.fun + 1e-7) <= math.ceil(low.fun - 1e-7)


def _exposed(
    relations: list[_Rows],
    hidden: list[bool],
    values: list[int | None],
    primary: list[bool],
    only: int | None = None,
) -> list[int]:
    """Suppressed cells an attacker can work out from the published cells and totals.

    Each group gives one linear relation: its parts sum to its total (a cell of the frame, or
    published outside it). With the published values moved to the right-hand side, a suppressed
    cell is determined exactly when its unit vector lies in the row space of the relations over
    the unknown cells (suppressed cells, and cells with no value). A disclosive (primary) cell
    is also exposed when linear programming under the relations and ``x >= 0`` leaves a single
    whole number for it (e.g. a suppressed zero under a total of zero pins its neighbours). Cells
    linked by no relation are solved apart; ``only``: check that one cell.
    """
    unknown = {i for i, h in enumerate(hidden) if h or values[i] is None}
    out = []
    for cells, rels in _components(relations, unknown):
        if only is not None and only not in cells:
            continue
        wanted = [c for c in cells if hidden[c] and (only is None or c == only)]
        if not wanted or not rels:
            continue
        if len(rels) == 1:  # one relation: only a lone unknown in it can be worked out
            if len(cells) == 1:
                out += wanted
            continue
        if len(cells) > _SOLVE_LIMIT:
            continue
        column = {cell: j for j, cell in enumerate(cells)}
        a = np.zeros((len(rels), len(cells)))
        for row, r in enumerate(rels):
            members, total = relations[r]
            for i in members:
                if i in column:
                    a[row, column[i]] = -1.0 if i == total else 1.0
        x = np.asarray([values[c] or 0 for c in cells], dtype=float)
        b = a @ x
        small = len(cells) <= _BOUND_LIMIT
        _, sv, vt = np.linalg.svd(a, full_matrices=small)
        rank = int((sv > 1e-9 * max(sv[0], 1.0)).sum())
        leverage = (vt[:rank] ** 2).sum(axis=0)
        for cell in wanted:
            j = column[cell]
            if leverage[j] > 1 - 1e-9 or (
                primary[cell] and small and not _moves(j, x, vt[rank:]) and _pinned(j, a, b)
            ):
                out.append(cell)
    return out


def _cover(
    cell: int,
    relations: list[_Rows],
    hidden: list[bool],
    values: list[int | None],
    primary: list[bool],
) -> bool:
    """Suppress more cells near ``cell`` so that it can no longer be worked out.

    Looks first at the cells sharing a total with it, then at every cell sharing a total with
    its linked suppressed cells; returns False (changing nothing) when suppressing all of them
    would still leave it exposed.
    """
    unknown = {i for i, h in enumerate(hidden) if h or values[i] is None}
    linked = next((c for c, _ in _components(relations, unknown) if cell in c), [cell])
    for reach in ({cell}, set(linked)):
        near = sorted(
            {
                i
                for members, _ in relations
                if reach.intersection(members)
                for i in members
                if not hidden[i] and values[i] is not None
            },
            key=lambda i: (values[i] == 0, values[i], i),
        )
        if not near:
            continue
        for i in near:
            hidden[i] = True
        freed = not _exposed(relations, hidden, values, primary, only=cell)
        for i in near:
            hidden[i] = False
        if not freed:
            continue
        for candidate in near:
            hidden[candidate] = True
            if not _exposed(relations, hidden, values, primary, only=cell):
                return True
            hidden[candidate] = False
        hidden[near[0]] = True  # no single cell frees it; take the smallest and look again
        return True
    return False
