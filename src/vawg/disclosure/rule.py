"""The rule in words, and the marks every public Result carries.

:func:`describe` is the plain-English statement of the rule that every public report prints
(the reports take it from the Result they render, never from here). :func:`public_params`
is the first step of every family's ``disclose`` function: it refuses a period that is not on
the grid and records the rule in the Result's ``params.settings["disclosure"]``.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterable
from datetime import date
from pathlib import PurePath
from typing import Any

from vawg.config import Settings
from vawg.disclosure.cells import is_disclosive, round_count
from vawg.disclosure.grid import grid_period
from vawg.results import Params

__all__ = [
    "CITATION",
    "DISCLOSURE_KEY",
    "GRID_RULE",
    "WITHHELD_FINDING",
    "describe",
    "evaluation_period_rule",
    "public_notes",
    "public_params",
    "public_source",
    "public_text",
]

DISCLOSURE_KEY = "disclosure"
"""Where a public Result records its rule: ``params.settings["disclosure"]``."""

CITATION = (
    "Office for National Statistics, Statistical Disclosure Control (Government Statistical "
    "Service guidance, 2021); Home Office, small-number publication guidance."
)


WITHHELD_FINDING = (
    "Not published: a count this finding rests on is too small to publish, so its estimate is "
    "withheld with it (the restricted report has it)."
)
"""The public finding of an evaluation whose counts are partly withheld."""

GRID_RULE = (
    "Public figures are made only for whole financial quarters, half-years and years "
    "(and runs of whole years), for the force, its districts and its LSOAs; every "
    "public release is recorded and checked against the releases before it."
)
"""The rule's sentence on periods, true of every public Result whose period is on the grid."""


def evaluation_period_rule(threshold: int) -> str:
    """The rule's sentence on periods for the evaluations (Safer Streets places and the
    perpetrator programme), instead of :data:`GRID_RULE`: their counts are before and after
    each intervention's own start, or over each man's own follow-up, not for a calendar
    period, so they cannot be held to whole quarters; the rounding is what protects them."""
    return (
        "Other public figures are made only for whole financial quarters, half-years and years; "
        "the evaluations cannot be. Safer Streets counts crimes from the first whole month of "
        "the data to each intervention's start and from the start to the last whole month, and "
        "the perpetrator programme counts men over their own follow-up from their own start, "
        "so their periods are not whole quarters. What protects them is the rounding, not the "
        f"calendar: every count shown is a multiple of {threshold}, so counts from releases "
        f"for different periods can never differ by 1 to {threshold - 1}; no monthly count is "
        "published; and every public release is recorded and checked against the releases "
        "before it."
    )


def describe(threshold: int, period_rule: str | None = None) -> dict[str, Any]:
    """The rule for ``threshold``: ``summary`` (one line for the page banner), ``method``
    (paragraphs for the methods section, plain English first) and the numbers.

    ``period_rule`` replaces :data:`GRID_RULE` in ``method`` for a Result whose counts are not
    for a grid period (it must say what they are for and what protects them instead)."""
    limit = threshold - 1
    if threshold <= 1:
        return {
            "threshold": threshold,
            "rounding_base": 1,
            "summary": "No counts are withheld or rounded (disclosure threshold 1).",
            "method": [
                "The disclosure threshold is set to 1, so every count is shown as it is. Do not "
                "publish these figures."
            ],
            "citation": CITATION,
        }
    return {
        "threshold": threshold,
        "rounding_base": threshold,
        "summary": (
            f"Small numbers withheld, the rest rounded: counts of 1 to {limit} are not shown "
            "(a dash; so is a larger count where it would let a hidden one be worked out by "
            f"subtraction) and every other count is rounded to the nearest {threshold}."
        ),
        "method": [
            f"To protect the people behind these figures, no count of 1 to {limit} is "
            "published. Such a count is shown as a dash, and so is every figure worked out from "
            "it (a rate, share, ratio, z-score or rank, and its interval). Zero is shown.",
            "Where a hidden count could be worked out by subtracting the other counts from a "
            "published total, more counts under that total are hidden too, so that neither one "
            f"hidden count nor the sum of the hidden counts can be found to be 1 to {limit}.",
            f"Every count that is shown is then rounded to the nearest {threshold}, and every "
            "total is rounded from its own true value, so the parts may not add up exactly to "
            f"the total. Because every published count is a multiple of {threshold}, "
            "subtracting one published count from another - in one report, or across reports "
            f"for different periods, areas or filters - never gives a number from 1 to {limit}. "
            "Rates, shares and ratios are worked out from the rounded counts.",
            period_rule or GRID_RULE,
            "These are the cell-suppression and rounding methods of the ONS and the Home "
            f"Office's small-number guidance ({CITATION})",
        ],
        "citation": CITATION,
    }


def public_params(
    params: Params,
    settings: Settings,
    *,
    period: tuple[date, date] | None = None,
    grid: bool = True,
    off_grid: str | None = None,
) -> Params:
    """``params`` of a public Result: the period checked against the grid (``period``, or the
    Result's own), the threshold and the rule recorded in ``settings``. ``grid=False`` only for
    figures made from data that is already public on its own grid (police.uk months), or
    whose counts are not for calendar periods at all; then ``off_grid``, when given, is the
    rule's sentence on periods instead of :data:`GRID_RULE` (see :func:`describe`).

    Raises :class:`~vawg.errors.InputError` when the period is not a grid period.
    """
    span = period or params.period
    recorded = dict(params.settings)
    if grid and span is not None:
        recorded["public_period"] = grid_period(*span).label
    threshold = settings.disclosure_threshold
    recorded["disclosure_threshold"] = threshold
    if off_grid is not None and grid:
        raise ValueError("off_grid is the period sentence of a Result not held to the grid")
    recorded[DISCLOSURE_KEY] = describe(threshold, off_grid)
    return dataclasses.replace(params, settings=recorded)


_COUNT_PHRASE = re.compile(
    r"(?<![\d.,])\b(\d[\d,]*)(\s+(?:in-scope\s+|VAWG\s+)?(?:crimes?|offen[cs]es?|offenders?|"
    r"victims?|people|persons?|respondents?|responses?|records?|rows?|cases?|perpetrators?|"
    r"suspects?))\b",
    re.IGNORECASE,
)


def public_text(text: str, threshold: int) -> str:
    """``text`` (a note or caption written by an analysis) with every count in it ("74
    crimes") rounded, or said to be fewer than ``threshold`` when it is small."""

    def rounded(match: re.Match[str]) -> str:
        value = int(match.group(1).replace(",", ""))
        if is_disclosive(value, threshold):
            return f"fewer than {threshold}{match.group(2)}"
        return f"{round_count(value, threshold):,}{match.group(2)}"

    return _COUNT_PHRASE.sub(rounded, text)


def public_notes(notes: Iterable[str], threshold: int) -> tuple[str, ...]:
    """Every note through :func:`public_text`."""
    return tuple(public_text(note, threshold) for note in notes)


def public_source(source: str) -> str:
    """A data source as a public output may name it: a file's name, never where it sits."""
    if "/" in source or "\\" in source:
        return PurePath(source.replace("\\", "/")).name
    return source
