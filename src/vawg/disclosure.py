"""The one small-number suppression rule every public output goes through.

Rule (documented in every public report): a count from 1 to ``threshold - 1`` (default
threshold 5, the ``disclosure_threshold`` setting) is suppressed — shown as empty with a flag —
and so is everything computed from it (rates, shares, intervals). Zeros are shown: an empty
cell reveals nothing about a person. Secondary suppression then makes sure no suppressed cell can
be recovered by subtraction: for every published total (a ``margin``), a group of cells under
it never has exactly one suppressed cell; where it would, the smallest other cell in the group
is suppressed too, repeating until no group has a lone suppressed cell. This is the standard
cell-suppression approach of the ONS and the Home Office's small-number guidance; see
Office for National Statistics, *Statistical Disclosure Control* (GSS guidance, 2021).
"""

from __future__ import annotations

from collections.abc import Sequence

import polars as pl

from vawg.errors import InputError

__all__ = ["RULE_TEXT", "SUPPRESSED_FLAG", "is_disclosive", "suppress"]

SUPPRESSED_FLAG = "suppressed"
RULE_TEXT = (
    "Counts from 1 to {limit} are suppressed (shown empty) together with any figure computed "
    "from them; where a suppressed count could be worked out from a published total, the next "
    "smallest count under that total is suppressed as well."
)


def is_disclosive(count: int | None, threshold: int) -> bool:
    """Whether a single count must not be published."""
    return count is not None and 0 < count < threshold


def suppress(
    frame: pl.DataFrame,
    count: str,
    *,
    threshold: int,
    margins: Sequence[Sequence[str]] = ((),),
    dependents: Sequence[str] = (),
) -> pl.DataFrame:
    """``frame`` with disclosive counts (and their ``dependents``) set to null.

    ``margins`` lists the groupings whose totals are published: ``[["district"], ["year"]]`` for a
    district × year table with row and column totals; ``[()]`` (the default) for a list with a
    grand total; ``[]`` when no total is published. Adds a boolean ``suppressed`` column.
    """
    if threshold < 1:
        raise InputError(f"disclosure threshold {threshold} must be at least 1")
    if count not in frame.columns:
        raise InputError(f"suppress: no column {count!r}; columns are {', '.join(frame.columns)}")
    values = frame[count].cast(pl.Int64).to_list()
    hidden = [is_disclosive(v, threshold) for v in values]
    groups: list[list[list[int]]] = []
    for margin in margins:
        keys = frame.select(margin).rows() if margin else [()] * frame.height
        index: dict[tuple[object, ...], list[int]] = {}
        for i, key in enumerate(keys):
            index.setdefault(tuple(key), []).append(i)
        groups.append(list(index.values()))
    changed = True
    while changed:
        changed = False
        for grouping in groups:
            for members in grouping:
                lone = [i for i in members if hidden[i]]
                if len(lone) != 1:
                    continue
                others = [i for i in members if not hidden[i] and values[i] is not None]
                if not others:
                    continue
                # Prefer a non-zero cell: suppressing a zero hides nothing an attacker cares about.
                pick = min(others, key=lambda i: (values[i] == 0, values[i]))
                hidden[pick] = True
                changed = True
    mask = pl.Series(SUPPRESSED_FLAG, hidden, dtype=pl.Boolean)
    out = frame.with_columns(mask)
    for column in (count, *dependents):
        out = out.with_columns(
            pl.when(pl.col(SUPPRESSED_FLAG)).then(None).otherwise(pl.col(column)).alias(column)
        )
    return out
